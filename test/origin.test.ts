import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { createProject, readExample } from './support/executions';
import { graphqlData } from './support/graphql';
import { activateTriggers } from './support/triggers';
import { usePlatform } from './support/usePlatform';

/**
 * No web page but the app's own (and the configured ALLOWED_ORIGINS) may drive the server, and only
 * requests for one of its names (loopback, HOST, ALLOWED_HOSTS) are served, which stops DNS rebinding.
 * Clients that are not browsers send no Origin and keep working: curl, the CLI, webhook senders.
 */
const dashboard = 'http://dashboard.example:8080';
const evil = 'http://evil.example';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http, because fetch does not let a test choose the Host header. */
function request(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    sent.on('error', reject);
    sent.end(options.body);
  });
}

function graphql(port: number, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  return request(port, { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query }) });
}

/** The status a WebSocket handshake gets: 101 when it opens, else the HTTP status of the refusal. */
function handshake(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', options);
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', (error) => reject(error));
  });
}

describe('origins and host names', () => {
  const platform = usePlatform({ env: { ALLOWED_ORIGINS: dashboard, ALLOWED_HOSTS: 'weft.example', LOG_LEVEL: 'warn' } });
  const port = () => Number(new URL(platform.current.url).port);
  const own = () => `http://127.0.0.1:${port()}`;
  const projectCount = async () => (await graphqlData(platform.current.graphqlUrl, '{ projects(first: 1) { totalCount } }')).projects.totalCount as number;
  const createMutation = 'mutation { createProject(name: "from a page", code: "a = Text { value: \\"x\\" }") { ... on Project { id } } }';

  it('serves only the names it answers to (loopback, HOST, ALLOWED_HOSTS), with any port', async () => {
    for (const host of [`127.0.0.1:${port()}`, 'localhost', `localhost:${port()}`, '[::1]:4000', 'weft.example', 'WEFT.example.:443'])
      expect([host, (await request(port(), { path: '/health', headers: { host } })).status]).toEqual([host, 200]);
    // DNS rebinding: an attacker's name that resolves to this machine.
    for (const host of ['evil.example', `evil.example:${port()}`, 'weft.example.evil.example', '10.0.0.1']) {
      for (const [method, target] of [['GET', '/health'], ['GET', '/'], ['POST', '/graphql'], ['POST', '/webhooks/00000000-0000-4000-8000-000000000000'], ['GET', '/metrics']] as const) {
        const answer = await request(port(), { method, path: target, headers: { host, 'content-type': 'application/json' }, body: method === 'POST' ? JSON.stringify({ query: createMutation }) : undefined });
        expect([host, method, target, answer.status]).toEqual([host, method, target, 403]);
        expect(answer.body).toContain('ALLOWED_HOSTS');
      }
      expect([host, await handshake(`ws://127.0.0.1:${port()}/graphql`, { headers: { host } })]).toEqual([host, 403]);
    }
  });

  it('refuses GraphQL over HTTP from a page of another origin, and runs it for its own page, configured origins and non-browser clients', async () => {
    const before = await projectCount();
    for (const origin of [evil, 'null', 'http://localhost:1', `http://127.0.0.1:${port() + 1}`, 'https://dashboard.example:8080']) {
      const answer = await graphql(port(), createMutation, { origin });
      expect([origin, answer.status]).toEqual([origin, 403]);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
      const query = await request(port(), { path: `/graphql?query=${encodeURIComponent('{ projects { totalCount } }')}`, headers: { origin, 'x-graphql-csrf': '1', accept: 'application/json' } });
      expect([origin, 'GET', query.status]).toEqual([origin, 'GET', 403]);
      const preflight = await request(port(), { method: 'OPTIONS', path: '/graphql', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      expect([origin, 'OPTIONS', preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([origin, 'OPTIONS', 403, undefined]);
    }
    expect(await projectCount()).toBe(before);

    const ownPage = await graphql(port(), createMutation, { origin: own() });
    expect(ownPage.status).toBe(200);
    expect(ownPage.headers['access-control-allow-origin']).toBeUndefined(); // same origin: no CORS needed
    const noOrigin = await graphql(port(), createMutation);
    expect(noOrigin.status).toBe(200);
    const configured = await graphql(port(), createMutation, { origin: dashboard });
    expect(configured.status).toBe(200);
    expect(configured.headers['access-control-allow-origin']).toBe(dashboard);
    expect(configured.headers['access-control-allow-credentials']).toBe('true');
    const preflight = await request(port(), { method: 'OPTIONS', path: '/graphql', headers: { origin: dashboard, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(dashboard);
    expect(await projectCount()).toBe(before + 3);
  });

  it('refuses graphql-ws connections and SSE streams from a page of another origin', async () => {
    const wsUrl = `ws://127.0.0.1:${port()}/graphql`;
    expect(await handshake(wsUrl, { origin: evil })).toBe(403);
    expect(await handshake(wsUrl, { origin: 'null' })).toBe(403);
    expect(await handshake(wsUrl, { origin: own() })).toBe(101);
    expect(await handshake(wsUrl, { origin: dashboard })).toBe(101);
    expect(await handshake(wsUrl)).toBe(101);

    const sse = (origin?: string) => {
      const controller = new AbortController();
      return new Promise<number>((resolve, reject) => {
        const sent = http.request({ host: '127.0.0.1', port: port(), method: 'POST', path: '/graphql', signal: controller.signal,
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(origin ? { origin } : {}) } }, (response) => {
          resolve(response.statusCode ?? 0);
          controller.abort();
        });
        sent.on('error', (error) => (error.name === 'AbortError' ? undefined : reject(error)));
        sent.end(JSON.stringify({ query: 'subscription { executionsFeed { seq } }' }));
      });
    };
    expect(await sse(evil)).toBe(403);
    expect(await sse(own())).toBe(200);
    expect(await sse()).toBe(200);
  });

  it('keeps webhooks working for senders without an Origin, and refuses a page of another origin', async () => {
    const projectId = await createProject(platform.current.graphqlUrl, 'webhook', await readExample('webhook'));
    const [hook] = (await activateTriggers(platform.current.graphqlUrl, projectId)).triggers!;
    const post = (headers: Record<string, string>) =>
      request(port(), { method: 'POST', path: hook!.webhookPath!, headers: { 'content-type': 'application/json', 'x-api-key': 'change-me', ...headers }, body: JSON.stringify({ city: 'Oslo', degrees: 1 }) });
    expect((await post({ host: 'weft.example' })).status).toBe(202);
    expect((await post({ host: `127.0.0.1:${port()}` })).status).toBe(202);
    expect((await post({ origin: evil })).status).toBe(403);
  });

  it('sends a Content-Security-Policy without framing, nosniff and no referrer on the SPA, GraphiQL and the API', async () => {
    const pages = [
      await request(port(), { path: '/' }),
      await request(port(), { path: '/executions' }),
      await request(port(), { path: '/graphql', headers: { accept: 'text/html' } }),
      await graphql(port(), '{ __typename }'),
    ];
    for (const page of pages) {
      const policy = String(page.headers['content-security-policy']);
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("default-src 'self'");
      expect(policy).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|https?:)/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
    const graphiql = pages[2]!;
    expect(graphiql.body).toContain('Weftworks GraphQL');
    expect(graphiql.body).not.toMatch(/(src|href)="?https?:/); // nothing from a CDN
    const scripts = [...graphiql.body.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const asset = await request(port(), { path: script });
      expect([script, asset.status, asset.headers['content-type']]).toEqual([script, 200, 'text/javascript; charset=utf-8']);
    }
  });

  it('does not publish the SPA\'s source maps unless PUBLIC_SOURCE_MAPS is set', async () => {
    const assets = path.join(import.meta.dirname, '..', 'web', 'dist', 'assets');
    if (!existsSync(assets)) throw new Error('web/dist is missing: run `npm run build` first (npm test does)');
    const map = readdirSync(assets).find((file) => file.endsWith('.js.map'));
    expect(map).toBeDefined();
    expect((await request(port(), { path: `/assets/${map!.replace(/\.map$/, '')}` })).status).toBe(200);
    expect((await request(port(), { path: `/assets/${map}` })).status).toBe(404);
  });
});

describe('source maps when PUBLIC_SOURCE_MAPS is set', () => {
  const platform = usePlatform({ env: { PUBLIC_SOURCE_MAPS: 'true', LOG_LEVEL: 'warn' } });

  it('serves them', async () => {
    const assets = path.join(import.meta.dirname, '..', 'web', 'dist', 'assets');
    const map = readdirSync(assets).find((file) => file.endsWith('.js.map'));
    const answer = await request(Number(new URL(platform.current.url).port), { path: `/assets/${map}` });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ version: 3 });
  });
});
