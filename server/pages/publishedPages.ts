/**
 * Published runner pages: slug rules, what a visitor's run may set (the allow-listed fields,
 * with values that fit the field), per-page rate limits and the tokens that let a visitor
 * follow their own run and nobody else's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PageLimits } from '../config';
import type { PrismaClient } from '../db/generated/client';
import type { VisitorAllowlist } from '../loom/visibility';
import type { FieldView } from '../loom/projectPage';

const reservedSlugs: ReadonlySet<string> = new Set([
  'api', 'app', 'admin', 'auth', 'login', 'logout', 'account', 'community', 'share', 'publish', 'p', 'settings', 'docs', 'help',
  'pricing', 'terms', 'privacy', 'about', 'contact', 'dashboard', 'new', 'edit', 'delete', 'health',
]);

/** Why a slug cannot be used, or undefined when it can (3–63 of a–z, 0–9, single inner hyphens; not reserved). */
export function slugProblem(slug: string): string | undefined {
  if (slug.length < 3 || slug.length > 63) return 'A page slug has 3 to 63 characters';
  if (!/^[a-z0-9-]+$/.test(slug)) return 'A page slug has only lower-case letters a–z, digits and hyphens';
  if (slug.startsWith('-') || slug.endsWith('-') || slug.includes('--')) return 'A page slug neither starts nor ends with a hyphen, nor has two in a row';
  if (reservedSlugs.has(slug)) return `"${slug}" is reserved; choose another slug`;
  return undefined;
}

export type FieldValues = Record<string, Record<string, unknown>>;

const truthy = new Set(['true', 'yes', 'y', 'on', '1']);

/** A submitted value in the shape its field stores (LOOM.md 4.3), or why it does not fit. */
export function fieldValue(field: FieldView, given: unknown): { value: unknown } | { problem: string } {
  const name = `${field.nodeId} ${field.fieldKey}`;
  if (given === null) return { value: null };
  const current = field.value;
  const numeric = field.fieldType === 'number' || typeof current === 'number';
  if (numeric) {
    if (given === '') return { value: null };
    const number = typeof given === 'number' ? given : typeof given === 'string' && given.trim() !== '' ? Number(given) : Number.NaN;
    if (!Number.isFinite(number)) return { problem: `${name} takes a number` };
    return { value: number };
  }
  if (field.fieldType === 'checkbox' || typeof current === 'boolean') {
    if (typeof given === 'boolean') return { value: given };
    if (typeof given === 'string') return { value: truthy.has(given.toLowerCase()) };
    return { problem: `${name} takes true or false` };
  }
  const options = field.options ?? [];
  const picker = field.variant ?? field.fieldType;
  if (['select', 'radio', 'cards'].includes(picker) && options.length > 0) {
    if (typeof given !== 'string' || !options.includes(given)) return { problem: `${name} takes one of ${options.join(', ')}` };
    return { value: given };
  }
  if (['multiselect', 'multicards'].includes(picker) && options.length > 0) {
    let chosen: unknown = given;
    if (typeof given === 'string') {
      try {
        chosen = JSON.parse(given);
      } catch {
        return { problem: `${name} takes a list of ${options.join(', ')}` };
      }
    }
    if (!Array.isArray(chosen) || !chosen.every((item) => typeof item === 'string' && options.includes(item))) {
      return { problem: `${name} takes a list of ${options.join(', ')}` };
    }
    return { value: field.fieldType === 'multiselect' ? chosen : JSON.stringify(chosen) };
  }
  if (field.fieldType === 'blob') {
    const url = (given as { url?: unknown } | null)?.url;
    if (typeof given !== 'object' || typeof url !== 'string') return { problem: `${name} takes an uploaded file {url, filename, mime_type, size_bytes}` };
    return { value: given };
  }
  if (typeof given === 'string') return { value: given };
  if (typeof given === 'number' || typeof given === 'boolean') return { value: String(given) };
  if (Array.isArray(given) && given.every((item) => typeof item === 'string')) return { value: given };
  return { problem: `${name} takes text` };
}

/**
 * The config overrides a run of the page gets: only allow-listed (node, field) pairs, each
 * value fitting its field. Anything else is refused with the reason, never silently dropped.
 */
export function mergeVisitorValues(
  given: unknown,
  allowlist: VisitorAllowlist,
  fields: readonly FieldView[],
  /** What a file field's value is made from: only an upload to this page's field (see PublishedPages.uploadOf). */
  fileValue: (field: FieldView, given: unknown) => { value: unknown } | { problem: string } = (field) => ({ problem: `${field.nodeId} ${field.fieldKey} takes a file uploaded to this page` }),
): { overrides: FieldValues } | { problem: string } {
  if (given === undefined || given === null) return { overrides: {} };
  if (typeof given !== 'object' || Array.isArray(given)) return { problem: 'values must be { "<node id>": { "<field>": value } }' };
  const overrides: FieldValues = {};
  for (const [nodeId, byField] of Object.entries(given as Record<string, unknown>)) {
    if (typeof byField !== 'object' || byField === null || Array.isArray(byField)) return { problem: `values of ${nodeId} must be an object of field values` };
    for (const [fieldKey, value] of Object.entries(byField as Record<string, unknown>)) {
      const field = fields.find((f) => f.nodeId === nodeId && f.fieldKey === fieldKey);
      if (!allowlist.inputs[nodeId]?.includes(fieldKey) || !field || field.sensitive) {
        return { problem: `${nodeId} ${fieldKey} is not a field of this page that visitors may set` };
      }
      const fitted = field.fieldType === 'blob' && value !== null ? fileValue(field, value) : fieldValue(field, value);
      if ('problem' in fitted) return fitted;
      (overrides[nodeId] ??= {})[fieldKey] = fitted.value;
    }
  }
  return { overrides };
}

/**
 * The requests (runs and uploads) each page took in the last minute, counted in the database so
 * that every server process sharing it holds the same limit. The page's row is locked while one
 * request is counted, so two processes never both take the last one.
 */
export class PageRateLimiter {
  constructor(private readonly prisma: PrismaClient) {}

  /** Takes one request of the page's allowance; false when the page has used it up this minute. */
  async take(pageId: string, perMinute: number, kind: 'run' | 'upload'): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "PublishedPage" WHERE "id" = ${pageId}::uuid FOR UPDATE`;
      await tx.$executeRaw`DELETE FROM "PageRequest" WHERE "pageId" = ${pageId}::uuid AND "at" <= clock_timestamp() - interval '60 seconds'`;
      const [usage] = await tx.$queryRaw<{ count: number; waitMs: number | null }[]>`
        SELECT count(*)::int AS "count", (extract(epoch FROM (min("at") + interval '60 seconds' - clock_timestamp())) * 1000)::float8 AS "waitMs"
        FROM "PageRequest" WHERE "pageId" = ${pageId}::uuid`;
      if ((usage?.count ?? 0) >= perMinute) return { ok: false as const, retryAfterSeconds: Math.max(1, Math.ceil((usage?.waitMs ?? 1000) / 1000)) };
      await tx.$executeRaw`INSERT INTO "PageRequest" ("pageId", "kind", "at") VALUES (${pageId}::uuid, ${kind}, clock_timestamp())`;
      return { ok: true as const };
    });
  }
}

/** A file a visitor uploaded to one field of one page: what the page's run accepts back for that field. */
export interface PageUpload {
  file_id: string;
  filename: string;
  mime_type: string;
  size_bytes: number;
}

const runTokenPrefix = 'wpage_';

/** What the GraphQL layer needs for published pages. */
export class PublishedPages {
  readonly rateLimiter: PageRateLimiter;

  constructor(
    readonly limits: PageLimits,
    private readonly secret: string,
    prisma: PrismaClient,
  ) {
    this.rateLimiter = new PageRateLimiter(prisma);
  }

  /** The token a visitor's upload comes back with: only that page's field accepts that file from a visitor. */
  uploadTokenFor(pageId: string, nodeId: string, fieldKey: string, upload: PageUpload): string {
    return createHmac('sha256', this.secret)
      .update(JSON.stringify(['page-upload', pageId, nodeId, fieldKey, upload.file_id, upload.filename, upload.mime_type, upload.size_bytes]))
      .digest('base64url');
  }

  /** The upload a visitor's value for a file field stands for, when its token was made for this page's field. */
  uploadOf(pageId: string, nodeId: string, fieldKey: string, given: unknown): PageUpload | undefined {
    if (typeof given !== 'object' || given === null) return undefined;
    const { file_id, filename, mime_type, size_bytes, upload_token } = given as Record<string, unknown>;
    if (typeof file_id !== 'string' || typeof filename !== 'string' || typeof mime_type !== 'string' || typeof size_bytes !== 'number' || typeof upload_token !== 'string') return undefined;
    const upload = { file_id, filename, mime_type, size_bytes };
    const expected = Buffer.from(this.uploadTokenFor(pageId, nodeId, fieldKey, upload));
    const token = Buffer.from(upload_token);
    return token.length === expected.length && timingSafeEqual(token, expected) ? upload : undefined;
  }

  /** A visitor's bearer token for following their own run: `wpage_<execution id>_<HMAC>`. */
  runTokenFor(executionId: string): string {
    return `${runTokenPrefix}${executionId}_${this.signature(executionId)}`;
  }

  /** The execution a run token is for, or undefined when it is not valid. */
  executionOf(token: string): string | undefined {
    if (!token.startsWith(runTokenPrefix)) return undefined;
    const rest = token.slice(runTokenPrefix.length);
    const separator = rest.indexOf('_');
    if (separator <= 0) return undefined;
    const executionId = rest.slice(0, separator);
    const given = Buffer.from(rest.slice(separator + 1));
    const expected = Buffer.from(this.signature(executionId));
    return given.length === expected.length && timingSafeEqual(given, expected) ? executionId : undefined;
  }

  /** The runs a minute a page gets: what its owner asked for, capped. */
  runsPerMinute(asked: number | null | undefined): number {
    return Math.min(Math.max(1, asked ?? this.limits.defaultRunsPerMinute), this.limits.maxRunsPerMinute);
  }

  private signature(executionId: string): string {
    return createHmac('sha256', this.secret).update(`page-run:${executionId}`).digest('base64url');
  }
}
