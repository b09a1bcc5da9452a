import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { pushedResultsOf } from '../graphql/sharedSubscriptionResults';
import { readsTooSlowly } from './sharedFrames';
import { corkForThisTurn } from './corkForThisTurn';

/**
 * GraphQL over SSE (distinct connections) for pushed subscriptions (`executionEvents`),
 * written straight to the HTTP response.
 *
 * Yoga's own SSE writer pulls each result through the envelope's iterators and a web
 * ReadableStream and serialises it per subscriber. Here the execution's feed pushes each
 * result, whose `event: next` frame is the same bytes for every SSE subscriber and so is
 * built once per shared result, as a ready-made HTTP chunk written straight to the socket;
 * writes of one turn of the event loop are corked into one system call per response. The
 * stream is the one yoga writes: a first `:` comment, a `:` comment every `pingIntervalMs`,
 * `event: next` per result, `event: complete` at the end. A client that reads too slowly
 * (`readsTooSlowly`, as for WebSockets) gets an error result (SUBSCRIBER_TOO_SLOW) and the end
 * of the stream.
 */
export function useSseFrames(options: { pingIntervalMs?: number } = {}): Plugin {
  const pingIntervalMs = options.pingIntervalMs ?? 12_000;
  return {
    onResultProcess({ request, result, serverContext, setResultProcessor }) {
      if (!isAsyncIterable(result)) return;
      const response = (serverContext as { res?: ServerResponse }).res;
      if (!response) return;
      const results = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      const pushed = pushedResultsOf(request);
      if (!pushed || !request.headers.get('accept')?.includes('text/event-stream')) {
        // Yoga's own stream (executionsFeed, humanTaskEvents): its server adapter writes nothing to a
        // response whose client left while the subscription was set up, and so never cancels the
        // stream, which held the subscription (its caller's slot, its place in the hub) for ever.
        whenGone(response, () => void results.return?.());
        return;
      }
      setResultProcessor((_result, fetchAPI) => {
        let finished = false;
        const slowness: { overSince?: number } = {};
        let ping: NodeJS.Timeout | undefined;
        let endStream: (() => void) | undefined;
        const finish = () => {
          if (finished) return;
          finished = true;
          clearInterval(ping);
          pushed.stop();
          void results.return?.();
          endStream?.();
        };
        whenGone(response, finish);
        const writeFrame = (frame: Frame) => {
          const socket = response.socket;
          if (socket && writesChunksToSocket(response, socket)) {
            corkForThisTurn(socket);
            socket.write(frame.chunk);
          } else {
            corkForThisTurn(response);
            response.write(frame.bytes);
          }
        };
        /** The last frames: an error result first, when there is one, then `complete`. */
        const end = (error?: { message: string; extensions?: object }) => {
          if (error) writeFrame(frameOf(`event: next\ndata: ${JSON.stringify({ errors: [error] })}\n\n`));
          writeFrame(completeFrame);
          finish();
        };
        const body = new fetchAPI.ReadableStream<Uint8Array>({
          // Called once; the frames go to the response directly, and the stream closes (yoga
          // ends the response) when the subscription ends.
          pull(controller) {
            return new Promise<void>((resolve) => {
              endStream = () => {
                controller.close();
                resolve();
              };
              if (finished) return endStream();
              const begin = () => {
                if (finished) return;
                if (!response.headersSent) return void setImmediate(begin);
                // Through the response, which sends its head with these first bytes (some browsers
                // show nothing of a stream until then); the frames after may go to the socket.
                response.write(pingFrame.bytes);
                ping = setInterval(() => writeFrame(pingFrame), pingIntervalMs);
                pushed.start({
                  next: (next) => {
                    if (finished) return;
                    if (readsTooSlowly(response.writableLength, slowness)) return end({ message: tooSlowMessage, extensions: { code: 'SUBSCRIBER_TOO_SLOW' } });
                    writeFrame(nextFrame(next));
                  },
                  complete: () => {
                    if (!finished) end();
                  },
                  error: (error) => {
                    if (!finished) end({ message: error instanceof Error ? error.message : String(error) });
                  },
                });
              };
              begin();
            });
          },
          cancel: finish,
        });
        return new fetchAPI.Response(body, {
          status: 200,
          headers: { 'Content-Type': 'text/event-stream', Connection: 'keep-alive', 'Cache-Control': 'no-cache', 'Content-Encoding': 'none' },
        });
      }, 'text/event-stream');
    },
  };
}

/**
 * Calls `gone` when the response's client has gone — at once if it went while the subscription was
 * set up: its 'close' has passed then, and no one will read the body.
 */
function whenGone(response: ServerResponse, gone: () => void): void {
  if (response.destroyed) gone();
  else response.once('close', gone);
}

const tooSlowMessage = 'The client reads too slowly to follow this subscription: subscribe again with afterSeq';
/** An SSE frame's bytes, and the same as one chunk of a chunked HTTP/1.1 body (its length in hex, CRLF, the bytes, CRLF). */
interface Frame {
  bytes: Buffer;
  chunk: Buffer;
}

const crlf = Buffer.from('\r\n');

function frameOf(text: string): Frame {
  const bytes = Buffer.from(text);
  return { bytes, chunk: Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, crlf]) };
}

const completeFrame = frameOf('event: complete\ndata:\n\n');
const pingFrame = frameOf(':\n\n');
const nextFrames = new WeakMap<ExecutionResult, Frame>();

/** `event: next` with the result as its data, built once per result (results are shared). */
function nextFrame(result: ExecutionResult): Frame {
  let frame = nextFrames.get(result);
  if (!frame) nextFrames.set(result, (frame = frameOf(`event: next\ndata: ${JSON.stringify(result)}\n\n`)));
  return frame;
}

/**
 * Whether a frame may go to the response's socket as a ready-made chunk: the body is chunked, the
 * socket is this response's (a pipelined response waits for it otherwise) and the response holds
 * nothing unsent of its own, so the bytes land in order. ServerResponse.write would cut the same
 * chunk into four writes (length, CRLF, frame, CRLF) per subscriber; this way every SSE subscriber
 * of an event gets the very same buffer, in one write.
 */
function writesChunksToSocket(response: ServerResponse, socket: Socket): boolean {
  // headersSent is true once the head is built; begin() has sent it with the first comment.
  return response.chunkedEncoding && response.headersSent && !response.writableEnded && response.writableLength === socket.writableLength;
}

