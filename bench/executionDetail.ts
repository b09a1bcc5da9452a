/**
 * One execution with 1,000 node runs, read through GraphQL as the SPA's inspector and an
 * external dashboard would: every node run with status, lane, inputs, output and timings,
 * and a first page of 50 of them. The node runs are written straight into the PostgreSQL
 * (DATABASE_URL) that a platform process reads.
 */
import { openDatabase } from '../server/db/database';
import { commitNewExecution } from '../server/events/record';
import { createLogger } from '../server/log';
import { commitNodeRunsDirectly } from '../test/support/directNodeRuns';
import { graphqlData } from '../test/support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from '../test/support/platform';
import { percentile, round } from './executionsPage';

const nodeRuns = 1_000;
const batch = 100;

const everyNodeRun = `query ($id: ID!) { execution(id: $id) { id status lastSeq nodeRuns { id nodeId status lane inputs output error startedAt completedAt } } }`;
const firstPage = `query ($id: ID!) { execution(id: $id) { nodeRunsConnection(first: 50) { totalCount edges { node { id nodeId status lane output } } } } }`;

export async function measureExecutionDetail(quick: boolean) {
  if (!process.env.DATABASE_URL) return { skipped: 'needs DATABASE_URL: the node runs are written into the database the platform reads' };
  const testDatabase = await createTestDatabase();
  const dataDir = await makeDataDir();
  const platform = await startPlatform({ dataDir, databaseUrl: testDatabase.url, env: { LOG_LEVEL: 'warn' } });
  const database = await openDatabase({ kind: 'server', url: testDatabase.url! }, createLogger('warn'));
  try {
    const project = await database.prisma.project.create({ data: { name: 'bench' } });
    const execution = await commitNewExecution(database.prisma, { projectId: project.id, status: 'running' });
    for (let start = 0; start < nodeRuns; start += batch) {
      await commitNodeRunsDirectly(
        database,
        execution.id,
        Array.from({ length: batch }, (_, i) => ({
          nodeId: 'price', nodeType: 'ExecPython', lane: [start + i], status: 'completed' as const,
          inputs: { order: { qty: start + i, unit: 2.5 } }, output: { total: (start + i) * 2.5 },
          startedAt: new Date(), completedAt: new Date(),
        })),
      );
    }
    const samples = quick ? 20 : 100;
    const timed = async (query: string) => {
      const times: number[] = [];
      for (let i = 0; i < samples + 3; i++) {
        const began = performance.now();
        await graphqlData(platform.graphqlUrl, query, { id: execution.id });
        if (i >= 3) times.push(performance.now() - began);
      }
      times.sort((a, b) => a - b);
      return { p50: round(percentile(times, 0.5)), p99: round(percentile(times, 0.99)) };
    };
    const { execution: read } = await graphqlData(platform.graphqlUrl, everyNodeRun, { id: execution.id });
    if (read.nodeRuns.length !== nodeRuns) throw new Error(`expected ${nodeRuns} node runs, read ${read.nodeRuns.length}`);
    return { nodeRuns, everyNodeRunMs: await timed(everyNodeRun), firstPageOf50Ms: await timed(firstPage) };
  } finally {
    await database.close();
    await platform.stop();
    await testDatabase.drop();
    await removeDataDir(dataDir);
  }
}
