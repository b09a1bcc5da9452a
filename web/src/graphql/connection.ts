import { useEffect, useRef, useSyncExternalStore } from 'react';

/** Where the subscription socket stands: not yet connected, connected, or lost and trying again. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

interface ConnectionSnapshot {
  state: ConnectionState;
  /** How many times the socket has been (re)connected: a change after the first means "resynchronise". */
  connections: number;
}

let snapshot: ConnectionSnapshot = { state: 'connecting', connections: 0 };
const listeners = new Set<() => void>();

function publish(next: ConnectionSnapshot) {
  snapshot = next;
  listeners.forEach((listener) => listener());
}

/** Called by the graphql-ws client when the server acknowledged the connection. */
export function socketConnected() {
  publish({ state: 'connected', connections: snapshot.connections + 1 });
}

/** Called by the graphql-ws client when the socket closed (it retries with backoff). */
export function socketClosed() {
  if (snapshot.state === 'connected') publish({ ...snapshot, state: 'reconnecting' });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnection(): ConnectionSnapshot {
  return useSyncExternalStore(subscribe, () => snapshot);
}

/**
 * Calls `onReconnected` each time the socket comes back after having been lost (not on the
 * first connection): the moment to re-read what may have changed while it was down.
 */
export function useReconnected(onReconnected: () => void) {
  const { connections } = useConnection();
  const seen = useRef(connections);
  const callback = useRef(onReconnected);
  callback.current = onReconnected;
  useEffect(() => {
    if (seen.current > 0 && connections > seen.current) callback.current();
    seen.current = connections;
  }, [connections]);
}

/**
 * Randomised exponential backoff: about 0.5 s, 1 s, 2 s, 4 s… capped at 10 s, so that many
 * browsers do not all knock at once when a server comes back.
 */
export function backoff(retries: number): Promise<void> {
  const ceiling = Math.min(10_000, 500 * 2 ** retries);
  return new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
}
