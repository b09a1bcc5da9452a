import { createClient as createWebSocketClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { backoff, socketClosed, socketConnected } from './connection';

const graphqlPath = '/graphql';
/** Where the SPA keeps an API token when the server has auth on (set it from the console or a login page). */
const tokenStorageKey = 'weftworks.apiToken';

function webSocketUrl(): string {
  const url = new URL(graphqlPath, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function storedToken(): string | null {
  try {
    return window.localStorage.getItem(tokenStorageKey);
  } catch {
    return null;
  }
}

/**
 * Headers of every HTTP request: the CSRF header the server requires on GET requests
 * (urql sends short queries as GET), and the API token, if any.
 */
export function requestHeaders(): Record<string, string> {
  const token = storedToken();
  return { 'x-graphql-csrf': '1', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/**
 * Queries and mutations over HTTP; subscriptions over one graphql-ws WebSocket, opened at
 * once (so the header can say whether the app is live) and reopened with backoff when lost.
 * graphql-ws resubscribes the open subscriptions itself; views that must re-read what they
 * missed listen for the reconnection (`useReconnected`).
 */
export function createGraphQLClient(): Client {
  const webSocket = createWebSocketClient({
    url: webSocketUrl(),
    lazy: false,
    retryAttempts: Infinity,
    retryWait: backoff,
    // A server that is down refuses the socket without a close code: that is worth retrying too.
    shouldRetry: () => true,
    on: { connected: socketConnected, closed: socketClosed },
    connectionParams: () => {
      const token = storedToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  return new Client({
    url: graphqlPath,
    fetchOptions: () => ({ headers: requestHeaders() }),
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
