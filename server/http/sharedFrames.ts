import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { PushedResults } from '../graphql/sharedSubscriptionResults';
import { corkForThisTurn } from './corkForThisTurn';

/**
 * graphql-ws `next` messages written straight to the WebSocket, each result serialised once.
 *
 * graphql-ws sends a subscription's results one at a time, waiting for each write to finish,
 * and serialises every message itself: a thousand subscribers of one execution cost a
 * thousand JSON.stringify calls and a thousand socket writes per event. Subscribers with
 * identical authorisation get the very same result object for an event
 * (server/graphql/sharedSubscriptionResults.ts), so its JSON is computed once here and the
 * same bytes go to every socket between a per-subscription prefix (its id) and suffix.
 * Writes made in one turn of the event loop are corked on the TCP socket and leave in one
 * system call: several events of a busy execution reach a subscriber in one packet.
 */

const serialisedResults = new WeakMap<object, Buffer>();
const messageSuffix = Buffer.from('}');
/** Above this much unsent data on a socket, the subscription waits for it to drain (a slow client). */
const maxBufferedBytes = 1 << 20;
/**
 * A client whose socket (or SSE response) holds more than `maxUnsentBytesPerSocket` unsent for
 * longer than `tooSlowAfterMs`, or more than `hardMaxUnsentBytesPerSocket` at all, reads too slowly
 * to follow: it is closed (graphql-ws: 1013, try again later; its client reconnects and resumes
 * with afterSeq) rather than holding a growing buffer. The grace lets one large result (a big
 * node output) drain at the reader's speed without the socket being closed for it.
 */
export const maxUnsentBytesPerSocket = 16 << 20;
export const hardMaxUnsentBytesPerSocket = 64 << 20;
export const tooSlowAfterMs = 2_000;

/** Whether a consumer with `unsentBytes` waiting is too slow; `state` remembers since when it has been over the limit. */
export function readsTooSlowly(unsentBytes: number, state: { overSince?: number }): boolean {
  if (unsentBytes <= maxUnsentBytesPerSocket) {
    state.overSince = undefined;
    return false;
  }
  if (unsentBytes > hardMaxUnsentBytesPerSocket) return true;
  const now = performance.now();
  state.overSince ??= now;
  return now - state.overSince > tooSlowAfterMs;
}
export const tooSlowCloseCode = 1013;

/** The message body graphql-ws would send for `result` ({data, errors?, extensions?}), as bytes, once per result. */
export function serialisedResult(result: ExecutionResult): Buffer {
  let bytes = serialisedResults.get(result);
  if (!bytes) {
    // GraphQLError has toJSON: errors serialise as graphql-ws formats them; undefined keys are left out.
    bytes = Buffer.from(JSON.stringify(result));
    serialisedResults.set(result, bytes);
  }
  return bytes;
}

/**
 * What graphql-ws iterates in place of a subscription's results: it yields nothing itself
 * while every result of `results` is written as a `next` message for subscription `id`, and
 * it ends (graphql-ws then sends `complete`) or throws (graphql-ws sends `error`) when they
 * do. The messages are the ones graphql-ws writes, in the same order, before that end.
 * Delivery starts at the first `next()`, i.e. only once graphql-ws has registered the
 * subscription; `return()` (the client completed it, or the socket closed) stops it.
 */
export function deliveredAsFrames(
  results: AsyncIterable<ExecutionResult>,
  id: string,
  webSocket: WebSocket,
  tcpSocket: Socket | undefined,
): AsyncIterableIterator<never> {
  const source = results[Symbol.asyncIterator]();
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  let stopped = false;
  let delivery: Promise<void> | undefined;

  const deliver = async () => {
    while (true) {
      const step = await source.next();
      if (step.done || stopped || webSocket.readyState !== webSocket.OPEN) return;
      corkForThisTurn(tcpSocket);
      const message = Buffer.concat([prefix, serialisedResult(step.value), messageSuffix]);
      if (webSocket.bufferedAmount + (tcpSocket?.writableLength ?? 0) > maxBufferedBytes) {
        await new Promise<void>((resolve, reject) => webSocket.send(message, { binary: false }, (error) => (error ? reject(error) : resolve())));
      } else {
        webSocket.send(message, { binary: false });
      }
    }
  };

  const frames: AsyncIterableIterator<never> & { return(): Promise<IteratorResult<never>> } = {
    next: async () => {
      delivery ??= deliver();
      await delivery;
      return { done: true, value: undefined };
    },
    return: async () => {
      stopped = true;
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => frames,
  };
  return frames;
}

/**
 * What graphql-ws iterates in place of a pushed subscription (`executionEvents`): the
 * execution's feed calls the sink for each result, which writes it as a `next` message for
 * subscription `id` at once, with no iterator step per event; `next()` answers when the
 * subscription ends (graphql-ws then sends `complete`, or `error` if it failed). `results` is
 * the envelope's iterator of the same subscription, never iterated: returning it runs the
 * end hooks of its per-operation plugins (limits, metrics, token connections).
 */
export function pushedAsFrames(
  pushed: PushedResults,
  results: AsyncIterator<unknown>,
  id: string,
  webSocket: WebSocket,
  tcpSocket: Socket | undefined,
): AsyncIterableIterator<never> {
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  let ended: Promise<void> | undefined;
  let settle: { resolve(): void; reject(error: unknown): void } | undefined;
  let finished = false;
  const slowness: { overSince?: number } = {};
  const finish = () => {
    if (finished) return;
    finished = true;
    pushed.stop();
    void results.return?.();
  };
  const write = (result: ExecutionResult) => {
    if (webSocket.readyState !== webSocket.OPEN) return;
    if (readsTooSlowly(webSocket.bufferedAmount, slowness)) {
      finish();
      webSocket.close(tooSlowCloseCode, 'The client reads too slowly to follow this subscription: reconnect');
      return;
    }
    corkForThisTurn(tcpSocket);
    if (tcpSocket && mayWriteFramesDirectly(webSocket)) tcpSocket.write(textFrame(prefix, serialisedResult(result)));
    else webSocket.send(Buffer.concat([prefix, serialisedResult(result), messageSuffix]), { binary: false });
  };
  const frames: AsyncIterableIterator<never> & { return(): Promise<IteratorResult<never>> } = {
    next: async () => {
      ended ??= new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
        pushed.start({ next: write, complete: resolve, error: reject });
      });
      try {
        await ended;
      } finally {
        finish();
      }
      return { done: true, value: undefined };
    },
    return: async () => {
      finish();
      settle?.resolve();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => frames,
  };
  return frames;
}

/**
 * Whether a frame may go straight to the TCP socket, as ws itself would write it: the socket is
 * open, uncompressed (the server enables no permessage-deflate), and ws has nothing queued (it
 * queues only while compressing or reading a Blob). It saves ws's framing work per message.
 */
function mayWriteFramesDirectly(webSocket: WebSocket): boolean {
  const internals = webSocket as unknown as { _sender?: { _state?: number; _queue?: unknown[] }; _extensions?: Record<string, unknown> };
  const sender = internals._sender;
  return webSocket.readyState === webSocket.OPEN && sender?._state === 0 && sender._queue?.length === 0 && Object.keys(internals._extensions ?? {}).length === 0;
}

/** The WebSocket text frame (final, unmasked: server to client) of `prefix` + `body` + `}`, header and message in one buffer. */
export function textFrame(prefix: Buffer, body: Buffer): Buffer {
  const length = prefix.length + body.length + messageSuffix.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  prefix.copy(frame, headerLength);
  body.copy(frame, headerLength + prefix.length);
  messageSuffix.copy(frame, headerLength + prefix.length + body.length);
  return frame;
}
