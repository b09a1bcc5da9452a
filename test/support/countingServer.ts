import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingServer {
  url: string;
  /** How many requests each key received. */
  counts: Map<string, number>;
  /** Every request, in arrival order, with when it came and when it was answered. */
  requests: { key: string; receivedAt: number; answeredAt?: number }[];
  /** With `held`: lets the answers go (each `delayMs` after its request or after this call, whichever is later). */
  release(): void;
  close(): Promise<void>;
}

/**
 * A remote API with side effects: each POST /count?key=K increments K's counter and,
 * after a delay, answers with the new count. Every request is logged with its times.
 * `held`: no request is answered before `release()`, so a test can act while calls are
 * surely under way, however slowly the machine gets them there.
 */
export function startCountingServer(delayMs: number, options: { held?: boolean } = {}): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const requests: CountingServer['requests'] = [];
  let released = !options.held;
  const onRelease: (() => void)[] = [];
  const whenReleased = (answer: () => void) => (released ? answer() : onRelease.push(answer));
  const server = http.createServer((request, response) => {
    const key = new URL(request.url ?? '/', 'http://x').searchParams.get('key') ?? '';
    const entry: (typeof requests)[number] = { key, receivedAt: Date.now() };
    requests.push(entry);
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    request.resume();
    setTimeout(() => whenReleased(() => {
      entry.answeredAt = Date.now();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ key, count }));
    }), delayMs);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        counts,
        requests,
        release: () => {
          if (released) return;
          released = true;
          for (const answer of onRelease.splice(0)) setTimeout(answer, delayMs);
        },
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
