import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProject, readExample, runProject } from './support/executions';
import { startTwoProcesses, type RunningPlatform } from './support/platform';
import { webSocketSubscriber } from './support/subscriptions';

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('multi-process.test.ts skipped: two processes need one real PostgreSQL; set DATABASE_URL (CI does)');
}

withServer('two server processes on one PostgreSQL and one Restate', () => {
  let first: RunningPlatform;
  let second: RunningPlatform;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ first, second, stop } = await startTwoProcesses());
  }, 180_000);
  afterAll(async () => {
    await stop?.();
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
