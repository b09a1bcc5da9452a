import type { Database } from '../db/database';
import type { ExecutionEvent as ExecutionEventRow, ExecutionStatus } from '../db/generated/client';
import { recordSqlOf } from '../db/recordSql';
import type { Logger } from '../log';
import { LiveQueue } from './liveQueue';
import { finalStatuses } from './record';
import { type ExecutionEvent, type ExecutionEventPayload, eventsChannel } from './types';

const allExecutions = '*';
const catchUpBatchSize = 1_000;

/**
 * Fans committed execution events out to this process's subscribers. Every process
 * LISTENs on the database, so an event committed by any executor reaches every
 * subscriber of every process, in commit order.
 */
export class EventHub {
  private readonly subscribers = new Map<string, Set<LiveQueue<ExecutionEvent>>>();
  private stopListening: (() => Promise<void>) | undefined;
  /** Notified events not delivered yet: whole, or an id to read. */
  private pending: { id: bigint; event?: ExecutionEvent }[] = [];
  private delivering: Promise<void> = Promise.resolve();
  /** The newest event this hub has delivered (or that existed when it started). */
  private highestDeliveredId = 0n;
  /** Events a catch-up delivered whose NOTIFY may still arrive: not to be delivered twice. */
  private caughtUpIds = new Set<bigint>();

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    /** Told how many events each notification announced (the platform's metrics). */
    private readonly countNotified: (events: number) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const newest = await this.database.prisma.executionEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
    this.highestDeliveredId = newest?.id ?? 0n;
    this.stopListening = await this.database.listen(
      eventsChannel,
      (payload) => this.onNotification(payload),
      () => (this.delivering = this.delivering.then(() => this.catchUp())),
    );
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
    for (const queues of this.subscribers.values()) for (const queue of queues) void queue.return();
    await this.delivering;
  }

  /** Every event of every execution from now on. */
  allEvents(): AsyncIterableIterator<ExecutionEvent> {
    return this.subscribe(allExecutions);
  }

  /**
   * The events of one execution after `afterSeq`: first those already stored, then live
   * ones, in `seq` order, each exactly once. Ends after the event that ends the execution
   * (at once when it had ended by `afterSeq`): a finished execution's record is final.
   */
  async *executionEvents(executionId: string, afterSeq: number): AsyncGenerator<ExecutionEvent> {
    const live = this.subscribe(executionId);
    try {
      const { position: current, events } = await this.executionStart(executionId, afterSeq);
      let lastSeq = afterSeq;
      for (const event of events) {
        lastSeq = event.seq;
        yield event;
        if (endsExecution(event)) return;
      }
      if (!current || (finalStatuses.includes(current.status) && lastSeq >= current.lastSeq)) return;
      for await (const event of live) {
        if (event.seq <= lastSeq) continue;
        if (event.seq > lastSeq + 1) {
          // A notification can overtake a slower one; fill the gap from storage.
          for (const missed of await this.storedEvents(executionId, lastSeq, event.seq)) yield missed;
        }
        lastSeq = event.seq;
        yield event;
        if (endsExecution(event)) return;
      }
    } finally {
      await live.return();
    }
  }

  async storedEvents(executionId: string, afterSeq: number, beforeSeq?: number): Promise<ExecutionEvent[]> {
    // Plain SQL: every subscriber's start reads here, and Prisma's handling of the payloads costs more than the query.
    const rows = await recordSqlOf(this.database.prisma).query<StoredEventRow>(
      `SELECT id, "executionId", seq, payload, "createdAt" FROM "ExecutionEvent"
       WHERE "executionId" = $1::uuid AND seq > $2 AND ($3::integer IS NULL OR seq < $3) ORDER BY seq`,
      [executionId, afterSeq, beforeSeq ?? null],
    );
    return rows.map(toExecutionEvent);
  }

  /**
   * Calls `onEvent` with every live event of one execution, synchronously as the hub delivers
   * it (no replay, no gap filling, no promise per event), until the returned function is
   * called; `onEnd` once if the hub stops first. For server/events/executionFeed.ts, which
   * hands each event once to all of a busy execution's subscribers.
   */
  liveEvents(executionId: string, onEvent: (event: ExecutionEvent) => void, onEnd: () => void): () => void {
    const queue = this.subscribe(executionId);
    queue.forwardTo(onEvent, onEnd);
    return () => void queue.return();
  }

  /**
   * Where a subscriber starts: the execution's status and newest seq (position undefined when
   * there is no such execution) and its stored events after `afterSeq`, read together.
   */
  async executionStart(executionId: string, afterSeq: number): Promise<ExecutionStart> {
    const rows = await recordSqlOf(this.database.prisma).query<ExecutionPosition & NullableEventRow>(
      `SELECT x.status, x."lastSeq", e.id, e."executionId", e.seq, e.payload, e."createdAt"
       FROM "Execution" x LEFT JOIN "ExecutionEvent" e ON e."executionId" = x.id AND e.seq > $2
       WHERE x.id = $1::uuid ORDER BY e.seq`,
      [executionId, afterSeq],
    );
    const [first] = rows;
    if (!first) return { position: undefined, events: [] };
    return {
      position: { status: first.status, lastSeq: first.lastSeq },
      events: first.id === null ? [] : rows.map((row) => toExecutionEvent(row as StoredEventRow)),
    };
  }

  subscriberCount(): number {
    let count = 0;
    for (const queues of this.subscribers.values()) count += queues.size;
    return count;
  }

  private subscribe(topic: string): LiveQueue<ExecutionEvent> {
    let queues = this.subscribers.get(topic);
    if (!queues) {
      queues = new Set();
      this.subscribers.set(topic, queues);
    }
    const topicQueues = queues;
    const queue: LiveQueue<ExecutionEvent> = new LiveQueue(() => {
      topicQueues.delete(queue);
      if (topicQueues.size === 0) this.subscribers.delete(topic);
    });
    topicQueues.add(queue);
    return queue;
  }

  /**
   * A notification carries a whole event (JSON; server/events/record.ts), the events of one
   * record statement that fit (an array; weft_record_changes), or the id of an event too large
   * for it: only those are read back.
   */
  private onNotification(payload: string): void {
    const idle = this.pending.length === 0;
    if (payload.startsWith('{') || payload.startsWith('[')) {
      let events: { id: bigint; event: ExecutionEvent }[];
      try {
        const parsed = JSON.parse(payload) as ExecutionEvent | ExecutionEvent[];
        events = (Array.isArray(parsed) ? parsed : [parsed]).map((event) => ({ id: BigInt(event.id), event }));
      } catch (error) {
        this.log.error('could not read a notified event', { error });
        return;
      }
      this.pending.push(...events);
      this.countNotified(events.length);
    } else if (/^\d+$/.test(payload)) {
      this.pending.push({ id: BigInt(payload) });
      this.countNotified(1);
    } else {
      return;
    }
    if (idle && this.pending.length > 0) {
      // Notifications arriving together are delivered together, in order; ids with one query.
      this.delivering = this.delivering.then(() => new Promise((resolve) => setImmediate(resolve))).then(() => this.deliverPending());
    }
  }

  private async deliverPending(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    for (const { id } of pending) if (id > this.highestDeliveredId) this.highestDeliveredId = id;
    if (pending.length === 0 || this.subscribers.size === 0) return;
    try {
      const toRead = pending.filter((notified) => !notified.event).map(({ id }) => id);
      const read = new Map<bigint, ExecutionEvent>();
      if (toRead.length > 0) {
        for (const row of await this.database.prisma.executionEvent.findMany({ where: { id: { in: toRead } } })) read.set(row.id, toExecutionEvent(row));
      }
      pending.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const { id, event } of pending) {
        if (this.caughtUpIds.delete(id)) continue;
        const delivered = event ?? read.get(id);
        if (delivered) this.deliver(delivered, id);
      }
    } catch (error) {
      this.log.error('could not load committed events', { error, count: pending.length });
    }
  }

  /**
   * After the LISTEN connection was lost and came back: delivers what was committed in
   * between, and gives each watched execution its newest stored event, so that a subscriber
   * that missed some reads them from storage (the gap filling of executionEvents).
   */
  private async catchUp(): Promise<void> {
    this.caughtUpIds = new Set();
    try {
      while (true) {
        const rows = await this.database.prisma.executionEvent.findMany({
          where: { id: { gt: this.highestDeliveredId } },
          orderBy: { id: 'asc' },
          take: catchUpBatchSize,
        });
        for (const row of rows) {
          this.caughtUpIds.add(row.id);
          this.deliver(toExecutionEvent(row), row.id);
        }
        if (rows.length < catchUpBatchSize) break;
      }
      const watched = [...this.subscribers.keys()].filter((topic) => topic !== allExecutions);
      for (const executionId of watched) {
        const newest = await this.database.prisma.executionEvent.findFirst({ where: { executionId }, orderBy: { seq: 'desc' } });
        const queues = this.subscribers.get(executionId);
        if (newest && queues) for (const queue of queues) queue.push(toExecutionEvent(newest));
      }
      this.log.info('caught up with events committed while not listening', { watchedExecutions: watched.length });
    } catch (error) {
      this.log.error('could not catch up with committed events', { error });
    }
  }

  private deliver(event: ExecutionEvent, id?: bigint): void {
    if (id !== undefined && id > this.highestDeliveredId) this.highestDeliveredId = id;
    for (const topic of [event.executionId, allExecutions]) {
      const queues = this.subscribers.get(topic);
      if (queues) for (const queue of queues) queue.push(event);
    }
  }
}

/** The event that ends an execution: its status became final. */
export function endsExecution(event: ExecutionEvent): boolean {
  return event.kind === 'execution' && finalStatuses.includes(event.execution.status);
}

export interface ExecutionPosition {
  status: ExecutionStatus;
  lastSeq: number;
}

export interface ExecutionStart {
  position: ExecutionPosition | undefined;
  events: ExecutionEvent[];
}

/** A row of executionStart's left join: the event's columns are null when the execution has no event after afterSeq. */
type NullableEventRow = { [K in keyof StoredEventRow]: StoredEventRow[K] | null };

/** An event row as stored: its bigint `id` as Prisma gives it, or as plain SQL does (text from node-postgres, a number from PGlite). */
type StoredEventRow = Pick<ExecutionEventRow, 'executionId' | 'seq' | 'payload' | 'createdAt'> & { id: bigint | string | number };

function toExecutionEvent(row: StoredEventRow): ExecutionEvent {
  return {
    ...(row.payload as unknown as ExecutionEventPayload),
    id: row.id.toString(),
    executionId: row.executionId,
    seq: row.seq,
    createdAt: row.createdAt.toISOString(),
  };
}
