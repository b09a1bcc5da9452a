/**
 * A local fake of an outside HTTP service (Slack, Telegram, a feed, any API), for platform tests of
 * nodes that call one: routes answer by method and path, every request is kept for assertions.
 *
 *   const slack = await startFakeService({ 'POST /api/chat.postMessage': () => ({ json: { ok: true, ts: '1.2' } }) });
 *   … run a project whose node calls slack.url …
 *   expect(slack.requests[0]).toMatchObject({ path: '/api/chat.postMessage', json: { channel: 'C1' } });
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as it is (set a content-type in headers). */
  text?: string | Buffer;
}

export type FakeRoute = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeService {
  url: string;
  requests: FakeRequest[];
  /** Replaces or adds a route while the service runs (a feed whose entries change…). */
  route(key: string, handler: FakeRoute): void;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 and a free port; routes are keyed `"<METHOD> <path>"` (`"GET /feed.xml"`). */
export async function startFakeService(routes: Record<string, FakeRoute>, options: { port?: number } = {}): Promise<FakeService> {
  const table = new Map(Object.entries(routes));
  const requests: FakeRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      const request: FakeRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body };
      try {
        request.json = body ? JSON.parse(body) : undefined;
      } catch {
        // not JSON
      }
      requests.push(request);
      const handler = table.get(`${request.method} ${request.path}`);
      const reply: FakeReply = handler ? await handler(request) : { status: 404, json: { error: `no route ${request.method} ${request.path}` } };
      const headers = { ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}), ...reply.headers };
      response.writeHead(reply.status ?? 200, headers);
      response.end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (key, handler) => void table.set(key, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
