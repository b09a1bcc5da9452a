import { createSourceEventStream, type DocumentNode, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin, type PromiseOrValue } from 'graphql-yoga';
import type { AuthContext } from '../auth/authorization';
import { FollowedExecution } from '../events/executionFeed';
import type { ExecutionEvent } from '../events/types';

/** Where a transport writes a subscription's results, in order, once each. */
export interface ResultSink {
  next(result: ExecutionResult): void;
  complete(): void;
  error(error: unknown): void;
}

/**
 * A subscription whose results are pushed rather than pulled: `start` makes the execution's
 * feed (server/events/executionFeed.ts) call `sink.next` for each result, with no async
 * iterator per subscriber and event; `stop` ends it. Envelop's per-operation hooks (limits,
 * authorisation, metrics) ran when it was set up; their end hooks run when the transport
 * returns the iterator the envelope gave it.
 */
export interface PushedResults {
  start(sink: ResultSink): void;
  stop(): void;
}

const pushedByContext = new WeakMap<object, PushedResults>();

/**
 * The pushed form of the subscription set up with this GraphQL context (graphql-ws: its
 * operation's contextValue) or request (GraphQL over SSE), if it has one: `executionEvents`.
 */
export function pushedResultsOf(contextOrRequest: unknown): PushedResults | undefined {
  return typeof contextOrRequest === 'object' && contextOrRequest !== null ? pushedByContext.get(contextOrRequest) : undefined;
}

/**
 * Subscribers that asked the same thing share one execution per event.
 *
 * Without this, every subscriber executes its selection set for every event: a hundred
 * browsers following one busy execution cost a hundred executions per node event. The hub
 * hands every subscriber the same event object, so the result of executing a document
 * with given variables over that object is computed once and reused; it is forgotten with
 * the event (a WeakMap). Fields may resolve differently for different callers (a task's
 * linkToken, code shown redacted below admin), so results are shared only between callers
 * whose authorization is identical: the same kind of caller, scopes and task.
 */
export function useSharedSubscriptionResults(options: { onDelivered?: (count: number) => void } = {}): Plugin {
  const onDelivered = options.onDelivered ?? (() => undefined);
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  const resultsByEvent = new WeakMap<object, Map<string, PromiseOrValue<ExecutionResult>>>();

  const requestKey = (args: ExecutionArgs) => {
    let documentId = documentIds.get(args.document);
    if (documentId === undefined) documentIds.set(args.document, (documentId = nextDocumentId++));
    return `${authorizationKey(args.contextValue)}:${documentId}:${args.operationName ?? ''}:${JSON.stringify(args.variableValues ?? {})}`;
  };

  const executeShared = (args: ExecutionArgs, key: string, event: unknown): PromiseOrValue<ExecutionResult> => {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let results = resultsByEvent.get(event);
    if (!results) resultsByEvent.set(event, (results = new Map()));
    let result = results.get(key);
    if (!result) results.set(key, (result = execute({ ...args, rootValue: event })));
    return result;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args) => {
        const events = await createSourceEventStream(args);
        if (!isAsyncIterable(events)) return events as ExecutionResult;
        const key = requestKey(args);
        if (events instanceof FollowedExecution && typeof args.contextValue === 'object' && args.contextValue !== null) {
          const pushed = pushedResults(events, key, (event) => executeShared(args, key, event), onDelivered);
          pushedByContext.set(args.contextValue, pushed);
          const request = (args.contextValue as { request?: unknown }).request;
          if (typeof request === 'object' && request !== null) pushedByContext.set(request, pushed);
          return mapEvents(events, (event) => executeShared(args, key, event), () => pushed.stop());
        }
        return mapEvents(events, (event) => executeShared(args, key, event));
      });
    },
  };
}

/**
 * The results of `events` mapped through `map`, with return() passed on: as graphql-yoga's
 * mapAsyncIterator, without its extra promise per event when `map` answers at once (every
 * subscriber of a busy execution pays it for every event).
 */
function mapEvents<T, R>(events: AsyncIterable<T>, map: (event: T) => PromiseOrValue<R>, onReturn?: () => void): AsyncIterableIterator<R> {
  const source = events[Symbol.asyncIterator]();
  const mapped = (step: IteratorResult<T>): PromiseOrValue<IteratorResult<R>> => {
    if (step.done) return { done: true, value: undefined };
    const value = map(step.value);
    return isPromiseLike(value) ? Promise.resolve(value as PromiseLike<R>).then((resolved) => ({ done: false, value: resolved })) : { done: false, value: value as R };
  };
  const iterator: AsyncIterableIterator<R> = {
    next: () => source.next().then(mapped),
    return: async () => (onReturn?.(), source.return ? source.return().then(() => ({ done: true, value: undefined })) : { done: true, value: undefined }),
    throw: async (error: unknown) => {
      if (source.throw) return source.throw(error).then(mapped);
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * An execution's results pushed to a sink: one member of its feed, grouped with the
 * subscribers whose `key` (selection, variables and authorisation) is the same. Results that
 * are promises (a selection with asynchronous resolvers) are written in seq order all the same.
 */
function pushedResults(
  followed: FollowedExecution,
  key: string,
  resultFor: (event: ExecutionEvent) => PromiseOrValue<ExecutionResult>,
  onDelivered: (count: number) => void,
): PushedResults {
  let stopped = false;
  let subscription: { stop(): void } | undefined;
  let sink: ResultSink | undefined;
  /** Set while a result that is a promise, or a step queued behind one, is still to be written. */
  let pending: Promise<void> | undefined;
  let queued = 0;
  const fail = (error: unknown) => {
    if (stopped) return;
    stopped = true;
    subscription?.stop();
    sink?.error(error);
  };
  const afterPending = (step: () => PromiseOrValue<void>) => {
    queued++;
    pending = (pending ?? Promise.resolve()).then(step).then(() => {
      if (--queued === 0) pending = undefined;
    }, fail);
  };
  const write = (result: ExecutionResult) => {
    if (stopped) return;
    sink!.next(result);
    onDelivered(1);
  };
  const complete = () => {
    if (stopped) return;
    stopped = true;
    sink!.complete();
  };
  return {
    start(target) {
      if (stopped || sink) return;
      sink = target;
      const member = followed.follow<PromiseOrValue<ExecutionResult>>({
        groupKey: key,
        resultFor,
        deliver: (result: PromiseOrValue<ExecutionResult>) => {
          if (!pending && !isPromiseLike(result)) write(result);
          else afterPending(async () => write(await result));
        },
        complete: () => (pending ? afterPending(complete) : complete()),
        fail: (error: unknown) => (pending ? afterPending(() => fail(error)) : fail(error)),
      });
      subscription = member;
      if (stopped) member.stop();
    },
    stop() {
      stopped = true;
      subscription?.stop();
    },
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Everything about the caller that authorization looks at; callers with the same key see the same results. */
export function authorizationKey(context: unknown): string {
  const caller = (context as Partial<AuthContext> | undefined)?.caller;
  if (!caller) return 'no caller';
  const scopes = [...caller.scopes].sort().join(',');
  return JSON.stringify([caller.kind, scopes, caller.kind === 'task link' ? caller.taskId : null]);
}
