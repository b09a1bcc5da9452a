import { afterAll, describe, expect, it } from '@jest/globals';
import { createProject, readExample } from './support/executions';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { activateTriggers, eventually, projectTriggers, runsOf, scheduledTimes, sleep } from './support/triggers';

const env = { ALLOW_SECOND_CRON: 'true' };
const everyTwoSeconds = 'tick = Cron { cron: "*/2 * * * * *" }\nshow = Debug\nshow.data = tick.scheduledTime\n';
const tickGapMs = 2000;

describe('active triggers across a restart of the platform', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform | undefined;

  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);

  it('stay active; the Cron schedule goes on with no tick doubled or lost while up, and missed ticks are not replayed', async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url, env });
    let url = platform.graphqlUrl;
    const cronProject = await createProject(url, 'every two seconds', everyTwoSeconds);
    const hookProject = await createProject(url, 'webhook', await readExample('webhook'));
    const [tick] = (await activateTriggers(url, cronProject)).triggers!;
    const [hook] = (await activateTriggers(url, hookProject)).triggers!;
    await eventually(() => runsOf(url, tick!.id), (runs) => runs.length >= 2, 20_000);

    await platform.stop();
    const stoppedAt = Date.now();
    await sleep(5000);
    platform = await startPlatform({ dataDir, databaseUrl: database.url, env });
    const restartedAt = Date.now();
    url = platform.graphqlUrl;

    expect((await projectTriggers(url, cronProject)).map((t) => t.state)).toEqual(['active']);
    expect((await projectTriggers(url, hookProject)).map((t) => t.state)).toEqual(['active']);
    const posted = await fetch(`${platform.url}${hook!.webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'change-me' },
      body: JSON.stringify({ city: 'Oslo', degrees: 2 }),
    });
    expect(posted.status).toBe(202);

    const runs = await eventually(
      () => runsOf(url, tick!.id),
      (found) => scheduledTimes(found, 'tick').filter((time) => Date.parse(time) > restartedAt).length >= 3,
      30_000,
    );
    const times = scheduledTimes(runs, 'tick').map((time) => Date.parse(time)).sort((a, b) => a - b);
    expect(new Set(times).size).toBe(times.length);
    expect(runs.every((run) => run.trigger === 'Cron' && run.triggerId === tick!.id)).toBe(true);
    for (let i = 1; i < times.length; i++) {
      const [before, after] = [times[i - 1]!, times[i]!];
      // Every gap is one tick, but for the one across the downtime (whose first tick may be
      // the one that was already on its way at the stop, fired late).
      if (after - before !== tickGapMs) {
        expect(before).toBeLessThan(restartedAt);
        expect(after).toBeGreaterThan(stoppedAt);
      }
    }
    // Of the ticks due while nothing ran, at most the one already on its way fires (late).
    const dueWhileDown = times.filter((time) => time > stoppedAt + tickGapMs && time < restartedAt - tickGapMs);
    expect(dueWhileDown.length).toBeLessThanOrEqual(1);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(gaps.filter((gap) => gap !== tickGapMs).length).toBeLessThanOrEqual(1);
  }, 180_000);
});
