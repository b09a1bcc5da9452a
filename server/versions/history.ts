import type { Prisma, Version } from '../db/generated/client';

type Db = Prisma.TransactionClient;

/** How much history a project keeps (VERSION_INTERVAL_MINUTES, MAX_AUTO_VERSIONS). */
export interface VersionPolicy {
  /** An auto version is taken at most this often while the code keeps changing. */
  intervalMinutes: number;
  /** Auto versions kept per project, newest first; older ones are pruned. */
  maxAutoVersions: number;
}

interface ProjectCode {
  id: string;
  code: string;
  layout: string;
}

const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/**
 * After the code of a project changed: takes an auto version of it unless the code equals
 * the newest version's, or the last auto version is younger than the interval. Without a
 * timer, the last edits of a burst are versioned by the next edit after the interval, the
 * next run (runs pin a version of the code they run) or a restore.
 */
export async function recordCodeChange(db: Db, project: ProjectCode, policy: VersionPolicy, now = new Date()): Promise<Version | null> {
  const newest = await db.version.findFirst({ where: { projectId: project.id }, orderBy: newestFirst });
  if (newest?.code === project.code) return null;
  const lastAuto = await db.version.findFirst({ where: { projectId: project.id, kind: 'auto' }, orderBy: newestFirst, select: { createdAt: true } });
  if (lastAuto && now.getTime() - lastAuto.createdAt.getTime() < policy.intervalMinutes * 60_000) return null;
  return takeAutoVersion(db, project, policy);
}

async function takeAutoVersion(db: Db, project: ProjectCode, policy: VersionPolicy): Promise<Version> {
  const version = await db.version.create({ data: { projectId: project.id, kind: 'auto', code: project.code, layout: project.layout } });
  await pruneAutoVersions(db, project.id, policy.maxAutoVersions);
  return version;
}

/**
 * Deletes auto versions beyond the newest `keep`, except labelled ones and those an
 * execution ran: an execution keeps its version (its graph and code stay readable), so a
 * project with many runs can hold more than `keep` auto versions.
 */
export async function pruneAutoVersions(db: Db, projectId: string, keep: number): Promise<number> {
  const older = await db.version.findMany({ where: { projectId, kind: 'auto' }, orderBy: newestFirst, skip: keep, select: { id: true } });
  if (older.length === 0) return 0;
  const deleted = await db.version.deleteMany({
    where: { id: { in: older.map((version) => version.id) }, label: null, executions: { none: {} } },
  });
  return deleted.count;
}

/** A manual version of the project's current code, with a label; manual versions are never pruned. */
export async function saveVersion(db: Db, project: ProjectCode, label: string): Promise<Version> {
  return db.version.create({ data: { projectId: project.id, kind: 'manual', label, code: project.code, layout: project.layout } });
}

/**
 * Makes a version's code and layout current. The code it replaces is versioned first if no
 * version holds it yet (so a restore loses nothing), and the restored code becomes a new
 * manual version labelled after the one restored.
 */
export async function restoreVersion(db: Db, project: ProjectCode, restored: Version, policy: VersionPolicy): Promise<Version> {
  const newest = await db.version.findFirst({ where: { projectId: project.id }, orderBy: newestFirst, select: { code: true } });
  if (newest?.code !== project.code) await takeAutoVersion(db, project, policy);
  await db.project.update({ where: { id: project.id }, data: { code: restored.code, layout: restored.layout } });
  const label = `Restored from ${restored.label ? `"${restored.label}"` : `the version of ${restored.createdAt.toISOString()}`}`;
  return db.version.create({ data: { projectId: project.id, kind: 'manual', label, code: restored.code, layout: restored.layout } });
}
