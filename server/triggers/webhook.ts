import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Trigger } from '../db/generated/client';
import type { Logger } from '../log';
import { describeValue, parseType, valueFits, type JsonValue } from '../weft/types';
import { configOf, outputsOf, TriggerProblem, type Triggers } from './triggers';

export const webhookPathPrefix = '/webhooks/';
const receivedAtPort = 'receivedAt';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * `POST /webhooks/:triggerId` with a JSON object: its fields named like the ApiPost node's
 * declared outputs become those outputs (fields it does not declare are ignored), and a run
 * of the trigger's version starts. Answers 202 `{ executionId, url, graphql }`; a refusal
 * answers `{ error: { code, message, field? } }` and starts nothing.
 */
export function createWebhookHandler(options: { triggers: Triggers; maxBodyBytes: number; log: Logger }) {
  return async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    try {
      if (request.method !== 'POST') throw new Refusal(405, 'METHOD_NOT_ALLOWED', 'A webhook takes POST requests only');
      const trigger = await apiPostTrigger(options.triggers, triggerIdOf(request));
      checkApiKey(trigger, request.headers['x-api-key']);
      if (trigger.state !== 'active') {
        throw new Refusal(409, 'TRIGGER_INACTIVE', `The webhook "${trigger.nodeId}" is ${trigger.state}: activate the project's triggers to accept POSTs`);
      }
      const body = await readJsonObject(request, options.maxBodyBytes);
      const outputs = { ...fieldsOf(trigger, body), [receivedAtPort]: new Date().toISOString() };
      const { execution, replayed } = await options.triggers.startRun(trigger, outputs, {
        triggeredBy: `webhook from ${request.socket.remoteAddress ?? 'unknown'}`,
        idempotencyKey: idempotencyKeyOf(request),
      });
      answer(response, 202, { executionId: execution.id, ...watchLinks(request, trigger, execution.id), replayed }, replayed ? { 'idempotent-replayed': 'true' } : {});
    } catch (error) {
      if (error instanceof Refusal) {
        answer(response, error.status, { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } });
        return;
      }
      options.log.error('webhook failed', { url: request.url, error: (error as Error).message });
      answer(response, 500, { error: { code: 'INTERNAL', message: `The run could not be started: ${(error as Error).message}` } });
    }
  };
}

function triggerIdOf(request: http.IncomingMessage): string {
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  return decodeURIComponent(pathname.slice(webhookPathPrefix.length)).replace(/\/$/, '');
}

async function apiPostTrigger(triggers: Triggers, triggerId: string): Promise<Trigger> {
  const notFound = new Refusal(404, 'NOT_FOUND', `There is no webhook ${triggerId}`);
  if (!uuid.test(triggerId)) throw notFound;
  try {
    return await triggers.triggerOfKind(triggerId.toLowerCase(), 'ApiPost');
  } catch (error) {
    throw error instanceof TriggerProblem ? notFound : error;
  }
}

function checkApiKey(trigger: Trigger, given: string | string[] | undefined): void {
  const expected = configOf(trigger).apiKey;
  if (typeof expected !== 'string' || expected === '') return;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (typeof given !== 'string' || !timingSafeEqual(digest(given), digest(expected))) {
    throw new Refusal(401, 'UNAUTHENTICATED', 'This webhook needs its API key in the x-api-key header');
  }
}

async function readJsonObject(request: http.IncomingMessage, maxBytes: number): Promise<Record<string, JsonValue>> {
  const tooLarge = new Refusal(413, 'REQUEST_TOO_LARGE', `The body is larger than ${maxBytes} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) throw tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge;
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Refusal(400, 'BAD_JSON', 'The body is not JSON: send a JSON object of the fields the webhook declares');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Refusal(400, 'BAD_JSON', 'The body must be a JSON object of the fields the webhook declares');
  }
  return body as Record<string, JsonValue>;
}

/** The declared outputs, type-checked: a required field that is missing (or null) or a value of the wrong type is refused. */
function fieldsOf(trigger: Trigger, body: Record<string, JsonValue>): Record<string, JsonValue> {
  const fields: Record<string, JsonValue> = {};
  for (const port of outputsOf(trigger).filter((output) => output.name !== receivedAtPort)) {
    const value = body[port.name] ?? null;
    if (value === null) {
      if (port.declaredRequired ?? !port.optional) throw new Refusal(400, 'MISSING_FIELD', `The field "${port.name}" (${port.type}) is required`, port.name);
    } else {
      const type = parseType(port.type);
      if (type.ok && !valueFits(value, type.type)) {
        throw new Refusal(400, 'WRONG_TYPE', `The field "${port.name}" must be a ${port.type}, not ${describeValue(value)}`, port.name);
      }
    }
    fields[port.name] = value;
  }
  return fields;
}

function idempotencyKeyOf(request: http.IncomingMessage): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
    throw new Refusal(400, 'BAD_IDEMPOTENCY_KEY', 'Idempotency-Key must be one header of 1 to 255 characters');
  }
  return `webhook:${key}`;
}

/** Where to watch the run: the SPA's page of the execution, and the GraphQL subscription of its events. */
function watchLinks(request: http.IncomingMessage, trigger: Trigger, executionId: string) {
  const base = `http://${request.headers.host ?? 'localhost'}`;
  return {
    url: `${base}/projects/${trigger.projectId}?executionId=${executionId}`,
    graphql: {
      url: `${base}/graphql`,
      subscription: `subscription { executionEvents(executionId: "${executionId}") { seq kind execution { status } nodeRun { nodeId status output error } } }`,
    },
  };
}

function answer(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}
