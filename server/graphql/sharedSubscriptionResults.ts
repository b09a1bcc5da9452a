import { createSourceEventStream, type DocumentNode, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin, type PromiseOrValue } from 'graphql-yoga';
import type { AuthContext } from '../auth/authorization';

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
export function useSharedSubscriptionResults(): Plugin {
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
function mapEvents<T, R>(events: AsyncIterable<T>, map: (event: T) => PromiseOrValue<R>): AsyncIterableIterator<R> {
  const source = events[Symbol.asyncIterator]();
  const mapped = (step: IteratorResult<T>): PromiseOrValue<IteratorResult<R>> => {
    if (step.done) return { done: true, value: undefined };
    const value = map(step.value);
    return isPromiseLike(value) ? Promise.resolve(value as PromiseLike<R>).then((resolved) => ({ done: false, value: resolved })) : { done: false, value: value as R };
  };
  const iterator: AsyncIterableIterator<R> = {
    next: () => source.next().then(mapped),
    return: async () => (source.return ? source.return().then(() => ({ done: true, value: undefined })) : { done: true, value: undefined }),
    throw: async (error: unknown) => {
      if (source.throw) return source.throw(error).then(mapped);
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
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
