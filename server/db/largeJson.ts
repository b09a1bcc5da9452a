/**
 * Large JSON values (a node's output of a 100,000-element list) cost the event loop when they
 * are handed to Prisma as objects: it walks them value by value to build the query. Values of at
 * least `largeJsonBytes` serialised are written as JSON text instead (`$1::jsonb`), each in a
 * statement of its own, and the event loop gets a turn between such statements, since the
 * embedded database (PGlite) runs each statement on the event loop's thread.
 */
export const largeJsonBytes = 32 * 1024;

/** Lets pending I/O (other requests, /health) run before the next long synchronous step. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
