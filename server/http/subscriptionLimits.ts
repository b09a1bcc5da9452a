import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../auth/caller';

export interface SubscriptionLimits {
  perConnection: number;
  perCaller: number;
}

interface SubscriptionContext {
  caller?: Caller;
  /** The graphql-ws connection's WebSocket; absent for SSE, where each request is one subscription. */
  socket?: object;
  req?: IncomingMessage;
}

/**
 * At most `perConnection` open subscriptions on one graphql-ws connection and `perCaller` for one
 * caller over every connection and SSE stream (a token; without auth, a client address). One more is
 * refused with TOO_MANY_SUBSCRIPTIONS as that operation's error; the connection and the caller's other
 * subscriptions go on. A slot is taken before the subscription is set up, so that a burst of subscribe
 * messages cannot pass the check together, and given back when it ends or fails to start.
 */
export function useSubscriptionLimits(limits: SubscriptionLimits): Plugin<SubscriptionContext> {
  const perConnection = new WeakMap<object, number>();
  const perStreamToken = new Map<string, number>();
  const perCaller = new Map<string, number>();
  const connections = {
    get: (connection: object | string) => (typeof connection === 'string' ? perStreamToken.get(connection) : perConnection.get(connection)),
    set: (connection: object | string, count: number) => {
      if (typeof connection === 'object') perConnection.set(connection, count);
      else if (count > 0) perStreamToken.set(connection, count);
      else perStreamToken.delete(connection);
    },
  };
  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn, setResultAndStopExecution }) {
      const context = args.contextValue as SubscriptionContext;
      const caller = callerKey(context);
      const connection = context.socket ?? streamTokenOf(context, caller);
      const onConnection = connection ? (connections.get(connection) ?? 0) : 0;
      const ofCaller = perCaller.get(caller) ?? 0;
      if (connection && onConnection >= limits.perConnection) {
        return setResultAndStopExecution({ errors: [tooMany(`This connection already has ${limits.perConnection} open subscriptions (SUBSCRIPTIONS_PER_CONNECTION): complete one first`)] });
      }
      if (ofCaller >= limits.perCaller) {
        return setResultAndStopExecution({ errors: [tooMany(`This caller already has ${limits.perCaller} open subscriptions (SUBSCRIPTIONS_PER_CALLER): complete one first`)] });
      }
      if (connection) connections.set(connection, onConnection + 1);
      perCaller.set(caller, ofCaller + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (connection) connections.set(connection, (connections.get(connection) ?? 1) - 1);
        const left = (perCaller.get(caller) ?? 1) - 1;
        if (left > 0) perCaller.set(caller, left);
        else perCaller.delete(caller);
      };
      setSubscribeFn(async (subscribeArgs) => {
        try {
          return await subscribeFn(subscribeArgs);
        } catch (error) {
          release();
          throw error;
        }
      });
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) {
            release();
            return undefined;
          }
          return { onEnd: release };
        },
      };
    },
  };
}

/**
 * graphql-sse's single-connection mode names its one stream by a token (the header
 * `x-graphql-event-stream-token`, or `token` in the query string): the operations sent with one
 * token are that connection's, and count against SUBSCRIPTIONS_PER_CONNECTION as a WebSocket's do.
 */
function streamTokenOf(context: SubscriptionContext, caller: string): string | undefined {
  const header = context.req?.headers['x-graphql-event-stream-token'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = context.req?.url ? new URLSearchParams(context.req.url.split('?')[1] ?? '').get('token') : null;
  const token = fromHeader || fromQuery;
  return token ? `${caller}\u0000${token}` : undefined;
}

function callerKey(context: SubscriptionContext): string {
  const caller = context.caller;
  if (caller?.kind === 'token') return caller.tokenId ? `token ${caller.tokenId}` : 'admin token';
  if (caller?.kind === 'task link') return `task ${caller.taskId}`;
  return `address ${context.req?.socket.remoteAddress ?? 'unknown'}`;
}

function tooMany(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', http: { status: 429 } } });
}
