import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCountingServer } from './support/countingServer';
import { createProject, executionDetails, runProject, waitForStatus } from './support/executions';
import {
  createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase,
} from './support/platform';

const steps = ['a', 'b', 'c'] as const;

/** Three calls in a row, each waiting for the previous one's answer (a Pack turns each String body into the next call's dict body). */
function program(counterUrl: string, run: number): string {
  const call = (step: string) => `${step} = Http { url: "${counterUrl}/count?key=${run}-${step}", method: "POST" }`;
  const chain = (previous: string, next: string) => [
    `after_${previous} = Pack(previous: String)`, `after_${previous}.previous = ${previous}.body`, call(next), `${next}.body = after_${previous}.out`,
  ];
  return [call('a'), ...chain('a', 'b'), ...chain('b', 'c')].join('\n');
}

describe('kill -9 of the server process during 20 runs with side effects', () => {
  let database: TestDatabase;
  let dataDir: string;
  let counter: Awaited<ReturnType<typeof startCountingServer>>;
  const platforms: RunningPlatform[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    counter = await startCountingServer(700);
  });

  afterAll(async () => {
    for (const platform of platforms) await platform.stop();
    await counter?.close();
    await database?.drop();
    await removeDataDir(dataDir);
  }, 60_000);

  it('finishes every run; a completed step never runs again, only a step in flight at a kill may', async () => {
    const start = async () => {
      const platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { EXECUTOR_CONCURRENCY: '64' } });
      platforms.push(platform);
      return platform;
    };
    let platform = await start();
    const projectIds: string[] = [];
    for (let run = 0; run < 20; run++) projectIds.push(await createProject(platform.graphqlUrl, `counting ${run}`, program(counter.url, run)));
    // Runs start 150 ms apart, so a kill finds a few steps in flight rather than all of them.
    const executionIds: string[] = [];
    for (const projectId of projectIds) {
      executionIds.push(await runProject(platform.graphqlUrl, projectId));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }

    const kills: number[] = [];
    for (let kill = 0; kill < 2; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2500));
      kills.push(Date.now());
      platform.process.kill('SIGKILL');
      await platform.process.catch(() => undefined);
      platform = await start();
    }

    for (const executionId of executionIds) {
      const execution = await waitForStatus(platform.graphqlUrl, executionId, ['completed', 'failed'], 120_000);
      expect({ executionId, status: execution.status, error: execution.error }).toEqual({ executionId, status: 'completed', error: null });
    }

    // A step is safe when its first answer came well before the next kill: its journaled
    // result replays instead of calling again. The margin covers journaling the answer: the
    // server reading the response, the step's result reaching Restate and being stored; with
    // 20 runs at once on a loaded 2-core machine that once took more than 250 ms (PostgreSQL).
    const journalingMarginMs = 1_000;
    let inFlightAtAKill = 0;
    for (let run = 0; run < 20; run++) {
      const execution = await executionDetails(platform.graphqlUrl, executionIds[run]!);
      for (const step of steps) {
        const key = `${run}-${step}`;
        const count = counter.counts.get(key);
        const first = counter.requests.find((request) => request.key === key)!;
        const nextKill = kills.find((at) => at >= first.receivedAt);
        const safe = first.answeredAt !== undefined && (nextKill === undefined || first.answeredAt + journalingMarginMs < nextKill);
        if (safe) expect({ key, count }).toEqual({ key, count: 1 });
        else inFlightAtAKill += 1;
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(1 + kills.length);
        // The record shows the answer of the call that counted last (Http's body is the response text).
        const record = execution.node(step) as { status: string; output: { status: number; body: string } };
        expect(record).toMatchObject({ status: 'completed', output: { status: 200 } });
        expect(JSON.parse(record.output.body)).toEqual({ key, count });
      }
    }
    // Enough steps finished between kills for the check above to mean something.
    expect(20 * steps.length - inFlightAtAKill).toBeGreaterThanOrEqual(15);
    if (process.env.CRASH_TEST_REPORT) console.log(JSON.stringify({ kills: kills.length, inFlightAtAKill, counts: Object.fromEntries(counter.counts) }));
  }, 300_000);
});
