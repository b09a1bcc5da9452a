import { describe, expect, it } from '@jest/globals';
import { openDatabase, type Database } from '../server/db/database';
import { commitExecutionChange, commitNewExecution, executionSnapshot } from '../server/events/record';
import { createLogger } from '../server/log';
import { commitEventDirectly } from './support/directEvents';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';
import { usePlatform } from './support/usePlatform';

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('api-burst.test.ts skipped: the test commits events into the database the platform reads, which needs a real PostgreSQL; set DATABASE_URL (CI does)');
}

const storedBeforeSubscribing = 5_000;
const committedWhileSubscribing = 5_000;
const commitsInFlight = 8;

type EventData = { executionEvents: { seq: number } };
const executionEvents = `subscription ($id: ID!, $after: Int) { executionEvents(executionId: $id, afterSeq: $after) { seq } }`;

async function commitBurst(database: Database, executionId: string, count: number): Promise<void> {
  const payload = JSON.stringify({ kind: 'execution', execution: { id: executionId, status: 'running' } });
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i++) {
    if (inFlight.size >= commitsInFlight) await Promise.race(inFlight);
    const commit = commitEventDirectly(database, executionId, payload);
    inFlight.add(commit);
    void commit.finally(() => inFlight.delete(commit));
  }
  await Promise.all(inFlight);
}

function expectEverySeqOnce(received: EventData[], first: number, last: number): void {
  const seqs = received.map((event) => event.executionEvents.seq);
  const expected = Array.from({ length: last - first + 1 }, (_, index) => first + index);
  // Compared as ranges first so that a failure says where the gap or duplicate is, not 10,000 lines.
  const positions = Array.from({ length: Math.max(seqs.length, expected.length) }, (_, index) => index);
  const firstMismatch = positions.find((index) => seqs[index] !== expected[index]) ?? -1;
  const around = (list: number[]) => (firstMismatch === -1 ? [] : list.slice(Math.max(0, firstMismatch - 2), firstMismatch + 3));
  expect({ count: seqs.length, firstMismatch, around: around(seqs) }).toEqual({ count: expected.length, firstMismatch: -1, around: around(expected) });
}

withServer('executionEvents under a burst of 10,000 events', () => {
  const platform = usePlatform({ env: { LOG_LEVEL: 'warn' } });

  it('replays the stored events then goes live with no gap and no duplicate, over graphql-ws and SSE, however late a subscriber joins', async () => {
    const direct = await openDatabase({ kind: 'server', url: platform.database.url! }, createLogger('warn'));
    const project = await direct.prisma.project.create({ data: { name: 'burst' } });
    const execution = await commitNewExecution(direct.prisma, { projectId: project.id, status: 'running' });
    await commitBurst(direct, execution.id, storedBeforeSubscribing);

    const ws = webSocketSubscriber(platform.current.graphqlUrl);
    const sse = sseSubscriber(platform.current.graphqlUrl);
    try {
      // Subscribing while the burst goes on puts the switch from replay to live in the middle of it.
      const live = commitBurst(direct, execution.id, committedWhileSubscribing);
      const fromStart = [ws, sse].map((subscriber) => subscriber.subscribe<EventData>(executionEvents, { id: execution.id, after: 0 }));
      const fromMiddle = ws.subscribe<EventData>(executionEvents, { id: execution.id, after: 3_000 });
      const lateJoiner = sse.subscribe<EventData>(executionEvents, { id: execution.id, after: 7_500 });
      await live;
      const ended = await commitExecutionChange(direct.prisma, execution.id, { execution: { status: 'completed', completedAt: new Date() } });
      const lastSeq = ended!.execution.lastSeq;
      expect(lastSeq).toBe(1 + storedBeforeSubscribing + committedWhileSubscribing + 1);
      expect(executionSnapshot(ended!.execution).status).toBe('completed');

      await Promise.all([...fromStart, fromMiddle, lateJoiner].map((subscription) => subscription.completed));
      for (const subscription of fromStart) expectEverySeqOnce(subscription.received, 1, lastSeq);
      expectEverySeqOnce(fromMiddle.received, 3_001, lastSeq);
      expectEverySeqOnce(lateJoiner.received, 7_501, lastSeq);
    } finally {
      await ws.close();
      await sse.close();
      await direct.close();
    }
  }, 240_000);
});
