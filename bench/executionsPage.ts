/**
 * The executions list at scale: a page of 50 executions of one project with one status,
 * by keyset (after the last row's startedAt, id, on the (projectId, startedAt, id) index)
 * and by OFFSET at page 10,000, in a real PostgreSQL (DATABASE_URL) holding 1,000,000
 * executions inserted with generate_series. The keyset page is the API's own
 * (keysetPage with the executions filter); the others are for comparison.
 */
import { openDatabase } from '../server/db/database';
import type { Execution } from '../server/db/generated/client';
import { executionWhere } from '../server/graphql/executionFilter';
import { encodeCursor, keysetPage } from '../server/graphql/keyset';
import { createLogger } from '../server/log';
import { createTestDatabase } from '../test/support/platform';

const pageSize = 50;

export interface ExecutionsPageResult {
  executions: number;
  matching: number;
  /** The API's page: keysetPage's bounds `startedAt <= key AND (startedAt < key OR (startedAt = key AND id < id))`. */
  keysetMs: { p50: number; p99: number };
  /** Prisma's `cursor` (what Pothos' prismaConnection would send): it re-reads the cursor row in a subquery. */
  prismaCursorMs: { p50: number; p99: number };
  /** The same page with a row-value comparison, `("startedAt", id) < ($1, $2)`, on the index. */
  rowValueKeysetMs: { p50: number; p99: number };
  offsetPage: number;
  offsetMs: { p50: number; p99: number };
  offsetToKeysetP50: number;
  offsetToRowValueKeysetP50: number;
}

export async function measureExecutionsPage(quick: boolean): Promise<ExecutionsPageResult | { skipped: string }> {
  if (!process.env.DATABASE_URL) return { skipped: 'needs DATABASE_URL (a real PostgreSQL)' };
  const total = quick ? 100_000 : 1_000_000;
  const offsetPage = quick ? 1_000 : 10_000;
  const testDatabase = await createTestDatabase();
  const database = await openDatabase({ kind: 'server', url: testDatabase.url! }, createLogger('warn'));
  try {
    const { prisma } = database;
    const [main, other] = await Promise.all([prisma.project.create({ data: { name: 'busy' } }), prisma.project.create({ data: { name: 'quiet' } })]);
    // 90% of the rows belong to one project, 80% are completed: page 10,000 of (project, completed) exists.
    await database.sql.exec(`
      INSERT INTO "Execution" (id, "projectId", status, "startedAt", "completedAt", "lastSeq")
      SELECT gen_random_uuid(),
             CASE WHEN i % 10 = 0 THEN '${other.id}'::uuid ELSE '${main.id}'::uuid END,
             (CASE WHEN i % 5 = 0 THEN 'failed' ELSE 'completed' END)::"ExecutionStatus",
             now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval + interval '2 seconds', 12
      FROM generate_series(1, ${total}) AS i;
      ANALYZE "Execution";`);
    const where = { projectId: main.id, status: 'completed' as const };
    const orderBy = [{ startedAt: 'desc' as const }, { id: 'desc' as const }];
    const matching = await prisma.execution.count({ where });

    const cursors = await prisma.execution.findMany({ where, orderBy, skip: Math.floor(matching / 2), take: 1 });
    const apiWhere = executionWhere({ projectId: main.id, status: ['completed'] });
    const afterCursor = encodeCursor(cursors[0]!.startedAt, cursors[0]!.id);
    const keyset = async () =>
      (await keysetPage({ first: pageSize, after: afterCursor }, { field: 'startedAt', direction: 'desc', keyOf: (row: Execution) => row.startedAt }, 'date',
        (page) => prisma.execution.findMany({ where: { AND: [apiWhere, page.where] }, orderBy: page.orderBy, take: page.take }),
        () => prisma.execution.count({ where: apiWhere }))).edges;
    const prismaCursor = () => prisma.execution.findMany({ where, orderBy, take: pageSize, skip: 1, cursor: { id: cursors[0]!.id } });
    const offset = () => prisma.execution.findMany({ where, orderBy, take: pageSize, skip: offsetPage * pageSize });
    const after = cursors[0]!;
    const rowValueKeyset = () => prisma.$queryRaw<unknown[]>`
      SELECT * FROM "Execution"
      WHERE "projectId" = ${main.id}::uuid AND status = 'completed' AND ("startedAt", id) < (${after.startedAt}, ${after.id}::uuid)
      ORDER BY "startedAt" DESC, id DESC LIMIT ${pageSize}`;
    const keysetMs = await latencies(keyset, quick ? 50 : 200);
    const prismaCursorMs = await latencies(prismaCursor, quick ? 20 : 50);
    const rowValueKeysetMs = await latencies(rowValueKeyset, quick ? 50 : 200);
    const offsetMs = await latencies(offset, quick ? 10 : 40);
    return { executions: total, matching, keysetMs, prismaCursorMs, rowValueKeysetMs, offsetPage, offsetMs, offsetToKeysetP50: round(offsetMs.p50 / keysetMs.p50),
      offsetToRowValueKeysetP50: round(offsetMs.p50 / rowValueKeysetMs.p50) };
  } finally {
    await database.close();
    await testDatabase.drop();
  }
}

async function latencies(run: () => Promise<unknown[]>, samples: number) {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const began = performance.now();
    const rows = await run();
    times.push(performance.now() - began);
    if (rows.length !== pageSize) throw new Error(`expected a full page, got ${rows.length} rows`);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 0.5)), p99: round(percentile(times, 0.99)) };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
