import type { Writable } from 'node:stream';

const corked = new Set<Writable>();
let uncorkScheduled = false;

function uncorkAll(): void {
  uncorkScheduled = false;
  for (const stream of corked) stream.uncork();
  corked.clear();
}

/**
 * Holds a socket's or response's writes until the end of this turn of the event loop (after every
 * queued microtask), so that the frames one event makes for many subscribers leave in one system call each.
 */
export function corkForThisTurn(stream: Writable | undefined): void {
  if (!stream || corked.has(stream) || stream.destroyed) return;
  stream.cork();
  corked.add(stream);
  if (!uncorkScheduled) {
    uncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}
