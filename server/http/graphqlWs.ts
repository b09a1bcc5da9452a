import type { IncomingMessage } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { GraphQLContext } from '../graphql/context';

type Enveloped = ReturnType<YogaServerInstance<Record<string, never>, GraphQLContext>['getEnveloped']>;
interface EnvelopedRoot {
  execute: Enveloped['execute'];
  subscribe: Enveloped['subscribe'];
}

/**
 * The graphql-ws protocol on a WebSocket, running through the same Yoga envelope (and
 * so the same schema, context and limits) as HTTP and SSE requests.
 */
export function createGraphQLWebSocketServer(yoga: YogaServerInstance<Record<string, never>, GraphQLContext>) {
  const webSockets = new WebSocketServer({ noServer: true });
  const server = useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
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
