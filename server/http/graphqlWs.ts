import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type DocumentNode, type ExecutionArgs, type ExecutionResult, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { credentialOf } from '../auth/authorization';
import type { Authenticator } from '../auth/caller';
import type { GraphQLContext } from '../graphql/context';
import { pushedResultsOf } from '../graphql/sharedSubscriptionResults';
import { deliveredAsFrames, pushedAsFrames } from './sharedFrames';
import type { TokenConnections } from './tokenConnections';

type Yoga = YogaServerInstance<Record<string, never>, GraphQLContext & Record<string, unknown>>;
type Enveloped = ReturnType<Yoga['getEnveloped']>;
interface EnvelopedRoot {
  execute: Enveloped['execute'];
  subscribe: Enveloped['subscribe'];
}

/**
 * The graphql-ws protocol on a WebSocket, running through the same Yoga envelope (and
 * so the same schema, context, limits and authorization) as HTTP and SSE requests. With
 * auth on, a connection without a valid credential in its connection_init payload (or its
 * upgrade request's Authorization header) is closed with 4403 Forbidden. A message larger than
 * `maxMessageBytes` (MAX_REQUEST_BYTES, as for HTTP bodies) closes it with 1009 Message Too Big.
 * Revoking the API token a connection was opened with closes it with 4403 (`tokenConnections`).
 */
export function createGraphQLWebSocketServer(yoga: Yoga, authenticator: Authenticator, maxMessageBytes: number, tokenConnections: TokenConnections) {
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  // graphql-ws answers a well-formed message only a server may send (next, error,
  // connection_ack) with 4500 Internal Server Error; it is the client's mistake: 4400.
  webSockets.on('connection', (socket: WebSocket) => socket.on('message', (data) => refuseServerOnlyMessage(socket, data)));
  const server = useServer<Record<string, unknown>, { request: IncomingMessage; socket: WebSocket }>(
    {
      onConnect: async (context) => {
        const credential = credentialOf({ connectionParams: context.connectionParams, req: context.extra.request });
        const caller = await authenticator.callerFor(credential);
        if (caller.kind === 'anonymous' || caller.kind === 'invalid credential') return false;
        if (caller.kind === 'token' && caller.tokenId) {
          const socket = context.extra.socket;
          const forget = tokenConnections.add(caller.tokenId, () => socket.close(4403, 'Forbidden: the API token was revoked'));
          socket.once('close', forget);
        }
        return true;
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      // A subscription's results are written by sharedFrames.ts: serialised once per result
      // shared between subscribers, corked per turn of the event loop.
      // executionEvents is pushed by its execution's feed, without an iterator per subscriber.
      onOperation: (context, id, _payload, args, result) => {
        if (!isAsyncIterable(result)) return undefined;
        const tcpSocket = context.extra.request.socket as Socket;
        const pushed = pushedResultsOf(args.contextValue);
        return pushed
          ? pushedAsFrames(pushed, result[Symbol.asyncIterator](), id, context.extra.socket, tcpSocket)
          : deliveredAsFrames(result as AsyncIterable<ExecutionResult>, id, context.extra.socket, tcpSocket);
      },
      onSubscribe: async (context, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...context,
          req: context.extra.request,
          socket: context.extra.socket,
          params: payload,
        });
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          // A malformed document is this operation's error, not the connection's (4500).
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopedRoot,
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    webSockets,
  );
  return {
    webSockets,
    close: async () => {
      await server.dispose();
      await new Promise<void>((resolve) => webSockets.close(() => resolve()));
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

const serverOnlyTypes = new Set(['next', 'error', 'connection_ack']);

function refuseServerOnlyMessage(socket: WebSocket, data: RawData): void {
  const text = String(data);
  if (!/"(next|error|connection_ack)"/.test(text)) return;
  try {
    const message = JSON.parse(text) as { type?: unknown };
    if (typeof message?.type === 'string' && serverOnlyTypes.has(message.type)) {
      socket.close(4400, `A client may not send a ${message.type} message`);
    }
  } catch {
    // Not JSON: graphql-ws closes it with 4400 itself.
  }
}
