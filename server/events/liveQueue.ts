/**
 * An async iterator fed by push(). Listening starts when it is created (not at the
 * first next(), as with lazy iterators), which is what lets a subscriber register
 * before it replays stored events and so miss nothing committed in between.
 */
export class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private closed = false;
  private forwarded: { onValue: (value: T) => void; onEnd: () => void } | undefined;

  constructor(private readonly onClose: () => void) {}

  /**
   * From now on every pushed value goes straight to `onValue`, synchronously, instead of
   * waiting for next(); `onEnd` is called once when the queue is closed. For a consumer that
   * hands each value on at once (server/events/executionFeed.ts), with no promise per value.
   */
  forwardTo(onValue: (value: T) => void, onEnd: () => void): void {
    this.forwarded = { onValue, onEnd };
    for (const value of this.buffered.splice(0)) onValue(value);
  }

  push(value: T): void {
    if (this.closed) return;
    if (this.forwarded) {
      this.forwarded.onValue(value);
      return;
    }
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
    } else {
      this.buffered.push(value);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffered.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.buffered.length = 0;
      this.onClose();
      this.forwarded?.onEnd();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = undefined;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
