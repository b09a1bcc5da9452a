import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCountingServer, type CountingServer } from './support/countingServer';
import { createProject, runProject, waitForStatus } from './support/executions';
import {
  createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase,
} from './support/platform';

/*
 * With no fault at all, many runs at once must call each Http side effect exactly once: the
 * record of a step (a database transaction) never times out under the concurrency the platform
 * allows, and a record that fails is retried on its own, never by running the node's work again.
 * On PGlite there is one connection and nothing to size; the pool is PostgreSQL's.
 */

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('no-fault-repeats.test.ts skipped: the connection pool under test is PostgreSQL\'s; set DATABASE_URL (CI does)');
}

const runCount = 50;
const parallelCalls = 10; // more than EXECUTOR_CONCURRENCY (8): every run keeps 8 records going at once
const counterDelayMs = 200;

/** Ten Http calls side by side, then one that waits for the first: 11 side effects per run. */
function program(counterUrl: string, index: number): string {
  const call = (step: string) => `${step} = Http { url: "${counterUrl}/count?key=${index}-${step}", method: "POST" }`;
  const lines: string[] = [];
  for (let i = 0; i < parallelCalls; i++) lines.push(call(`p${i}`));
  // Http's body output is a String and its body input a dict: a Pack carries one into the other.
  lines.push('after_p0 = Pack(previous: String)', 'after_p0.previous = p0.body', call('last'), 'last.body = after_p0.out');
  return lines.join('\n');
}

withServer('no repeated side effects without a fault (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  let counter: CountingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    counter = await startCountingServer(counterDelayMs);
    platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { LOG_LEVEL: 'warn' } });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await counter?.close();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);

  it(`${runCount} concurrent runs of ${parallelCalls + 1} Http calls each call every one exactly once`, async () => {
    const projectIds = await Promise.all(
      Array.from({ length: runCount }, (_, index) => createProject(platform.graphqlUrl, `burst ${index}`, program(counter.url, index))),
    );
    const executionIds = await Promise.all(projectIds.map((projectId) => runProject(platform.graphqlUrl, projectId)));
    const finished = await Promise.all(
      executionIds.map((executionId) => waitForStatus(platform.graphqlUrl, executionId, ['completed', 'failed'], 240_000)),
    );
    expect(finished.map((execution) => execution.status)).toEqual(executionIds.map(() => 'completed'));

    const expectedKeys = Array.from({ length: runCount }, (_, index) => [
      ...Array.from({ length: parallelCalls }, (_, i) => `${index}-p${i}`),
      `${index}-last`,
    ]).flat();
    const repeated = [...counter.counts].filter(([, count]) => count > 1);
    expect(repeated).toEqual([]);
    expect([...counter.counts.keys()].sort()).toEqual(expectedKeys.sort());
    expect(counter.requests).toHaveLength(expectedKeys.length);

    const log = platform.output();
    expect(log).not.toContain('Unable to start a transaction');
    expect(log).not.toContain('expired transaction');
  }, 300_000);
});
