import { endsExecution, type EventHub, type ExecutionPosition, type ExecutionStart } from './hub';
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
 * How long a place opened for a subscription is held for it to be followed or iterated: a
 * transport that does neither (yoga answering 406 to an Accept it cannot serve, a client gone
 * while the subscription was being set up) must not keep the execution's feed open. Following
 * later still works: it reads for itself.
 */
const heldPlaceMs = 10_000;

/**
 * What the `executionEvents` subscription resolves to: iterated, it is
 * `EventHub.executionEvents` (each subscriber its own iterator); followed, it is a member of
 * the execution's feed, which pushes (graphql-ws and SSE use that, see
 * server/graphql/sharedSubscriptionResults.ts).
 */
export class FollowedExecution implements AsyncIterable<ExecutionEvent> {
  private readonly releaseUnclaimed: NodeJS.Timeout | undefined;

  private constructor(
    readonly hub: EventHub,
    readonly executionId: string,
    readonly afterSeq: number,
    private held: FeedPlace | undefined,
    holdMs: number,
  ) {
    if (held) this.releaseUnclaimed = setTimeout(() => this.release(), holdMs).unref();
  }

  /**
   * Starts following an execution: its feed listens from now on and reads where the execution
   * stands with its events after `afterSeq`, in one read that the first subscriber's replay
   * uses too. Undefined when there is no such execution.
   */
  static async open(hub: EventHub, executionId: string, afterSeq: number, holdMs = heldPlaceMs): Promise<FollowedExecution | undefined> {
    const place = holdFeedPlace(hub, executionId, afterSeq);
    let exists = false;
    try {
      exists = await place.exists;
    } finally {
      if (!exists) place.release();
    }
    return exists ? new FollowedExecution(hub, executionId, afterSeq, place, holdMs) : undefined;
  }

  /** Iterated instead of followed, it is EventHub.executionEvents, which reads for itself: the held place is given up. */
  [Symbol.asyncIterator](): AsyncIterator<ExecutionEvent> {
    let events: AsyncGenerator<ExecutionEvent> | undefined;
    let returned = false;
    return {
      next: async () => {
        this.release();
        if (returned) return { done: true, value: undefined };
        return (events ??= this.hub.executionEvents(this.executionId, this.afterSeq)).next();
      },
      return: async () => {
        this.release();
        returned = true;
        return events ? events.return(undefined) : { done: true, value: undefined };
      },
    };
  }

  follow<R>(member: FeedMember<R>): FeedSubscription {
    const held = this.held;
    this.forgetPlace();
    return held ? held.join(member) : followExecution(this.hub, this.executionId, this.afterSeq, member);
  }

  /** Gives up the place held since open (idempotent; nothing once followed). */
  release(): void {
    const held = this.held;
    this.forgetPlace();
    held?.release();
  }

  private forgetPlace(): void {
    this.held = undefined;
    clearTimeout(this.releaseUnclaimed);
  }
}

const feedsByHub = new WeakMap<EventHub, Map<string, ExecutionFeed>>();

/**
 * A place in an execution's feed, held from the moment it is taken: the live events the feed
 * hands on from then are kept for the member that joins, or dropped with the place.
 */
interface FeedPlace {
  /** Whether the execution exists, as the feed read it. */
  readonly exists: Promise<boolean>;
  /** The member takes the place: it replays from the place's afterSeq, then goes live. */
  join<R>(member: FeedMember<R>): FeedSubscription;
  release(): void;
}

function holdFeedPlace(hub: EventHub, executionId: string, afterSeq: number): FeedPlace {
  let feeds = feedsByHub.get(hub);
  if (!feeds) feedsByHub.set(hub, (feeds = new Map()));
  let feed = feeds.get(executionId);
  if (!feed) {
    const registry = feeds;
    feed = new ExecutionFeed(hub, executionId, afterSeq, () => registry.delete(executionId));
    feeds.set(executionId, feed);
  }
  return feed.hold(afterSeq);
}

/** Adds `member` to the feed of `executionId` (created on first use), replaying from `afterSeq`. */
export function followExecution<R>(hub: EventHub, executionId: string, afterSeq: number, member: FeedMember<R>): FeedSubscription {
  return holdFeedPlace(hub, executionId, afterSeq).join(member);
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
  /** It opened the feed: the feed's first read is its replay's too. */
  readonly usesFirstRead: boolean;
}

/** A place held, not joined yet (see FeedPlace). */
interface HeldPlace {
  readonly buffered: ExecutionEvent[];
  readonly afterSeq: number;
  readonly usesFirstRead: boolean;
}

class ExecutionFeed {
  private readonly groups = new Map<string, Set<Member>>();
  private members = 0;
  private readonly held = new Set<HeldPlace>();
  /** The seq of the newest event handed to members; undefined until the start position is read. */
  private position: number | undefined;
  /** Live events waiting while the start position is read or a gap is filled. */
  private waiting: ExecutionEvent[] | undefined = [];
  /**
   * Where the execution stood when the feed began listening, with its events after the opener's
   * afterSeq: kept until the opener's replay takes it or the opener gives its place up.
   */
  private firstRead: Promise<ExecutionStart> | undefined;
  private readonly firstPosition: Promise<ExecutionPosition | undefined>;
  private readonly ready: Promise<void>;
  private readonly stopListening: () => void;
  /** Set when the feed closed: the error that failed every member, if one did. */
  private closedWith: { error: unknown } | {} | undefined;

  constructor(
    private readonly hub: EventHub,
    private readonly executionId: string,
    openerAfterSeq: number,
    private readonly forget: () => void,
  ) {
    // Listening starts before the start position is read: nothing committed in between is missed.
    this.stopListening = hub.liveEvents(executionId, (event) => this.onLive(event), () => this.onHubStopped());
    this.firstRead = hub.executionStart(executionId, openerAfterSeq);
    this.firstPosition = this.firstRead.then(({ position }) => position);
    this.ready = this.firstPosition
      .then((position) => {
        this.position = position?.lastSeq ?? 0;
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

  hold(afterSeq: number): FeedPlace {
    // Only the feed's first place (its opener's, with the afterSeq the first read used) replays from that read.
    const place: HeldPlace = { buffered: [], afterSeq, usesFirstRead: this.held.size === 0 && this.members === 0 && this.firstRead !== undefined };
    this.held.add(place);
    const firstPosition = this.firstPosition;
    return {
      get exists() {
        return firstPosition.then((position) => position !== undefined);
      },
      join: (target) => this.join(place, target as FeedMember<unknown>),
      release: () => {
        if (place.usesFirstRead) this.firstRead = undefined;
        if (this.held.delete(place)) this.closeWhenUnused();
      },
    };
  }

  private join(place: HeldPlace, target: FeedMember<unknown>): FeedSubscription {
    if (!this.held.delete(place)) throw new Error('This place in the feed was given up already');
    if (this.closedWith) {
      // The hub stopped, or the feed's first read failed, while the place was held.
      if ('error' in this.closedWith) target.fail(this.closedWith.error);
      else target.complete();
      return { stop: () => undefined };
    }
    // The events kept for the place are the member's buffer: it has missed none since the place was taken.
    const member: Member = { target, buffered: place.buffered, lastSeq: place.afterSeq, done: false, usesFirstRead: place.usesFirstRead };
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
    this.closeWhenUnused();
  }

  private closeWhenUnused(): void {
    if (this.members === 0 && this.held.size === 0) this.close();
  }

  private close(end: { error: unknown } | {} = {}): void {
    if (this.closedWith) return;
    this.closedWith = end;
    this.forget();
    this.stopListening();
  }

  /** Stored events after the member's afterSeq, then the live ones buffered meanwhile; then live. */
  private async replay(member: Member): Promise<void> {
    try {
      await this.ready;
      if (member.done) return;
      // Every event after the position read here reaches the member's buffer, as after the feed's first read.
      const { position: current, events } = await this.startOf(member);
      for (const event of events) {
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

  /** Where the member's replay starts: the feed's first read for its opener (taken once), else a read of its own. */
  private startOf(member: Member): Promise<ExecutionStart> {
    const first = this.firstRead;
    if (member.usesFirstRead && first) {
      this.firstRead = undefined;
      return first;
    }
    return this.hub.executionStart(this.executionId, member.lastSeq);
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
    for (const place of this.held) place.buffered.push(event);
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
    if (this.closedWith) return;
    for (const group of [...this.groups.values()]) for (const member of [...group]) this.finish(member);
    this.close();
  }

  private failAll(error: unknown): void {
    for (const group of [...this.groups.values()]) for (const member of [...group]) this.fail(member, error);
    this.close({ error });
  }
}

