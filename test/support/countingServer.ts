import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingServer {
  url: string;
  /** How many requests each key received. */
  counts: Map<string, number>;
  /** Every request, in arrival order, with when it came and when it was answered. */
  requests: { key: string; receivedAt: number; answeredAt?: number }[];
  close(): Promise<void>;
}

/**
 * A remote API with side effects: each POST /count?key=K increments K's counter and,
 * after a delay, answers with the new count. Every request is logged with its times.
 */
export function startCountingServer(delayMs: number): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const requests: CountingServer['requests'] = [];
  const server = http.createServer((request, response) => {
    const key = new URL(request.url ?? '/', 'http://x').searchParams.get('key') ?? '';
    const entry: (typeof requests)[number] = { key, receivedAt: Date.now() };
    requests.push(entry);
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    request.resume();
    setTimeout(() => {
      entry.answeredAt = Date.now();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ key, count }));
    }, delayMs);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        counts,
        requests,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
