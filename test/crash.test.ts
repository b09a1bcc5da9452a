import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCountingServer } from './support/countingServer';
import { createProject, executionDetails, runProject, waitForStatus } from './support/executions';
import {
  createTestDatabase, embeddedRestateUrls, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase,
} from './support/platform';
import { journaledSteps } from './support/restateJournal';

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

  it('finishes every run; a step Restate journaled before a kill never runs again, one it had not runs at most once more', async () => {
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

    // After each kill -9, before the restart: what Restate had journaled (restate-server outlives
    // the killed process; the next start stops it). The restart replays at least this: an entry
    // still on its way when the snapshot is read only makes the check below looser.
    const { adminUrl } = await embeddedRestateUrls(dataDir);
    const restarts: { at: number; journal: Awaited<ReturnType<typeof journaledSteps>> }[] = [];
    for (let kill = 0; kill < 2; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2500));
      platform.process.kill('SIGKILL');
      await platform.process.catch(() => undefined);
      const journal = await journaledSteps(adminUrl);
      restarts.push({ at: Date.now(), journal });
      platform = await start();
    }

    for (const executionId of executionIds) {
      const execution = await waitForStatus(platform.graphqlUrl, executionId, ['completed', 'failed'], 120_000);
      expect({ executionId, status: execution.status, error: execution.error }).toEqual({ executionId, status: 'completed', error: null });
    }

    // The process lives between two starts; a request belongs to the one that made it.
    const lifeOf = (receivedAt: number) => restarts.filter((restart) => restart.at <= receivedAt).length;
    let journaledAtAKill = 0;
    let ranAgain = 0;
    for (let run = 0; run < 20; run++) {
      const execution = await executionDetails(platform.graphqlUrl, executionIds[run]!);
      for (const step of steps) {
        const key = `${run}-${step}`;
        const count = counter.counts.get(key) ?? 0;
        const requests = counter.requests.filter((request) => request.key === key);
        // Journaled before a kill: never called after that restart, and the journaled answer is the one kept.
        const journaledAt = restarts.findIndex((restart) => restart.journal.get(executionIds[run]!)?.get(`run ${step}[]`)?.done);
        if (journaledAt >= 0) {
          journaledAtAKill += 1;
          const callsAfter = requests.filter((request) => request.receivedAt >= restarts[journaledAt]!.at).length;
          expect({ key, journaledBeforeKill: journaledAt + 1, callsAfterRestart: callsAfter }).toEqual({ key, journaledBeforeKill: journaledAt + 1, callsAfterRestart: 0 });
          const journaled = restarts[journaledAt]!.journal.get(executionIds[run]!)!.get(`run ${step}[]`)!.result as { outcome: { outputs: { body: string } } };
          expect({ key, journaledAnswer: JSON.parse(journaled.outcome.outputs.body) }).toEqual({ key, journaledAnswer: { key, count } });
        }
        // Not journaled at a kill: called again at most once after each restart (at-least-once, not more).
        const callsPerLife = requests.reduce((lives, request) => lives.set(lifeOf(request.receivedAt), (lives.get(lifeOf(request.receivedAt)) ?? 0) + 1), new Map<number, number>());
        expect({ key, callsInOneLife: Math.max(...callsPerLife.values()) }).toEqual({ key, callsInOneLife: 1 });
        if (count > 1) ranAgain += 1;
        // The record shows the answer of the call that counted last (Http's body is the response text).
        const record = execution.node(step) as { status: string; output: { status: number; body: string } };
        expect(record).toMatchObject({ status: 'completed', output: { status: 200 } });
        expect(JSON.parse(record.output.body)).toEqual({ key, count });
      }
    }
    // Enough steps were journaled at a kill, and replayed, for the check above to mean something.
    expect(journaledAtAKill).toBeGreaterThanOrEqual(15);
    if (process.env.CRASH_TEST_REPORT) console.log(JSON.stringify({ kills: restarts.length, journaledAtAKill, ranAgain, counts: Object.fromEntries(counter.counts) }));
  }, 300_000);
});
