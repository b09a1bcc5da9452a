/**
 * Admission of record transactions, so that none of them ever waits for a connection inside
 * Prisma (whose wait is bounded by `maxWait` and then fails the transaction).
 *
 * - Changes of one execution run one after another in this process (`key`): they would
 *   serialize anyway on the execution row's lock, but each waiter would hold a pooled
 *   connection while it waits. So at most one connection per execution is busy with records.
 * - At most `slots` record transactions run at once, fewer than the pool's connections, so
 *   each admitted transaction finds a free one and reads keep some. The rest wait here, in
 *   order, with no time limit.
 *
 * Records waiting at once are thus bounded by the executions in flight (one each), not by
 * EXECUTOR_CONCURRENCY × executions, and each waits at most its place in line times the
 * length of one transaction.
 */
export class TransactionGate {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(readonly slots: number) {
    if (!(slots >= 1)) throw new Error(`A transaction gate needs at least one slot (got ${slots})`);
  }

  /** Runs `work` after earlier work of the same key has ended and a slot is free. */
  run<T>(key: string | undefined, work: () => Promise<T>): Promise<T> {
    if (key === undefined) return this.inSlot(work);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(
      () => this.inSlot(work),
      () => this.inSlot(work),
    );
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Transactions running or waiting now (for tests and metrics). */
  get pending(): { running: number; waiting: number; keys: number } {
    return { running: this.running, waiting: this.queue.length, keys: this.tails.size };
  }

  private async inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((admit) => this.queue.push(admit));
    else this.running += 1;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

const gates = new WeakMap<object, TransactionGate>();
const unlimited = new TransactionGate(Number.MAX_SAFE_INTEGER);

/** The gate of a Prisma client opened by openDatabase (an unlimited one, still serializing keys, otherwise). */
export function transactionGateOf(prisma: object): TransactionGate {
  let gate = gates.get(prisma);
  if (!gate) {
    gate = unlimited;
    gates.set(prisma, gate);
  }
  return gate;
}

export function setTransactionGate(prisma: object, gate: TransactionGate): void {
  gates.set(prisma, gate);
}

/**
 * Errors after which the transaction certainly did not commit and, tried again, may well
 * succeed: no connection in time, a transaction that ran out of time (rolled back),
 * serialization failures and deadlocks, a refused connection. A connection lost during the
 * commit is not one of them (it may have committed): that error goes to the caller.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'P2028' || code === 'P2034' || code === '40001' || code === '40P01' || code === 'ECONNREFUSED') return true;
  const text = String(message ?? error);
  return /Unable to start a transaction|Transaction already closed|expired transaction|could not serialize|deadlock detected|ECONNREFUSED/i.test(text);
}

/** A unique constraint refused the write: Prisma's P2002, or PostgreSQL's own 23505 from a plain statement (node-postgres, PGlite). */
export function isUniqueViolation(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === 'P2002' || code === '23505';
}

/** Runs `attempt` again after transient database errors, with a growing pause, up to `tries` times in all. */
export async function retryTransient<T>(attempt: () => Promise<T>, options: { tries?: number; firstDelayMs?: number; maxDelayMs?: number } = {}): Promise<T> {
  const { tries = 8, firstDelayMs = 50, maxDelayMs = 2_000 } = options;
  let delay = firstDelayMs;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (attemptNumber >= tries || !isTransientDatabaseError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random() / 2)));
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}
