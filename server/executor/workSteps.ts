import * as restate from '@restatedev/restate-sdk';

/**
 * The node work steps (ctx.run of a node's definition: an Http call, a Python run) under way in
 * this process, for a graceful stop: once `stopStarting()` is called no new work step begins
 * (it fails with a retryable error before doing anything, so Restate runs it after the next
 * start), and `drained()` resolves when every step that had begun has finished and Restate
 * has journaled its result, so that no finished side effect is run again after the restart.
 */
export class WorkSteps {
  private stoppingNow = false;
  private readonly running = new Map<string, AbortSignal>();
  private readonly waiters = new Set<() => void>();

  /** Called as a work step begins; throws once the platform is stopping. */
  begin(id: string, attempt: AbortSignal): void {
    if (this.stoppingNow) {
      throw new restate.RetryableError('The platform is stopping; this node runs after it starts again', { retryAfter: { seconds: 1 } });
    }
    this.running.set(id, attempt);
    // An attempt that ended (restate-server went away) will not journal this step: stop waiting for it.
    attempt.addEventListener('abort', () => this.end(id), { once: true });
  }

  /** Called when Restate has journaled the step's result (or the step failed): it no longer holds the stop. */
  end(id: string): void {
    if (!this.running.delete(id)) return;
    if (this.running.size === 0) for (const wake of this.waiters) wake();
  }

  get count(): number {
    return this.running.size;
  }

  stopStarting(): void {
    this.stoppingNow = true;
  }

  /** True once `stopStarting()` was called. */
  get stopping(): boolean {
    return this.stoppingNow;
  }

  /** Waits until no work step is under way, at most `graceMs`; resolves to the number still running then. */
  async drained(graceMs: number): Promise<number> {
    if (this.running.size === 0) return 0;
    let wake!: () => void;
    const idle = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(wake);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([idle, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(wake);
    }
    return this.running.size;
  }
}
