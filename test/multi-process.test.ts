import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProject, readExample, runProject } from './support/executions';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { webSocketSubscriber } from './support/subscriptions';

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('multi-process.test.ts skipped: two processes need one real PostgreSQL; set DATABASE_URL (CI does)');
}

/** The Restate URLs from the first process's `restate-server started` log line. */
function embeddedRestate(output: string): { ingressUrl: string; adminUrl: string } {
  for (const line of output.split('\n')) {
    if (!line.includes('"restate-server started"')) continue;
    const { ingressUrl, adminUrl } = JSON.parse(line) as { ingressUrl: string; adminUrl: string };
    return { ingressUrl, adminUrl };
  }
  throw new Error(`the first process did not log "restate-server started":\n${output}`);
}

withServer('two server processes on one PostgreSQL and one Restate', () => {
  let database: TestDatabase;
  const dataDirs: string[] = [];
  let first: RunningPlatform;
  let second: RunningPlatform;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDirs.push(await makeDataDir(), await makeDataDir());
    first = await startPlatform({ dataDir: dataDirs[0]!, databaseUrl: database.url });
    const restate = embeddedRestate(first.output());
    second = await startPlatform({
      dataDir: dataDirs[1]!,
      databaseUrl: database.url,
      env: { RESTATE_INGRESS_URL: restate.ingressUrl, RESTATE_ADMIN_URL: restate.adminUrl },
    });
  }, 180_000);
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await database?.drop();
    for (const dataDir of dataDirs) await removeDataDir(dataDir);
  }, 60_000);

  it('delivers every event of an execution run through process 1 to a graphql-ws subscriber on process 2, in order', async () => {
    const projectId = await createProject(first.graphqlUrl, 'lanes', await readExample('lanes'));
    const feed = webSocketSubscriber(second.graphqlUrl);
    const allExecutions = feed.subscribe<{ executionsFeed: { seq: number; executionId: string } }>(`subscription { executionsFeed { seq executionId } }`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the feed is live only: let it start first
    const executionId = await runProject(first.graphqlUrl, projectId);

    const subscriber = webSocketSubscriber(second.graphqlUrl);
    const events = subscriber.subscribe<{ executionEvents: { seq: number; execution: { status: string; lastSeq: number } } }>(
      `subscription ($id: ID!) { executionEvents(executionId: $id) { seq execution { status lastSeq } } }`,
      { id: executionId },
    );
    const received = await events.until((all) => all.some((e) => ['completed', 'failed'].includes(e.executionEvents.execution.status)), 90_000);
    const seqs = received.map((e) => e.executionEvents.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(received.at(-1)!.executionEvents.execution.status).toBe('completed');

    const lastSeq = received.at(-1)!.executionEvents.execution.lastSeq;
    const live = await allExecutions.until((all) => all.filter((e) => e.executionsFeed.executionId === executionId).length >= lastSeq, 30_000);
    expect(live.filter((e) => e.executionsFeed.executionId === executionId).map((e) => e.executionsFeed.seq)).toEqual(
      Array.from({ length: lastSeq }, (_, i) => i + 1),
    );
    events.stop();
    allExecutions.stop();
    await Promise.all([subscriber.close(), feed.close()]);
  }, 120_000);
});
