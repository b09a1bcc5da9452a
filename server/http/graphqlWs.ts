import type { IncomingMessage } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { credentialOf } from '../auth/authorization';
import type { Authenticator } from '../auth/caller';
import type { GraphQLContext } from '../graphql/context';

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
 * upgrade request's Authorization header) is closed with 4403 Forbidden.
 */
export function createGraphQLWebSocketServer(yoga: Yoga, authenticator: Authenticator) {
  const webSockets = new WebSocketServer({ noServer: true });
  const server = useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
      onConnect: async (context) => {
        const credential = credentialOf({ connectionParams: context.connectionParams, req: context.extra.request });
        const caller = await authenticator.callerFor(credential);
        return caller.kind !== 'anonymous' && caller.kind !== 'invalid credential';
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (context, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...context,
          req: context.extra.request,
          socket: context.extra.socket,
          params: payload,
        });
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
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
