import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { openDatabase } from '../server/db/database';
import { createLogger } from '../server/log';
import { graphqlData } from './support/graphql';
import { createProject, readExample, runProject, waitForStatus } from './support/executions';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';
import { createTestDatabase } from './support/platform';
import { eventually } from './support/triggers';
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

withServer('the listening connection', () => {
  it('is one for every channel, comes back with all of them after a drop, and stops a channel no one listens on', async () => {
    const testDatabase = await createTestDatabase();
    const url = testDatabase.url!;
    const database = await openDatabase({ kind: 'server', url }, createLogger('warn'));
    const notifier = new pg.Client({ connectionString: url });
    await notifier.connect();
    try {
      const received: string[] = [];
      let reconnects = 0;
      const receivedAll = (count: number) => eventually(async () => received.length, (length) => length >= count, 10_000);
      const stopFirst = await database.listen('first', (payload) => received.push(`first:${payload}`), () => reconnects++);
      await database.listen('second', (payload) => received.push(`second:${payload}`), () => reconnects++);
      const listening = async () =>
        (await notifier.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`)).rows[0].n;
      expect(await listening()).toBe(1);

      expect(await dropListenConnections(url)).toBe(1);
      await eventually(async () => reconnects, (count) => count === 2, 10_000);
      await notifier.query(`NOTIFY first, 'a'`);
      await notifier.query(`NOTIFY second, 'b'`);
      await receivedAll(2);
      expect(received).toEqual(['first:a', 'second:b']);

      await stopFirst();
      const lastStatement = await notifier.query(`SELECT query FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE '%LISTEN%' AND pid <> pg_backend_pid()`);
      expect(lastStatement.rows.map((row) => row.query)).toEqual(['UNLISTEN "first"']);
      await notifier.query(`NOTIFY first, 'c'`);
      await notifier.query(`NOTIFY second, 'd'`);
      await receivedAll(3);
      expect(received).toEqual(['first:a', 'second:b', 'second:d']);
    } finally {
      await notifier.end();
      await database.close();
      await testDatabase.drop();
    }
  }, 60_000);
});
