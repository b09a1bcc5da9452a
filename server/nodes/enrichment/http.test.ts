import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import type { JsonValue } from '../../weft/types';
import { runHttp } from './http';
import { defaultNodeSettings } from '../settings';
import { failureOf, runContext, startLocalServer, type LocalServer, type TestRun } from '../testing';
import { EgressGuard, type EgressRules } from '../../net/egress';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: LocalServer;
const received: Received[] = [];

beforeAll(async () => {
  server = await startLocalServer((request, body, response) => {
    received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
    const path = request.url!;
    if (path === '/json') response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-trace': 'abc' }).end('{"ok":true,"n":[1,2]}');
    else if (path === '/problem') response.writeHead(503, { 'content-type': 'application/problem+json' }).end('{"title":"down"}');
    else if (path === '/missing') response.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
    else if (path === '/broken-json') response.writeHead(200, { 'content-type': 'application/json' }).end('{oops');
    else if (path === '/empty') response.writeHead(204).end();
    else if (path === '/empty-json') response.writeHead(200, { 'content-type': 'application/json' }).end();
    else if (path === '/big') response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(2000));
    else if (path === '/big-stream') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('x'.repeat(1500));
      response.end('x'.repeat(1500));
    } else if (path === '/slow') setTimeout(() => response.end('late'), 2_000).unref();
    else if (path === '/echo') response.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>');
  });
});

afterAll(() => server.close());

const http = (path: string, inputs: Record<string, JsonValue> = {}, run: TestRun = {}) =>
  runHttp(runContext({ ...run, inputs: { url: server.url + path, method: 'GET', headers: null, body: null, ...inputs } }));

const lastReceived = () => received[received.length - 1]!;

describe('Http', () => {
  it('outputs the body as text, the status and success, as Weft does; the response headers are in the details', async () => {
    const result = await http('/json');
    expect(result.outputs).toEqual({ body: '{"ok":true,"n":[1,2]}', status: 200, success: true });
    expect(result.details).toMatchObject({ request: `GET ${server.url}/json`, status: 200, statusText: 'OK' });
    expect(result.details?.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-trace': 'abc' });
  });

  it('takes url and method from its config fields', async () => {
    const result = await runHttp(runContext({ config: { url: `${server.url}/echo`, method: 'POST' }, inputs: { body: { a: 1 } } }));
    expect(result.outputs).toMatchObject({ status: 200, body: '{"a":1}' });
    expect(lastReceived()).toMatchObject({ method: 'POST', url: '/echo' });
  });

  it('outputs a body that is not JSON as text', async () => {
    expect((await http('/page')).outputs.body).toBe('<p>hello</p>');
  });

  it('does not fail on a 4xx or 5xx: the status is an output for the graph to act on', async () => {
    expect((await http('/missing')).outputs).toEqual({ status: 404, body: 'no such page', success: false });
    expect((await http('/problem')).outputs).toEqual({ status: 503, body: '{"title":"down"}', success: false });
  });

  it('outputs an empty body as empty text', async () => {
    expect((await http('/empty')).outputs).toMatchObject({ status: 204, body: '' });
    expect((await http('/empty-json')).outputs).toMatchObject({ status: 200, body: '' });
  });

  it('sends the method, the headers and a string body as given', async () => {
    const result = await http('/echo', { method: 'put', headers: { 'X-Api-Key': 'secret' }, body: 'plain words' });
    expect(result.outputs.body).toBe('plain words');
    expect(lastReceived()).toMatchObject({ method: 'PUT', body: 'plain words', headers: { 'x-api-key': 'secret' } });
  });

  it('sends any other body as JSON with a JSON content type', async () => {
    await http('/echo', { method: 'POST', body: { city: 'Oslo', degrees: 3 } });
    expect(lastReceived()).toMatchObject({ method: 'POST', body: '{"city":"Oslo","degrees":3}', headers: { 'content-type': 'application/json' } });
  });

  it('keeps a content type the headers input sets', async () => {
    await http('/echo', { method: 'POST', headers: { 'Content-Type': 'application/vnd.api+json' }, body: { a: 1 } });
    expect(lastReceived().headers['content-type']).toBe('application/vnd.api+json');
  });

  it('sends no body with a GET request, and {} with a POST that has none, as Weft does', async () => {
    await http('/echo', { method: 'GET', body: { a: 1 } });
    expect(lastReceived()).toMatchObject({ method: 'GET', body: '' });
    await http('/echo', { method: 'POST' });
    expect(lastReceived()).toMatchObject({ method: 'POST', body: '{}' });
  });

  it('refuses a URL that is not http or https', async () => {
    expect((await failureOf(http('', { url: 'file:///etc/passwd' }))).message).toBe('"file:///etc/passwd" is not an http or https URL');
    expect((await failureOf(http('', { url: 'not a url' }))).message).toBe('"not a url" is not an http or https URL');
  });

  it('refuses a response body over the size limit, announced or streamed', async () => {
    const settings = { http: { ...defaultNodeSettings.http, maxBodyBytes: 1000 } };
    const announced = await failureOf(http('/big', {}, { settings }));
    expect(announced.message).toBe(`the response to GET ${server.url}/big is larger than the limit of 1000 bytes`);
    const streamed = await failureOf(http('/big-stream', {}, { settings }));
    expect(streamed.message).toBe(`the response to GET ${server.url}/big-stream is larger than the limit of 1000 bytes`);
  });

  it('fails when the server does not answer within the time limit', async () => {
    const settings = { http: { ...defaultNodeSettings.http, timeoutMs: 200 } };
    const failure = await failureOf(http('/slow', {}, { settings }));
    expect(failure.message).toBe(`GET ${server.url}/slow timed out after 0.2 s`);
  });

  it("lets the node's timeoutSeconds replace the server's time limit", async () => {
    const failure = await failureOf(runHttp(runContext({ config: { timeoutSeconds: 0.1 }, inputs: { url: `${server.url}/slow`, method: 'GET' } })));
    expect(failure.message).toBe(`GET ${server.url}/slow timed out after 0.1 s`);
  });

  it('fails when the server cannot be reached', async () => {
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    const failure = await failureOf(http('', { url: `${closed.url}/health` }));
    expect(failure.message).toMatch(new RegExp(`^could not reach GET ${closed.url}/health: .*ECONNREFUSED`));
  });

  it('stops the request when the execution is cancelled', async () => {
    const cancel = new AbortController();
    const running = http('/slow', {}, { signal: cancel.signal });
    setTimeout(() => cancel.abort(), 100);
    expect((await failureOf(running)).message).toBe('cancelled');
  });
});

describe('Http: where it may connect', () => {
  const guarded = (policy: EgressRules['policy'], allowlist: string[] = []) => new EgressGuard({ policy, allowlist });
  const callWith = (egress: EgressGuard, url: string) => runHttp(runContext({ settings: { egress }, inputs: { url, method: 'GET' } }));

  it("refuses the platform's own port with a clear error, and sends nothing there", async () => {
    const egress = guarded('allow-all');
    await egress.protect('GraphQL server', server.url);
    const before = received.length;
    const failure = await failureOf(callWith(egress, `${server.url}/json`));
    const port = new URL(server.url).port;
    expect(failure.message).toBe(`could not reach GET ${server.url}/json: refused: 127.0.0.1:${port} is the platform's own GraphQL server, which project code may not call`);
    const byName = await failureOf(callWith(egress, `http://localhost:${port}/json`));
    expect(byName.message).toMatch(/refused: localhost:\d+ \((127\.0\.0\.1|::1)\) is the platform's own GraphQL server/);
    expect(received.length).toBe(before);
  });

  it('refuses a redirect to an internal address', async () => {
    const internal = await startLocalServer((_request, _body, response) => response.end('internal'));
    const redirecting = await startLocalServer((_request, _body, response) => response.writeHead(302, { location: `${internal.url}/admin` }).end());
    try {
      const egress = guarded('allow-all');
      await egress.protect('Restate admin', internal.url);
      const failure = await failureOf(callWith(egress, `${redirecting.url}/go`));
      expect(failure.message).toMatch(/refused: 127\.0\.0\.1:\d+ is the platform's own Restate admin/);
    } finally {
      await internal.close();
      await redirecting.close();
    }
  });

  it('deny-private refuses a loopback server unless it is allowlisted', async () => {
    const failure = await failureOf(callWith(guarded('deny-private'), `${server.url}/json`));
    expect(failure.message).toMatch(/refused: 127\.0\.0\.1:\d+ is a private or local address, which the egress policy deny-private refuses/);
    expect((await callWith(guarded('deny-private', ['127.0.0.1']), `${server.url}/json`)).outputs.status).toBe(200);
  });

  it('allowlist lets only the listed hosts through', async () => {
    const port = new URL(server.url).port;
    const egress = guarded('allowlist', [`localhost:${port}`]);
    expect((await callWith(egress, `http://localhost:${port}/json`)).outputs.status).toBe(200);
    expect((await failureOf(callWith(egress, `${server.url}/json`))).message).toMatch(/refused: 127\.0\.0\.1:\d+ is not in the egress allowlist/);
  });

  it('allow-all reaches any other server', async () => {
    expect((await callWith(guarded('allow-all'), `${server.url}/json`)).outputs.status).toBe(200);
  });
});

describe('Http: transient network errors', () => {
  let flaky: LocalServer;
  let connections = 0;
  let dropFirst = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    flaky = await startLocalServer((request, _body, response) => {
      seen.push(request.method!);
      response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('made it');
    });
    flaky.server.on('connection', (socket) => {
      connections += 1;
      // The other side closes before answering: what a restarting or overloaded server does.
      if (connections <= dropFirst) socket.destroy();
    });
  });

  afterAll(() => flaky.close());

  const call = (method: string, drops: number, attempts = defaultNodeSettings.httpRetries.attempts) => {
    connections = 0;
    dropFirst = drops;
    seen.length = 0;
    const settings = { httpRetries: { attempts, delayMs: 20 } };
    return runHttp(runContext({ settings, inputs: { url: `${flaky.url}/resource`, method, body: method === 'GET' || method === 'DELETE' ? null : 'data' } }));
  };

  it('retries an idempotent request whose connection was dropped, with backoff, and says how many attempts it took', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const result = await call(method, 2);
      expect(result.outputs).toMatchObject({ status: 200, body: 'made it' });
      expect(result.details?.attempts).toBe(3);
      expect(seen).toEqual([method]);
    }
  });

  it('never retries POST or PATCH, which could repeat a side effect', async () => {
    for (const method of ['POST', 'PATCH']) {
      const failure = await failureOf(call(method, 1));
      expect(failure.message).toMatch(new RegExp(`^could not reach ${method} ${flaky.url}/resource: (other side closed|.*ECONNRESET|.*socket hang up)`));
      expect(connections).toBe(1);
    }
  });

  it('gives up after the configured number of attempts', async () => {
    const failure = await failureOf(call('GET', 10, 2));
    expect(failure.message).toMatch(new RegExp(`^could not reach GET ${flaky.url}/resource: .* \\(after 2 attempts\\)$`));
    expect(connections).toBe(2);
  });
});
