import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { graphqlData } from './support/graphql';
import { createProject, readExample, runProject, waitForStatus } from './support/executions';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';
import { usePlatform } from './support/usePlatform';

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('listener-reconnect.test.ts skipped: it drops the LISTEN connection of a real PostgreSQL; set DATABASE_URL (CI does)');
}

/** What PostgreSQL does to a connection on restart or failover: the backend goes away. */
async function dropListenConnections(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT pg_terminate_backend(pid) AS dropped FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`,
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

withServer('live events after the database drops the LISTEN connection', () => {
  const platform = usePlatform();

  it('subscribers that were following an execution get every event after the listener reconnects, each once', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'approval', await readExample('approval'));
    const ws = webSocketSubscriber(url);
    const sse = sseSubscriber(url);
    try {
      const feed = ws.subscribe<{ executionsFeed: { seq: number; execution: { id: string; status: string } } }>(
        `subscription { executionsFeed { seq execution { id status } } }`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300)); // the feed is live only
      const executionId = await runProject(url, projectId);
      const waiting = await waitForStatus(url, executionId, ['waiting_for_input']);
      type EventData = { executionEvents: { seq: number; execution: { status: string } } };
      const query = `subscription ($id: ID!) { executionEvents(executionId: $id) { seq execution { status } } }`;
      const followers = [ws.subscribe<EventData>(query, { id: executionId }), sse.subscribe<EventData>(query, { id: executionId })];
      await Promise.all(followers.map((events) => events.until((received) => received.some((e) => e.executionEvents.seq === waiting.lastSeq))));

      expect(await dropListenConnections(platform.database.url!)).toBeGreaterThanOrEqual(1);
      await graphqlData(url, `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer) { ... on HumanTask { state } } }`, {
        id: waiting.openTasks[0]!.id,
        answer: { reply: 'Refund sent.', tone: 'warm', decision: 'approve' },
      });
      const done = await waitForStatus(url, executionId, ['completed', 'failed'], 60_000);
      expect(done.status).toBe('completed');

      await Promise.all(followers.map((events) => events.completed));
      for (const events of followers) {
        expect(events.received.map((e) => e.executionEvents.seq)).toEqual(Array.from({ length: done.lastSeq }, (_, i) => i + 1));
      }
      const feedReceived = await feed.until((received) => received.some((e) => e.executionsFeed.execution.status === 'completed'), 30_000);
      const feedSeqs = feedReceived.filter((e) => e.executionsFeed.execution.id === executionId).map((e) => e.executionsFeed.seq);
      expect(new Set(feedSeqs).size).toBe(feedSeqs.length);
      expect(platform.current.output()).toContain('database listener reconnected');
    } finally {
      await ws.close();
      await sse.close();
    }
  }, 120_000);
});
