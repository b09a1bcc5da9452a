/**
 * Warm sandboxes for ExecPython: processes started ahead of time (setpriv + bwrap + python3 with
 * the runner imported), each blocked reading its job on stdin. A run takes one, and the pool
 * starts a replacement in the background. A process serves exactly one run: the run ends it, so
 * no file, global or environment of one run can reach the next.
 *
 * Processes are pooled per command line (`key`): a sandbox started for one set of settings
 * (binary, /tmp size, uid…) is never handed to a run with other settings. The pool belongs to
 * the platform: `close()` at stop kills every idle process; bwrap's --die-with-parent ends them
 * with the server if it dies without stopping. Idle processes keep neither the event loop alive
 * nor survive `idleMs` without a run of their kind.
 */
import type { Readable, Writable } from 'node:stream';

/** What the pool needs of a started process (an execa subprocess in practice). */
export interface PoolProcess {
  readonly pid?: number;
  readonly stdio: readonly (Readable | Writable | null | undefined)[];
  ref(): void;
  unref(): void;
  once(event: 'exit', listener: () => void): unknown;
  on(event: 'error', listener: () => void): unknown;
}

export interface SandboxPoolOptions {
  /** Idle processes kept per command line; 0 starts every run's process when the run starts. */
  size: number;
  /** A command line nobody ran for this long has its idle processes ended. */
  idleMs: number;
}

interface Idle {
  process: PoolProcess;
  exited: Promise<void>;
  /** The runner wrote its ready mark: started, imported, waiting for its job. */
  ready: boolean;
  stopWatching: () => void;
}

interface Slot {
  idle: Idle[];
  start: () => PoolProcess;
  reaper?: NodeJS.Timeout;
  refiller?: NodeJS.Timeout;
  /** The last sandbox started ended before it was ready (a sandbox that cannot start): keep one, not `size`. */
  failing?: boolean;
}

/**
 * Starting a sandbox costs ~30 ms of CPU (namespaces, interpreter, the runner's imports). While
 * warm sandboxes remain, refills wait until no run of their kind was taken for this long, so that
 * the nodes of a chain, which follow each other a few milliseconds apart, do not share the cores
 * with refills; a run that finds the pool empty starts its own sandbox.
 */
const REFILL_AFTER_QUIET_MS = 30;

/** Whether a held process keeps this server's event loop alive (its pipes included). */
function setHeld(process: PoolProcess, held: boolean): void {
  const apply = (handle: { ref?: () => void; unref?: () => void } | null | undefined) => (held ? handle?.ref?.() : handle?.unref?.());
  apply(process);
  for (const stream of process.stdio) apply(stream as { ref?: () => void; unref?: () => void } | null);
}

export function killProcessGroup(pid: number | undefined): void {
  try {
    if (pid !== undefined) process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export class SandboxPool {
  private readonly slots = new Map<string, Slot>();
  private closed = false;
  private readonly ending = new Set<Promise<void>>();

  constructor(readonly options: SandboxPoolOptions) {}

  /**
   * A process for one run of `key`: a warm one when there is one, else one started now. Either
   * way the pool then starts replacements in the background, up to its size. The caller owns
   * the process from here on and must end it.
   */
  take<P extends PoolProcess>(key: string, start: () => P): P {
    if (this.closed || this.options.size <= 0) return start();
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { idle: [], start };
      this.slots.set(key, slot);
    }
    this.keepFor(key, slot);
    // A ready one first; else the oldest, the nearest to ready.
    const at = Math.max(0, slot.idle.findIndex((entry) => entry.ready));
    const warm = slot.idle.splice(at, 1)[0];
    warm?.stopWatching();
    // One key, one command line: what was started for it is what `start` starts.
    const process = (warm?.process as P | undefined) ?? start();
    if (warm) setHeld(warm.process, true);
    this.refillWhenQuiet(key, slot);
    return process;
  }

  /** Idle processes (with `ready`: those waiting for their job), for tests and the benchmark. */
  idleCount(which: { ready?: boolean } = {}): number {
    return [...this.slots.values()].reduce((sum, slot) => sum + slot.idle.filter((entry) => !which.ready || entry.ready).length, 0);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends every idle process and pools no more; runs under way finish with the process they took. */
  async close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.slots.keys()]) this.drop(key);
    await Promise.all(this.ending);
  }

  private refillWhenQuiet(key: string, slot: Slot): void {
    if (slot.refiller) clearTimeout(slot.refiller);
    // An empty pool refills at once: the next run would otherwise start its own sandbox.
    slot.refiller = setTimeout(() => this.refillOne(key, slot), slot.idle.length === 0 ? 0 : REFILL_AFTER_QUIET_MS);
    slot.refiller.unref();
  }

  /** One sandbox per event-loop turn: spawning blocks this thread for a few milliseconds each. */
  private refillOne(key: string, slot: Slot): void {
    slot.refiller = undefined;
    const wanted = slot.failing ? 1 : this.options.size;
    if (this.closed || this.slots.get(key) !== slot || slot.idle.length >= wanted) return;
    this.startIdle(slot);
    slot.refiller = setTimeout(() => this.refillOne(key, slot), 0);
    slot.refiller.unref();
  }

  private startIdle(slot: Slot): void {
    const process = slot.start();
    setHeld(process, false);
    const channel = process.stdio[3] as Readable | null | undefined;
    const entry: Idle = {
      process,
      exited: new Promise<void>((resolve) => {
        process.once('exit', resolve);
        process.on('error', () => resolve()); // every error handled: one would otherwise throw
      }),
      ready: false,
      stopWatching: () => channel?.off('data', onReady),
    };
    // The mark is all the runner writes before its job arrives; the run's collector reads the rest.
    const onReady = () => {
      entry.ready = true;
      slot.failing = false;
      channel?.pause();
      entry.stopWatching();
    };
    channel?.on('data', onReady);
    slot.idle.push(entry);
    // A process that ends while idle (killed from outside, a broken sandbox) leaves the pool and
    // its pipes are closed; it is not restarted until the next run, and a sandbox that ended before it
    // was ready makes the pool keep one instead of `size`, so one that cannot start costs little.
    void entry.exited.then(() => {
      const at = slot.idle.indexOf(entry);
      if (at < 0) return; // taken: the run owns it
      slot.idle.splice(at, 1);
      if (!entry.ready) slot.failing = true;
      for (const stream of process.stdio) stream?.destroy();
    });
  }

  private keepFor(key: string, slot: Slot): void {
    if (slot.reaper) clearTimeout(slot.reaper);
    slot.reaper = setTimeout(() => this.drop(key), this.options.idleMs);
    slot.reaper.unref();
  }

  private drop(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    if (slot.reaper) clearTimeout(slot.reaper);
    if (slot.refiller) clearTimeout(slot.refiller);
    for (const { process, exited } of slot.idle.splice(0)) {
      setHeld(process, true); // its end is waited for
      killProcessGroup(process.pid);
      const ending = exited.finally(() => {
        for (const stream of process.stdio) stream?.destroy();
        this.ending.delete(ending);
      });
      this.ending.add(ending);
    }
  }
}

let active: SandboxPool | undefined;

/** The pool ExecPython runs take their process from, while the platform that opened it runs. */
export function openSandboxPool(options: SandboxPoolOptions): SandboxPool {
  const pool = new SandboxPool(options);
  active = pool;
  return pool;
}

export function activeSandboxPool(): SandboxPool | undefined {
  return active && !active.isClosed ? active : undefined;
}
