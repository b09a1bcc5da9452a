import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import getPort from 'get-port';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { createProject, runProject, waitForStatus } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('cross-origin');

interface Attempts {
  create: string;
  run: string;
  createWithoutPreflight: string;
  webSocket: string;
  sse: string;
  eventSource: string;
}

/**
 * Runs in the page: everything a script of that page could try against the platform, each
 * answering what the page could see of it.
 */
async function tryEverything({ graphqlUrl, projectId, executionId }: { graphqlUrl: string; projectId: string; executionId: string }): Promise<Attempts> {
  const createQuery = 'mutation { createProject(name: "from a web page", code: "a = Text { value: \\"x\\" }") { ... on Project { id } } }';
  const post = async (query: string) => {
    try {
      const response = await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query }) });
      return `status ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      return `blocked: ${(error as Error).message}`;
    }
  };
  const create = await post(createQuery);
  const run = await post(`mutation { runProject(projectId: "${projectId}") { ... on Execution { id } } }`);
  // A "simple" request goes out without a preflight; the page cannot read the answer, but the server sees it.
  const createWithoutPreflight = await fetch(graphqlUrl, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: createQuery }) }).then(
    (response) => `sent (${response.type})`,
    (error: Error) => `blocked: ${error.message}`,
  );
  const eventsQuery = `subscription { executionEvents(executionId: "${executionId}") { seq } }`;
  const webSocket = await new Promise<string>((resolve) => {
    const socket = new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const timer = setTimeout(() => resolve('no answer in 10 s'), 10_000);
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as { type: string };
      if (data.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: eventsQuery } }));
      if (data.type === 'next') {
        clearTimeout(timer);
        resolve('received an event');
        socket.close();
      }
    };
    socket.onclose = (event) => {
      clearTimeout(timer);
      resolve(`closed ${event.code}`);
    };
  });
  const sse = await (async () => {
    try {
      const response = await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: eventsQuery }) });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 10_000;
      while (!text.includes('event: next') && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      await reader.cancel();
      return text.includes('event: next') && text.includes('"seq"') ? 'received an event' : `status ${response.status}: ${text.slice(0, 200)}`;
    } catch (error) {
      return `blocked: ${(error as Error).message}`;
    }
  })();
  const eventSource = await new Promise<string>((resolve) => {
    const source = new EventSource(`${graphqlUrl}?query=${encodeURIComponent(eventsQuery)}`);
    const timer = setTimeout(() => (source.close(), resolve('no answer in 10 s')), 10_000);
    source.addEventListener('next', (event) => {
      clearTimeout(timer);
      source.close();
      resolve(String((event as MessageEvent).data).includes('"seq"') ? 'received an event' : 'received an error');
    });
    source.onerror = () => {
      clearTimeout(timer);
      source.close();
      resolve('refused');
    };
  });
  return { create, run, createWithoutPreflight, webSocket, sse, eventSource };
}

describe('a web page of another origin in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;
  let otherSite: http.Server;
  let otherOrigin = '';
  let projectId = '';
  let executionId = '';

  const counts = async () => {
    const data = await graphqlData(platform.current.graphqlUrl, `query ($id: ID!) { projects(first: 1) { totalCount } executions(first: 1, filter: { projectId: $id }) { totalCount } }`, { id: projectId });
    return { projects: data.projects.totalCount as number, runs: data.executions.totalCount as number };
  };

  beforeAll(async () => {
    ({ browser, page } = await openDesktopPage(screenshots));
    // Another site on this machine: another port is another origin.
    const port = await getPort({ host: '127.0.0.1' });
    otherSite = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>Some other site</title><h1>Some other site</h1>');
    });
    await new Promise<void>((resolve) => otherSite.listen(port, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${port}`;
    projectId = await createProject(platform.current.graphqlUrl, 'target', 'greeting = Text { value: "hi" }');
    executionId = await runProject(platform.current.graphqlUrl, projectId);
    await waitForStatus(platform.current.graphqlUrl, executionId, ['completed']);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => otherSite?.close(resolve));
  });

  it('cannot create a project, run one, or subscribe over fetch, WebSocket or EventSource', async () => {
    const before = await counts();
    await page.goto(otherOrigin);
    const attempts = await page.evaluate(tryEverything, { graphqlUrl: platform.current.graphqlUrl, projectId, executionId });
    await page.screenshot({ path: path.join(screenshots, 'other-site.png') });
    expect(attempts).toEqual({
      create: expect.stringMatching(/^blocked/),
      run: expect.stringMatching(/^blocked/),
      createWithoutPreflight: 'sent (opaque)',
      webSocket: 'closed 1006',
      sse: expect.stringMatching(/^blocked/),
      eventSource: 'refused',
    });
    expect(await counts()).toEqual(before);
  }, 60_000);

  it('while the app\'s own origin can', async () => {
    const before = await counts();
    await page.goto(`${platform.current.url}/health`);
    const attempts = await page.evaluate(tryEverything, { graphqlUrl: platform.current.graphqlUrl, projectId, executionId });
    expect(attempts).toMatchObject({
      create: expect.stringMatching(/^status 200: \{"data":\{"createProject":\{"id":/),
      run: expect.stringMatching(/^status 200: \{"data":\{"runProject":\{"id":/),
      webSocket: 'received an event',
      sse: 'received an event',
      // EventSource cannot send the CSRF header that GET needs (see README), from any origin.
      eventSource: 'refused',
    });
    const after = await counts();
    expect(after.projects).toBe(before.projects + 1); // the simple text/plain POST is refused (415) here too
    expect(after.runs).toBe(before.runs + 1);
  }, 60_000);
});
