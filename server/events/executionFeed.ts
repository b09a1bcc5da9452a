import { endsExecution, type EventHub } from './hub';
import { finalStatuses } from './record';
import type { ExecutionEvent } from './types';

/**
 * One delivery loop per execution for every subscriber of it in this process.
 *
 * `EventHub.executionEvents` gives each subscriber its own chain of async iterators; with a
 * thousand subscribers of one busy execution that is a thousand chains (and their promises)
 * per event. Here the hub hands each live event once to the execution's feed, which fills
 * gaps from storage once, keeps seq order, and calls every member's `deliver` synchronously.
 * Members that ask the same thing (the same `groupKey`: selection and authorisation) form a
 * group whose result is computed once per event (`resultFor`) and passed to each of them.
 *
 * Each member first replays what is stored after its `afterSeq` (buffering the live events
 * the feed hands it meanwhile), then goes live: the same guarantees as executionEvents —
 * every event once, in seq order, and the end after the event that ends the execution (at
 * once when it had ended by `afterSeq`).
 */
export interface FeedMember<R> {
  /** Members with the same key get the same result for a live event. */
  readonly groupKey: string;
  /** The member's result for an event (the group's first member's is used for all). */
  resultFor(event: ExecutionEvent): R;
  /** Called in seq order, once per event. */
  deliver(result: R, event: ExecutionEvent): void;
  /** The execution ended (after its last event was delivered), or the hub stopped. */
  complete(): void;
  fail(error: unknown): void;
}

export interface FeedSubscription {
  /** Stops deliveries to this member (idempotent). */
  stop(): void;
}

/**
 * What the `executionEvents` subscription resolves to: iterated, it is
 * `EventHub.executionEvents` (each subscriber its own iterator); followed, it is a member of
 * the execution's feed, which pushes (graphql-ws and SSE use that, see
 * server/graphql/sharedSubscriptionResults.ts).
 */
export class FollowedExecution implements AsyncIterable<ExecutionEvent> {
  constructor(
    readonly hub: EventHub,
    readonly executionId: string,
    readonly afterSeq: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<ExecutionEvent> {
    return this.hub.executionEvents(this.executionId, this.afterSeq);
  }

  follow<R>(member: FeedMember<R>): FeedSubscription {
    return followExecution(this.hub, this.executionId, this.afterSeq, member);
  }
}

const feedsByHub = new WeakMap<EventHub, Map<string, ExecutionFeed>>();

/** Adds `member` to the feed of `executionId` (created on first use), replaying from `afterSeq`. */
export function followExecution<R>(hub: EventHub, executionId: string, afterSeq: number, member: FeedMember<R>): FeedSubscription {
  let feeds = feedsByHub.get(hub);
  if (!feeds) feedsByHub.set(hub, (feeds = new Map()));
  let feed = feeds.get(executionId);
  if (!feed) {
    const registry = feeds;
    feed = new ExecutionFeed(hub, executionId, () => registry.delete(executionId));
    feeds.set(executionId, feed);
  }
  return feed.add(member as FeedMember<unknown>, afterSeq);
}

/** How many feeds (executions followed) and members this hub's feeds have, and how many members are live (done replaying). */
export function feedCounts(hub: EventHub): { feeds: number; members: number; live: number } {
  const feeds = feedsByHub.get(hub);
  let members = 0;
  let live = 0;
  for (const feed of feeds?.values() ?? []) {
    members += feed.memberCount();
    live += feed.liveMemberCount();
  }
  return { feeds: feeds?.size ?? 0, members, live };
}

interface Member {
  readonly target: FeedMember<unknown>;
  /** Live events handed over while the member still replays stored ones; undefined once live. */
  buffered: ExecutionEvent[] | undefined;
  lastSeq: number;
  done: boolean;
  /** Added before the feed's first read of the execution's position came back: that read is its starting point too. */
  startsWithFeed: boolean;
}

class ExecutionFeed {
  private readonly groups = new Map<string, Set<Member>>();
  private members = 0;
  /** The seq of the newest event handed to members; undefined until the start position is read. */
  private position: number | undefined;
  /** Live events waiting while the start position is read or a gap is filled. */
  private waiting: ExecutionEvent[] | undefined = [];
  private readonly firstPosition: Promise<Awaited<ReturnType<EventHub['executionPosition']>>>;
  private readonly ready: Promise<void>;
  private readonly stopListening: () => void;
  private closed = false;

  constructor(
    private readonly hub: EventHub,
    private readonly executionId: string,
    private readonly forget: () => void,
  ) {
    // Listening starts before the start position is read: nothing committed in between is missed.
    this.stopListening = hub.liveEvents(executionId, (event) => this.onLive(event), () => this.onHubStopped());
    this.firstPosition = hub.executionPosition(executionId);
    this.ready = this.firstPosition
      .then((current) => {
        this.position = current?.lastSeq ?? 0;
        this.drainWaiting();
      })
      .catch((error: unknown) => this.failAll(error));
  }

  memberCount(): number {
    return this.members;
  }

  liveMemberCount(): number {
    let live = 0;
    for (const group of this.groups.values()) for (const member of group) if (!member.buffered) live++;
    return live;
  }

  add(target: FeedMember<unknown>, afterSeq: number): FeedSubscription {
    const member: Member = { target, buffered: [], lastSeq: afterSeq, done: false, startsWithFeed: this.position === undefined };
    let group = this.groups.get(target.groupKey);
    if (!group) this.groups.set(target.groupKey, (group = new Set()));
    group.add(member);
    this.members++;
    void this.replay(member);
    return { stop: () => this.remove(member) };
  }

  private remove(member: Member): void {
    if (member.done) return;
    member.done = true;
    const group = this.groups.get(member.target.groupKey);
    if (group?.delete(member)) {
      this.members--;
      if (group.size === 0) this.groups.delete(member.target.groupKey);
    }
    if (this.members === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forget();
    this.stopListening();
  }

  /** Stored events after the member's afterSeq, then the live ones buffered meanwhile; then live. */
  private async replay(member: Member): Promise<void> {
    try {
      await this.ready;
      if (member.done) return;
      // Every event after the position read here reaches the member's buffer, as after the feed's first read.
      const current = member.startsWithFeed ? await this.firstPosition : await this.hub.executionPosition(this.executionId);
      for (const event of await this.hub.storedEvents(this.executionId, member.lastSeq)) {
        if (member.done) return;
        if (this.handOver(member, event, member.target.resultFor(event))) return;
      }
      if (!current || (finalStatuses.includes(current.status) && member.lastSeq >= current.lastSeq)) return this.finish(member);
      while (!member.done && member.buffered && member.buffered.length > 0) {
        const buffered = member.buffered.splice(0);
        for (const event of buffered) {
          if (member.done) return;
          if (event.seq <= member.lastSeq) continue;
          if (event.seq > member.lastSeq + 1) {
            const missed = await this.hub.storedEvents(this.executionId, member.lastSeq, event.seq);
            if (member.done) return;
            for (const stored of missed) if (this.handOver(member, stored, member.target.resultFor(stored))) return;
          }
          if (this.handOver(member, event, member.target.resultFor(event))) return;
        }
      }
      if (!member.done) member.buffered = undefined;
    } catch (error) {
      this.fail(member, error);
    }
  }

  /** Delivers `event` to a member; true when the member is finished with it. */
  private handOver(member: Member, event: ExecutionEvent, result: unknown): boolean {
    member.lastSeq = event.seq;
    member.target.deliver(result, event);
    if (endsExecution(event)) {
      this.finish(member);
      return true;
    }
    return member.done;
  }

  private finish(member: Member): void {
    if (member.done) return;
    this.remove(member);
    member.target.complete();
  }

  private onLive(event: ExecutionEvent): void {
    if (this.waiting) this.waiting.push(event);
    else this.dispatchInOrder(event);
  }

  /** Hands `event` on after every event before it; a gap (a notification overtaken or lost) is read from storage. */
  private dispatchInOrder(event: ExecutionEvent): void {
    const position = this.position!;
    if (event.seq <= position) return;
    if (event.seq === position + 1) return this.dispatch(event);
    this.waiting = [event];
    this.hub
      .storedEvents(this.executionId, position, event.seq)
      .then((missed) => {
        for (const stored of missed) if (stored.seq > this.position!) this.dispatch(stored);
        this.drainWaiting();
      })
      .catch((error: unknown) => this.failAll(error));
  }

  private drainWaiting(): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const [index, event] of waiting.entries()) {
      this.dispatchInOrder(event);
      if (this.waiting) {
        // A gap: the rest waits behind the events being read.
        (this.waiting as ExecutionEvent[]).push(...waiting.slice(index + 1));
        return;
      }
    }
  }

  private dispatch(event: ExecutionEvent): void {
    this.position = event.seq;
    for (const group of [...this.groups.values()]) {
      let outcome: { result: unknown } | { error: unknown } | undefined;
      for (const member of [...group]) {
        if (member.buffered) {
          member.buffered.push(event);
          continue;
        }
        if (event.seq <= member.lastSeq) continue;
        // A group whose result fails, or a subscriber whose write fails, ends alone: the others and the hub's other events go on.
        if (!outcome) {
          try {
            outcome = { result: member.target.resultFor(event) };
          } catch (error) {
            outcome = { error };
          }
        }
        if ('error' in outcome) {
          this.fail(member, outcome.error);
          continue;
        }
        try {
          this.handOver(member, event, outcome.result);
        } catch (error) {
          this.fail(member, error);
        }
      }
    }
  }

  private fail(member: Member, error: unknown): void {
    if (member.done) return;
    this.remove(member);
    member.target.fail(error);
  }

  private onHubStopped(): void {
    if (this.closed) return;
    for (const group of [...this.groups.values()]) for (const member of [...group]) this.finish(member);
    this.close();
  }

  private failAll(error: unknown): void {
    for (const group of [...this.groups.values()]) for (const member of [...group]) this.fail(member, error);
    this.close();
  }
}

