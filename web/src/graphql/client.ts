import { createClient as createWebSocketClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';

const graphqlPath = '/graphql';

function webSocketUrl(): string {
  const url = new URL(graphqlPath, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Queries and mutations over HTTP; subscriptions over one graphql-ws WebSocket that reconnects. */
export function createGraphQLClient(): Client {
  const webSocket = createWebSocketClient({ url: webSocketUrl(), retryAttempts: Infinity, lazy: true });
  return new Client({
    url: graphqlPath,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: webSocket.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
}
