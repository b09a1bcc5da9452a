import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWebSocketClient } from 'graphql-ws';
import WebSocket from 'ws';

type Sink<T> = { next(value: T): void; error(error: unknown): void; complete(): void };
type Subscribe = <T>(request: { query: string; variables?: Record<string, unknown> }, sink: Sink<T>) => () => void;

export interface Collector<T> {
  received: T[];
  /** Resolves once `done` holds for what was received, or rejects after `timeoutMs`. */
  until(done: (received: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  stop(): void;
  /** Resolves when the server completes the subscription; rejects if it fails. */
  completed: Promise<void>;
}

/** A WebSocket close event says little in JSON; its code and reason are what matter. */
function describeFailure(error: unknown): string {
  const close = error as { code?: unknown; reason?: unknown };
  return typeof close?.code === 'number' ? `connection closed: ${close.code} ${String(close.reason ?? '')}` : JSON.stringify(error);
}

function collect<T>(subscribe: Subscribe, query: string, variables: Record<string, unknown>): Collector<T> {
  const received: T[] = [];
  const waiters = new Set<() => void>();
  let failure: unknown;
  let markCompleted: () => void = () => undefined;
  let markFailed: (error: unknown) => void = () => undefined;
  const completed = new Promise<void>((resolve, reject) => ((markCompleted = resolve), (markFailed = reject)));
  completed.catch(() => undefined); // a caller that never awaits `completed` learns of failures through `until`
  const unsubscribe = subscribe<{ data?: T; errors?: unknown }>({ query, variables }, {
    next: (result) => {
      if (result.errors) markFailed((failure = new Error(`subscription error: ${JSON.stringify(result.errors)}`)));
      if (result.data) received.push(result.data);
      waiters.forEach((wake) => wake());
    },
    error: (error) => {
      failure = error instanceof Error ? error : new Error(describeFailure(error));
      markFailed(failure);
      waiters.forEach((wake) => wake());
    },
    complete: () => markCompleted(),
  });
  return {
    received,
    completed,
    stop: unsubscribe,
    until: (done, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (failure) return finish(() => reject(failure));
          if (done(received)) return finish(() => resolve(received));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`timed out; received ${JSON.stringify(received, null, 1)}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
  };
}

/** A graphql-ws client over a real WebSocket, as a browser or dashboard uses it. */
export function webSocketSubscriber(graphqlUrl: string, connectionParams?: Record<string, unknown>) {
  const client = createWebSocketClient({ url: graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
  return {
    subscribe: <T>(query: string, variables: Record<string, unknown> = {}) =>
      collect<T>((request, sink) => client.subscribe(request, sink as never), query, variables),
    close: () => client.dispose(),
  };
}

/** A GraphQL-over-SSE client (distinct connections mode) using fetch and text/event-stream. */
export function sseSubscriber(graphqlUrl: string, headers?: Record<string, string>) {
  const client = createSseClient({ url: graphqlUrl, singleConnection: false, retryAttempts: 0, headers });
  return {
    subscribe: <T>(query: string, variables: Record<string, unknown> = {}) =>
      collect<T>((request, sink) => client.subscribe(request, sink as never), query, variables),
    close: () => client.dispose(),
  };
}
