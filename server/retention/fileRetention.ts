/**
 * Which stored files retention deletes: those older than the maximum age, then the oldest of the
 * rest until their total size is within the maximum. It governs the files made by runs, and
 * uploads too only when FILE_RETENTION_UPLOADS is on (an upload may be what a project's Image node
 * points at). The bytes go from the store, then the row.
 */
import type { PrismaClient } from '../db/generated/client';
import type { Files } from '../files/files';

export interface RetentionPolicy {
  /** Files older than this many seconds are deleted; 0: no age limit. */
  maxAgeSeconds: number;
  /** The newest files that fit within this many bytes are kept; 0: no size limit. */
  maxTotalBytes: number;
  /** Uploads are governed too (else only files made by runs). */
  includeUploads: boolean;
  /** Seconds between two prunings. */
  intervalSeconds: number;
}

export interface PruneReport {
  deletedFiles: number;
  deletedBytes: number;
  keptFiles: number;
  keptBytes: number;
}

export interface RetainedFile {
  id: string;
  size: number;
  createdAt: Date;
}

export const retentionEnabled = (policy: RetentionPolicy) => policy.maxAgeSeconds > 0 || policy.maxTotalBytes > 0;

/** How far a pruning has come, newest first: the bytes kept so far, and whether the size limit was reached. */
export interface Kept {
  bytes: number;
  full: boolean;
}

/**
 * Given files newest first, the ids to delete: past the age limit, or beyond the size limit counted
 * from the newest (once a file does not fit, every older one goes too: retention keeps a recent
 * stretch, not a packing).
 */
export function filesOverLimits(newestFirst: readonly RetainedFile[], policy: RetentionPolicy, now: Date, kept: Kept = { bytes: 0, full: false }): { expired: string[]; kept: Kept } {
  const cutoff = policy.maxAgeSeconds > 0 ? now.getTime() - policy.maxAgeSeconds * 1000 : -Infinity;
  const expired: string[] = [];
  let { bytes, full } = kept;
  for (const file of newestFirst) {
    const overSize = policy.maxTotalBytes > 0 && (full || bytes + file.size > policy.maxTotalBytes);
    if (overSize) full = true;
    if (overSize || file.createdAt.getTime() < cutoff) expired.push(file.id);
    else bytes += file.size;
  }
  return { expired, kept: { bytes, full } };
}

const pageSize = 500;

/** Applies the policy to the store, a page of files at a time, newest first. */
export async function pruneFiles(prisma: PrismaClient, files: Files, policy: RetentionPolicy, now: Date): Promise<PruneReport> {
  const report: PruneReport = { deletedFiles: 0, deletedBytes: 0, keptFiles: 0, keptBytes: 0 };
  if (!retentionEnabled(policy)) return report;
  const scope = policy.includeUploads ? {} : { executionId: { not: null } };
  let after: RetainedFile | undefined;
  let kept: Kept = { bytes: 0, full: false };
  for (;;) {
    // Keyset paging (not a cursor row, which this very loop may have deleted).
    const page: RetainedFile[] = await prisma.storedFile.findMany({
      where: {
        ...scope,
        createdAt: { lte: now },
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      select: { id: true, size: true, createdAt: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: pageSize,
    });
    if (page.length === 0) break;
    const verdict = filesOverLimits(page, policy, now, kept);
    const expired = new Set(verdict.expired);
    for (const file of page) {
      if (!expired.has(file.id)) {
        report.keptFiles += 1;
        continue;
      }
      // One deleted by hand meanwhile is gone all the same.
      await files.delete(file.id);
      report.deletedFiles += 1;
      report.deletedBytes += file.size;
    }
    kept = verdict.kept;
    after = page[page.length - 1];
    if (page.length < pageSize) break;
  }
  report.keptBytes = kept.bytes;
  return report;
}
