import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import WebSocket, { WebSocketServer } from 'ws';
import { LiveQueue } from '../events/liveQueue';
import type { PushedResults, ResultSink } from '../graphql/sharedSubscriptionResults';
import { deliveredAsFrames, hardMaxUnsentBytesPerSocket, maxUnsentBytesPerSocket, pushedAsFrames, readsTooSlowly, serialisedResult, tooSlowAfterMs, tooSlowCloseCode } from './sharedFrames';

/** A real WebSocket pair on loopback: the server side (with its TCP socket) and a client that records every message. */
async function connectedPair() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const accepted = new Promise<{ webSocket: WebSocket; tcp: Socket }>((resolve) =>
    server.once('connection', (webSocket, request) => resolve({ webSocket, tcp: request.socket as Socket })),
  );
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const messages: string[] = [];
  client.on('message', (data, isBinary) => {
    expect(isBinary).toBe(false);
    messages.push(String(data));
  });
  await new Promise<void>((resolve) => client.once('open', () => resolve()));
  const { webSocket, tcp } = await accepted;
  const close = async () => {
    client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { webSocket, tcp, client, messages, close };
}

/** Results pushed by hand, as an execution's feed pushes them. */
function pushedByHand() {
  let sink: ResultSink | undefined;
  let stopped = false;
  const pushed: PushedResults = {
    start: (target) => (sink = target),
    stop: () => (stopped = true),
  };
  return { pushed, sink: () => sink!, stopped: () => stopped };
}

/** The envelope's iterator of a subscription: only its return() matters (the plugins' end hooks). */
function envelope() {
  let returned = 0;
  const iterator: AsyncIterator<unknown> = {
    next: async () => ({ done: true, value: undefined }),
    return: async () => {
      returned++;
      return { done: true, value: undefined };
    },
  };
  return { iterator, returned: () => returned };
}

const until = async (check: () => boolean) => {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('subscription results written as graphql-ws frames', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it('writes each result as the next message graphql-ws would send, in order, then ends with the results', async () => {
    const pair = await connectedPair();
    closing.push(pair.close);
    async function* results(): AsyncGenerator<ExecutionResult> {
      yield { data: { executionEvents: { seq: 1 } } };
      yield { data: { executionEvents: { seq: 2 } }, errors: [new GraphQLError('half', { extensions: { code: 'X' } })] };
      yield { data: { executionEvents: { seq: 3 } } };
    }
    const frames = deliveredAsFrames(results(), 'sub "1"', pair.webSocket, pair.tcp);
    expect(await frames.next()).toEqual({ done: true, value: undefined });
    await until(() => pair.messages.length === 3);
    const parsed = pair.messages.map((message) => JSON.parse(message));
    expect(parsed.map((message) => [message.id, message.type, message.payload.data.executionEvents.seq])).toEqual([
      ['sub "1"', 'next', 1],
      ['sub "1"', 'next', 2],
      ['sub "1"', 'next', 3],
    ]);
    expect(parsed[0].payload).not.toHaveProperty('errors');
    expect(parsed[1].payload.errors).toEqual([{ message: 'half', extensions: { code: 'X' } }]);
  });

  it('serialises a result shared by many subscribers once and sends each its own id with the same payload', async () => {
    const pairs = await Promise.all([connectedPair(), connectedPair(), connectedPair()]);
    closing.push(...pairs.map((pair) => pair.close));
    const shared: ExecutionResult = { data: { executionEvents: { seq: 7, kind: 'nodeRun' } } };
    const queues = pairs.map(() => new LiveQueue<ExecutionResult>(() => undefined));
    const deliveries = pairs.map((pair, index) => deliveredAsFrames(queues[index]!, `s${index}`, pair.webSocket, pair.tcp).next());
    for (const queue of queues) queue.push(shared);
    await Promise.all(pairs.map((pair) => until(() => pair.messages.length === 1)));
    expect(pairs.map((pair) => pair.messages[0])).toEqual(
      pairs.map((_pair, index) => `{"id":"s${index}","type":"next","payload":{"data":{"executionEvents":{"seq":7,"kind":"nodeRun"}}}}`),
    );
    expect(serialisedResult(shared)).toBe(serialisedResult(shared));
    for (const queue of queues) void queue.return();
    await Promise.all(deliveries);
  });

  it('stops and ends its results when graphql-ws returns it (the client completed or the socket closed)', async () => {
    const pair = await connectedPair();
    closing.push(pair.close);
    let ended = false;
    const queue = new LiveQueue<ExecutionResult>(() => (ended = true));
    const frames = deliveredAsFrames(queue, 'a', pair.webSocket, pair.tcp);
    const delivery = frames.next();
    queue.push({ data: { n: 1 } });
    await until(() => pair.messages.length === 1);
    await frames.return!();
    expect(ended).toBe(true);
    expect(await delivery).toEqual({ done: true, value: undefined });
    queue.push({ data: { n: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pair.messages).toHaveLength(1);
  });

  it('passes a failure of its results on, for graphql-ws to send as the error message', async () => {
    const pair = await connectedPair();
    closing.push(pair.close);
    async function* failing(): AsyncGenerator<ExecutionResult> {
      yield { data: { n: 1 } };
      throw new Error('the hub went away');
    }
    await expect(deliveredAsFrames(failing(), 'a', pair.webSocket, pair.tcp).next()).rejects.toThrow('the hub went away');
    await until(() => pair.messages.length === 1);
  });

  it('writes pushed results as next messages at once, in order, and ends (with the end hooks) when they complete', async () => {
    const pair = await connectedPair();
    closing.push(pair.close);
    const source = pushedByHand();
    const hooks = envelope();
    const frames = pushedAsFrames(source.pushed, hooks.iterator, 'p1', pair.webSocket, pair.tcp);
    const delivery = frames.next();
    // Short, medium (16-bit length) and long (64-bit length) frames.
    const outputs = ['', 'm'.repeat(300), 'l'.repeat(70_000)];
    for (const seq of [1, 2, 3]) source.sink().next({ data: { executionEvents: { seq, output: outputs[seq - 1] } } });
    await until(() => pair.messages.length === 3);
    expect(pair.messages.map((message) => JSON.parse(message).payload.data.executionEvents.seq)).toEqual([1, 2, 3]);
    expect(pair.messages.map((message) => JSON.parse(message).payload.data.executionEvents.output)).toEqual(outputs);
    expect(JSON.parse(pair.messages[0]!).id).toBe('p1');
    source.sink().complete();
    expect(await delivery).toEqual({ done: true, value: undefined });
    expect(source.stopped()).toBe(true);
    expect(hooks.returned()).toBe(1);
  });

  it('stops pushing when graphql-ws returns it, and passes a failure on as the error message', async () => {
    const pair = await connectedPair();
    closing.push(pair.close);
    const source = pushedByHand();
    const hooks = envelope();
    const frames = pushedAsFrames(source.pushed, hooks.iterator, 'p2', pair.webSocket, pair.tcp);
    const delivery = frames.next();
    await frames.return!();
    expect(await delivery).toEqual({ done: true, value: undefined });
    expect(source.stopped()).toBe(true);
    expect(hooks.returned()).toBe(1);

    const failing = pushedByHand();
    const failed = pushedAsFrames(failing.pushed, envelope().iterator, 'p3', pair.webSocket, pair.tcp).next();
    failing.sink().error(new Error('storage is gone'));
    await expect(failed).rejects.toThrow('storage is gone');
    expect(failing.stopped()).toBe(true);
  });

  it('closes the socket of a client that does not read (1013) instead of buffering without bound, and stops its results', async () => {
    const pair = await connectedPair();
    closing.push(pair.close);
    const closed = new Promise<number>((resolve) => pair.client.once('close', (code) => resolve(code)));
    (pair.client as unknown as { _socket: Socket })._socket.pause();
    const source = pushedByHand();
    const hooks = envelope();
    const frames = pushedAsFrames(source.pushed, hooks.iterator, 'slow', pair.webSocket, pair.tcp);
    const delivery = frames.next();
    const big: ExecutionResult = { data: { output: 'x'.repeat(1 << 20) } };
    // Over the limit for longer than the grace a large result gets (or far over it): closed.
    for (let sent = 0; !source.stopped() && sent < 2 * (hardMaxUnsentBytesPerSocket >> 20); sent++) {
      source.sink().next(big);
      await new Promise((resolve) => setTimeout(resolve, sent < maxUnsentBytesPerSocket >> 20 ? 0 : tooSlowAfterMs / 10));
    }
    expect(source.stopped()).toBe(true);
    expect(hooks.returned()).toBe(1);
    (pair.client as unknown as { _socket: Socket })._socket.resume();
    expect(await closed).toBe(tooSlowCloseCode);
    // graphql-ws returns every subscription of a socket that closed.
    await frames.return!();
    expect(await delivery).toEqual({ done: true, value: undefined });
  });

  it('lets one large result drain at the reader\'s speed, and calls a consumer too slow only after a grace or far over the limit', () => {
    const state: { overSince?: number } = {};
    expect(readsTooSlowly(maxUnsentBytesPerSocket, state)).toBe(false);
    expect(readsTooSlowly(maxUnsentBytesPerSocket + 1, state)).toBe(false);
    expect(state.overSince).toBeDefined();
    state.overSince! -= tooSlowAfterMs + 1;
    expect(readsTooSlowly(maxUnsentBytesPerSocket + 1, state)).toBe(true);
    expect(readsTooSlowly(1, state)).toBe(false);
    expect(state.overSince).toBeUndefined();
    expect(readsTooSlowly(hardMaxUnsentBytesPerSocket + 1, state)).toBe(true);
  });
});
