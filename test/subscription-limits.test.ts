import net from 'node:net';
import { describe, expect, it, beforeAll } from '@jest/globals';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { graphqlPost } from './support/graphql';
import { usePlatform } from './support/usePlatform';

/**
 * SUBSCRIPTIONS_PER_CONNECTION and SUBSCRIPTIONS_PER_CALLER: one subscription beyond either gets a
 * TOO_MANY_SUBSCRIPTIONS error of its own; the connection stays up, its other subscriptions go on, and
 * a slot freed by a completed subscription or a closed connection can be used again.
 */
const adminToken = 'subscription-limits-admin-token-0123456789';
const feed = 'subscription { executionsFeed { seq } }';

interface Message { id?: string; type: string; payload?: { errors?: { message: string; extensions?: { code?: string } }[] } | { message: string; extensions?: { code?: string } }[] }

/** graphql-ws spoken by hand, to see each operation's answer and the socket's state. */
async function connect(wsUrl: string, token: string) {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: Message[] = [];
  const closes: number[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  socket.on('close', (code) => closes.push(code));
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
  await waitFor(() => messages.some((m) => m.type === 'connection_ack'));
  const errorsOf = (id: string) =>
    messages
      .filter((m) => m.id === id && (m.type === 'error' || m.type === 'next'))
      .flatMap((m) => (Array.isArray(m.payload) ? m.payload : (m.payload?.errors ?? [])));
  return {
    socket,
    closes,
    subscribe: (id: string, query = feed, variables?: Record<string, unknown>) => socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })),
    nextsOf: (id: string) => messages.filter((m) => m.id === id && m.type === 'next').length,
    complete: (id: string) => socket.send(JSON.stringify({ id, type: 'complete' })),
    errorsOf,
    refused: (id: string) => errorsOf(id).some((error) => error.extensions?.code === 'TOO_MANY_SUBSCRIPTIONS'),
    close: () => socket.close(1000),
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('subscription limits', () => {
  const platform = usePlatform({ env: { AUTH: 'on', ADMIN_TOKEN: adminToken, SUBSCRIPTIONS_PER_CONNECTION: '3', SUBSCRIPTIONS_PER_CALLER: '5', LOG_LEVEL: 'warn' } });
  const tokens: Record<'a' | 'b', string> = { a: '', b: '' };
  const wsUrl = () => platform.current.graphqlUrl.replace(/^http/, 'ws');
  const active = async () => {
    const text = await (await fetch(`${platform.current.url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
    return Number(/^weft_graphql_active_subscriptions (\d+)/m.exec(text)?.[1]);
  };
  /** The answer of an SSE subscription: its first event, or 'streaming' when it has started and goes on. */
  const sse = async (token: string, controller: AbortController, request: { query: string; variables?: Record<string, unknown> } = { query: feed }) => {
    const response = await fetch(platform.current.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify(request),
      signal: controller.signal,
    });
    return response;
  };

  beforeAll(async () => {
    for (const name of ['a', 'b'] as const) {
      const { body } = await graphqlPost(platform.current.graphqlUrl, `mutation { createApiToken(name: "${name}", scopes: [read]) { secret } }`, {}, { authorization: `Bearer ${adminToken}` });
      tokens[name] = body.data!.createApiToken.secret;
    }
  });

  it('refuses the subscription beyond SUBSCRIPTIONS_PER_CONNECTION with its own error and keeps the connection and its other subscriptions', async () => {
    const first = await connect(wsUrl(), tokens.a);
    for (const id of ['s1', 's2', 's3', 's4']) first.subscribe(id);
    await waitFor(() => first.errorsOf('s4').length > 0);
    expect(first.refused('s4')).toBe(true);
    expect(first.errorsOf('s4')[0]!.message).toContain('SUBSCRIPTIONS_PER_CONNECTION');
    await waitFor(async () => (await active()) === 3);
    expect(['s1', 's2', 's3'].flatMap(first.errorsOf)).toEqual([]);
    expect(first.socket.readyState).toBe(WebSocket.OPEN);

    // A completed subscription frees its slot.
    first.complete('s1');
    await waitFor(async () => (await active()) === 2);
    first.subscribe('s5');
    await waitFor(async () => (await active()) === 3);
    expect(first.errorsOf('s5')).toEqual([]);

    // A burst of subscribe messages cannot pass the check together.
    const burst = await connect(wsUrl(), tokens.b);
    const ids = Array.from({ length: 12 }, (_, i) => `b${i}`);
    for (const id of ids) burst.subscribe(id);
    await waitFor(() => ids.filter(burst.refused).length === 9);
    await waitFor(async () => (await active()) === 6);
    expect(ids.filter((id) => burst.errorsOf(id).length === 0)).toHaveLength(3);
    expect([first.socket.readyState, burst.socket.readyState, first.closes, burst.closes]).toEqual([WebSocket.OPEN, WebSocket.OPEN, [], []]);
    first.close();
    burst.close();
    await waitFor(async () => (await active()) === 0);
  });

  it('refuses the subscription beyond SUBSCRIPTIONS_PER_CALLER over every connection and SSE, and lets other callers subscribe', async () => {
    const one = await connect(wsUrl(), tokens.a);
    const two = await connect(wsUrl(), tokens.a);
    for (const id of ['x1', 'x2', 'x3']) one.subscribe(id);
    await waitFor(async () => (await active()) === 3);
    for (const id of ['y1', 'y2', 'y3']) two.subscribe(id);
    await waitFor(() => two.errorsOf('y3').length > 0);
    expect(two.refused('y3')).toBe(true);
    expect(two.errorsOf('y3')[0]!.message).toContain('SUBSCRIPTIONS_PER_CALLER');
    await waitFor(async () => (await active()) === 5);

    // The same caller over SSE is refused too, with a coded error in the stream, which ends.
    const refused = await sse(tokens.a, new AbortController());
    const text = await refused.text();
    expect(text).toContain('TOO_MANY_SUBSCRIPTIONS');
    expect(text).toMatch(/^event: complete$/m);

    // Another caller is not held back.
    const other = await connect(wsUrl(), tokens.b);
    other.subscribe('z1');
    const otherStream = new AbortController();
    const streaming = await sse(tokens.b, otherStream);
    expect(streaming.status).toBe(200);
    await waitFor(async () => (await active()) === 7);
    expect(other.errorsOf('z1')).toEqual([]);

    // Closing a connection gives its caller's slots back.
    one.close();
    await waitFor(async () => (await active()) === 4);
    const controller = new AbortController();
    const accepted = await sse(tokens.a, controller);
    await waitFor(async () => (await active()) === 5);
    controller.abort();
    await accepted.text().catch(() => undefined);
    otherStream.abort();
    await streaming.text().catch(() => undefined);
    expect([two.socket.readyState, other.socket.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
    two.close();
    other.close();
    await waitFor(async () => (await active()) === 0);
  });
  it("counts graphql-sse's single-connection mode as one connection: no reservation is served, and streams of one stream token share SUBSCRIPTIONS_PER_CONNECTION", async () => {
    // That mode reserves one stream (PUT) and then runs every operation on it, where only the
    // per-caller count would see them; the server does not offer it: the reservation is refused.
    const headers = { authorization: `Bearer ${tokens.a}`, 'x-graphql-csrf': '1' };
    const reservation = await fetch(platform.current.graphqlUrl, { method: 'PUT', headers });
    expect(reservation.status).toBe(405);
    await reservation.text();

    const client = createSseClient({ url: platform.current.graphqlUrl, singleConnection: true, retryAttempts: 0, headers });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      client.subscribe({ query: feed }, {
        next: () => outcomes.push('next'),
        error: (error) => outcomes.push(`error: ${(error as Error).message}`),
        complete: () => outcomes.push('complete'),
      });
    }
    await waitFor(() => outcomes.length === 6);
    client.dispose();
    expect(outcomes).toEqual(Array.from({ length: 6 }, () => expect.stringContaining('405')));
    expect(await active()).toBe(0);

    // Streams sent with one stream token (how that mode names its connection) count as one connection.
    const withToken = (token: string, controller: AbortController) =>
      fetch(platform.current.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tokens.a}`, 'x-graphql-event-stream-token': token },
        body: JSON.stringify({ query: feed }),
        signal: controller.signal,
      });
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    const streams = await Promise.all(controllers.slice(0, 3).map((controller) => withToken('one-stream', controller)));
    await waitFor(async () => (await active()) === 3);
    const beyond = await (await withToken('one-stream', new AbortController())).text();
    expect(beyond).toContain('TOO_MANY_SUBSCRIPTIONS');
    expect(beyond).toContain('SUBSCRIPTIONS_PER_CONNECTION');
    streams.push(await withToken('another-stream', controllers[3]!));
    await waitFor(async () => (await active()) === 4);
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200, 200]);
    for (const controller of controllers) controller.abort();
    await Promise.all(streams.map((stream) => stream.text().catch(() => undefined)));
    await waitFor(async () => (await active()) === 0);
  });

  it('gives back the slots of executionEvents subscriptions (pushed by the execution\'s feed) when one is completed, its socket closes or its SSE stream is aborted mid-stream', async () => {
    const admin = { authorization: `Bearer ${adminToken}` };
    const waiting = 'greeting = Text { value: "hi" }\nreview = HumanQuery {\n  title: "Go on?"\n  fields: [{"fieldType": "approve_reject", "key": "decision"}]\n}\nreview.context = greeting.value\n';
    const { body: created } = await graphqlPost(platform.current.graphqlUrl, `mutation ($code: String!) { createProject(name: "waits", code: $code) { ... on Project { id } } }`, { code: waiting }, admin);
    const { body: run } = await graphqlPost(platform.current.graphqlUrl, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: created.data!.createProject.id }, admin);
    const executionId = run.data!.runProject.id as string;
    const events = 'subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }';
    const socket = await connect(wsUrl(), tokens.a);
    socket.subscribe('e1', events, { id: executionId });
    socket.subscribe('e2', events, { id: executionId });
    const stream = new AbortController();
    const streaming = await sse(tokens.a, stream, { query: events, variables: { id: executionId } });
    expect(streaming.status).toBe(200);
    await waitFor(() => socket.nextsOf('e1') > 0 && socket.nextsOf('e2') > 0);
    await waitFor(async () => (await active()) === 3);
    socket.complete('e1');
    await waitFor(async () => (await active()) === 2);
    socket.close();
    await waitFor(async () => (await active()) === 1);
    stream.abort();
    await streaming.text().catch(() => undefined);
    await waitFor(async () => (await active()) === 0);
    // The slots are free: three more subscriptions of this caller are accepted.
    const again = await connect(wsUrl(), tokens.a);
    for (const id of ['f1', 'f2', 'f3']) again.subscribe(id, events, { id: executionId });
    await waitFor(() => ['f1', 'f2', 'f3'].every((id) => again.nextsOf(id) > 0));
    expect(['f1', 'f2', 'f3'].flatMap(again.errorsOf)).toEqual([]);
    again.close();
    await waitFor(async () => (await active()) === 0);
  }, 60_000);

  it('gives back the slot of a subscription whose client is gone as soon as it has sent it, over SSE and graphql-ws', async () => {
    const admin = { authorization: `Bearer ${adminToken}` };
    const { body: created } = await graphqlPost(platform.current.graphqlUrl, `mutation ($code: String!) { createProject(name: "gone", code: $code) { ... on Project { id } } }`, { code: 'greeting = Text { value: "hi" }' }, admin);
    const { body: run } = await graphqlPost(platform.current.graphqlUrl, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: created.data!.createProject.id }, admin);
    const request = { query: 'subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }', variables: { id: run.data!.runProject.id } };
    const { hostname, port, host } = new URL(platform.current.graphqlUrl);
    // Our SSE writer serves executionEvents; yoga's own serves the feeds.
    const requests: { query: string; variables?: Record<string, unknown> }[] = [
      request,
      { query: 'subscription { executionsFeed { seq } }' },
      { query: 'subscription { humanTaskEvents { id } }' },
    ];
    for (const sent of requests) {
      const body = JSON.stringify(sent);
      // More than SUBSCRIPTIONS_PER_CALLER (5), each closed as soon as it is sent: while the
      // subscription is still being set up (its first read), before any answer.
      for (let i = 0; i < 8; i++) {
        await new Promise<void>((resolve, reject) => {
          const socket = net.connect(Number(port), hostname, () => {
            socket.write(
              `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n` +
                `Authorization: Bearer ${tokens.a}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
              () => {
                socket.destroy();
                resolve();
              },
            );
          });
          socket.on('error', reject);
        });
      }
      await waitFor(async () => (await active()) === 0);
      // The same over graphql-ws: sockets closed right after their subscribe message.
      for (let i = 0; i < 8; i++) {
        const gone = await connect(wsUrl(), tokens.a);
        gone.subscribe('g', sent.query, sent.variables);
        gone.socket.terminate();
      }
      await waitFor(async () => (await active()) === 0);
    }
    const controller = new AbortController();
    const accepted = await sse(tokens.a, controller, request);
    const reader = accepted.body!.getReader();
    let text = '';
    while (!text.includes('event: next')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"seq":1');
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await waitFor(async () => (await active()) === 0);
  }, 60_000);
});
