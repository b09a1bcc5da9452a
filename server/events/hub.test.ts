import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { useEmbeddedHub } from './embeddedHub.testing';
import { commitExecutionChange, commitNewExecution, insertNewExecution } from './record';
import { eventsChannel, type ExecutionEvent } from './types';

async function take(events: AsyncIterator<ExecutionEvent>, count: number): Promise<ExecutionEvent[]> {
  const taken: ExecutionEvent[] = [];
  while (taken.length < count) {
    const next = await events.next();
    if (next.done) break;
    taken.push(next.value);
  }
  await events.return?.();
  return taken;
}

describe('EventHub', () => {
  const embedded = useEmbeddedHub('weft-hub-');
  const newExecution = () => embedded.newExecution();

  it('gives a subscriber who joins during a burst of changes every event once, in seq order', async () => {
    const executionId = await newExecution();
    const burst = Array.from({ length: 40 }, () => commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'running' } }));
    const subscriber = embedded.hub.executionEvents(executionId, 0);
    const received = take(subscriber, 41);
    await Promise.all(burst);
    expect((await received).map((event) => event.seq)).toEqual(Array.from({ length: 41 }, (_, index) => index + 1));
  });

  it('gets the same first event, live and stored, from an execution made in one statement as from one made in a transaction', async () => {
    const project = await embedded.database.prisma.project.create({ data: { name: 'p' } });
    const data = { projectId: project.id, trigger: 'Manual' as const, triggeredBy: 'graphql', triggerPayload: { start: { n: 1 } } };
    const live = embedded.hub.allEvents();
    const made = await insertNewExecution(embedded.database.prisma, data, '01900000-0000-7000-8000-000000000001');
    const transacted = await commitNewExecution(embedded.database.prisma, data);
    const firsts: ExecutionEvent[] = [];
    for await (const event of live) {
      if (event.executionId === made.id || event.executionId === transacted.id) firsts.push(event);
      if (firsts.length === 2) break;
    }
    const stored = await embedded.database.prisma.execution.findUniqueOrThrow({ where: { id: made.id } });
    expect(made).toEqual(stored);
    expect(made).toMatchObject({ status: 'pending', lastSeq: 1, triggerPayload: { start: { n: 1 } } });
    const [first, second] = firsts.map(({ id: _id, executionId: _executionId, createdAt: _createdAt, ...event }) => ({
      ...event,
      execution: { ...event.execution, id: 'same', startedAt: 'same' },
    }));
    expect(first).toEqual(second);
    expect(await take(embedded.hub.executionEvents(made.id, 0), 1)).toEqual([firsts[0]]);
  });

  it('starts an execution in one statement whose first event is too large for a NOTIFY: the hub reads it back', async () => {
    const project = await embedded.database.prisma.project.create({ data: { name: 'p' } });
    const live = embedded.hub.allEvents();
    const triggeredBy = 'x'.repeat(9_000);
    const made = await insertNewExecution(embedded.database.prisma, { projectId: project.id, trigger: 'Manual', triggeredBy }, '01900000-0000-7000-8000-000000000002');
    for await (const event of live) {
      if (event.executionId !== made.id) continue;
      expect(event).toMatchObject({ seq: 1, execution: { status: 'pending', triggeredBy } });
      break;
    }
  });

  it("is notified of a record statement's events together, in as few NOTIFYs as they fit in, one too large by its id, and delivers each once, in order", async () => {
    const executionId = await newExecution();
    const payloads: string[] = [];
    const stopListening = await embedded.database.listen(eventsChannel, (payload) => payloads.push(payload));
    const received = take(embedded.hub.executionEvents(executionId, 1), 31);
    const large = 'x'.repeat(7_500);
    const nodeRuns = Array.from({ length: 30 }, (_, index) => ({
      kind: 'nodeRun', id: randomUUID(), nodeId: `n${index}`, nodeType: 'Text', lane: [], laneKey: '', status: 'completed',
      output: { value: index === 12 ? large : `value ${index}` },
    }));
    await embedded.database.sql.query('SELECT weft_record_changes($1::uuid, $2::jsonb)', [executionId, JSON.stringify([...nodeRuns, { kind: 'execution', status: 'completed' }])]);
    const events = await received;
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 31 }, (_, index) => index + 2));
    expect(events.map((event) => (event.kind === 'nodeRun' ? event.nodeRun.nodeId : event.execution.status))).toEqual([...nodeRuns.map((run) => run.nodeId), 'completed']);
    expect(events[12]).toMatchObject({ kind: 'nodeRun', nodeRun: { output: { value: large } } });
    await stopListening();
    const byId = payloads.filter((payload) => /^\d+$/.test(payload));
    const together = payloads.filter((payload) => payload.startsWith('['));
    expect(byId).toEqual([events[12]!.id]);
    expect(together.length).toBeGreaterThan(1);
    expect(together.length).toBeLessThan(6);
    expect(together.every((payload) => Buffer.byteLength(payload) <= 7_000)).toBe(true);
    expect(together.flatMap((payload) => (JSON.parse(payload) as ExecutionEvent[]).map((event) => event.seq))).toEqual(events.filter((_, index) => index !== 12).map((event) => event.seq));
  });

  it('replays stored events after afterSeq, then continues live', async () => {
    const executionId = await newExecution();
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'running' } });
    const subscriber = embedded.hub.executionEvents(executionId, 1);
    const received = take(subscriber, 2);
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'completed' } });
    expect((await received).map((event) => [event.seq, event.execution.status])).toEqual([
      [2, 'running'],
      [3, 'completed'],
    ]);
  });

  it('does not deliver the events of a transaction that rolled back', async () => {
    const executionId = await newExecution();
    const subscriber = embedded.hub.allEvents();
    const failing = embedded.database.prisma.$transaction(async (tx) => {
      await tx.execution.update({ where: { id: executionId }, data: { lastSeq: { increment: 1 } } });
      await tx.executionEvent.create({ data: { executionId, seq: 2, kind: 'execution', payload: {} } });
      await tx.$executeRaw`SELECT pg_notify('weft_execution_events', '999999')`;
      throw new Error('rolled back on purpose');
    });
    await expect(failing).rejects.toThrow('rolled back on purpose');
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'cancelled' } });
    const seen: ExecutionEvent[] = [];
    for await (const event of subscriber) {
      if (event.executionId !== executionId) continue;
      seen.push(event);
      if (event.execution.status === 'cancelled') break;
    }
    // Only the creation (if it arrived after subscribing) and the committed change: seq 2 was not used up.
    expect(seen.at(-1)).toMatchObject({ seq: 2, execution: { status: 'cancelled' } });
    expect(seen.every((event) => event.kind === 'execution' && ['pending', 'cancelled'].includes(event.execution.status))).toBe(true);
  });

  it('forgets a subscriber once it stops listening', async () => {
    const before = embedded.hub.subscriberCount();
    const subscriber = embedded.hub.allEvents();
    expect(embedded.hub.subscriberCount()).toBe(before + 1);
    await subscriber.return?.();
    expect(embedded.hub.subscriberCount()).toBe(before);
  });
});
