import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createYoga } from 'graphql-yoga';
import sirv from 'sirv';
import type { Authenticator } from '../auth/caller';
import { type AuthContext, useAuthorization } from '../auth/authorization';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { GraphQLContext } from '../graphql/context';
import { useNoNulCharacters } from '../graphql/inputText';
import { useGraphQLLimits } from '../graphql/limits';
import { schema } from '../graphql/schema';
import { useSharedSubscriptionResults } from '../graphql/sharedSubscriptionResults';
import type { Logger } from '../log';
import { createWebhookHandler, webhookPathPrefix } from '../triggers/webhook';
import { createGraphQLWebSocketServer } from './graphqlWs';
import { useRequestBody } from './requestBody';
import { checkHealth } from './health';
import type { Metrics } from './metrics';

export const graphqlPath = '/graphql';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

/**
 * One port for everything a browser or a dashboard needs: GraphQL over HTTP, SSE and
 * WebSocket on /graphql (GraphiQL in a browser), /health, /metrics, and the SPA for every
 * other path. Every GraphQL operation, on any transport, passes the same plugins: limits,
 * authorization, metrics.
 */
export async function startHttpServer(options: {
  config: Config;
  context: GraphQLContext;
  database: Database;
  restate: { ingressUrl: string; adminUrl: string };
  authenticator: Authenticator;
  metrics: Metrics;
  log: Logger;
}): Promise<HttpServer> {
  const { config, context, database, restate, authenticator, metrics, log } = options;
  const yoga = createYoga<Record<string, never>, GraphQLContext & Partial<AuthContext>>({
    schema,
    graphqlEndpoint: graphqlPath,
    context: () => context,
    plugins: [useRequestBody(config.http.maxRequestBytes), ...useGraphQLLimits(config.graphqlLimits), useNoNulCharacters(), useAuthorization(authenticator), metrics.plugin(), useSharedSubscriptionResults()],
    graphiql: { subscriptionsProtocol: 'WS', title: 'Weftworks GraphQL' },
    logging: { debug: (...a) => log.debug(String(a[0])), info: (...a) => log.info(String(a[0])), warn: (...a) => log.warn(String(a[0])), error: (...a) => log.error(String(a[0]), { detail: a[1] }) },
  });
  const graphqlWs = createGraphQLWebSocketServer(yoga, authenticator, config.http.maxRequestBytes);

  const server = http.createServer();
  const serveSpa = await createSpaHandler(config, server, log);
  const webhook = createWebhookHandler({ triggers: context.triggers, maxBodyBytes: config.triggers.webhookMaxBodyBytes, log });

  server.on('request', async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === graphqlPath) {
      const length = Number(request.headers['content-length'] ?? 0);
      if (length > config.http.maxRequestBytes) {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ message: `Request body larger than ${config.http.maxRequestBytes} bytes`, extensions: { code: 'REQUEST_TOO_LARGE' } }] }));
        return;
      }
      return yoga.handle(request, response);
    }
    if (pathname.startsWith(webhookPathPrefix)) return webhook(request, response);
    if (pathname === '/metrics') {
      response.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
      response.end(await metrics.registry.metrics());
      return;
    }
    if (pathname === '/health') {
      const report = await checkHealth(database, restate);
      response.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(report));
      return;
    }
    serveSpa(request, response);
  });

  server.on('upgrade', (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === graphqlPath) {
      graphqlWs.webSockets.handleUpgrade(request, socket, head, (webSocket) => {
        graphqlWs.webSockets.emit('connection', webSocket, request);
      });
    } else if (config.web.mode !== 'dev') {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${config.http.port} is already in use: stop what uses it or set PORT to another port`)
          : error,
      ),
    );
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host}:${port}`;

  return {
    url,
    close: async () => {
      await graphqlWs.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

async function createSpaHandler(config: Config, server: http.Server, log: Logger): Promise<RequestHandler> {
  if (config.web.mode === 'dev') {
    const { createServer } = await import('vite');
    const vite = await createServer({
      root: config.web.rootDirectory,
      configFile: path.join(config.web.rootDirectory, 'vite.config.ts'),
      server: { middlewareMode: true, hmr: { server } },
      appType: 'spa',
    });
    server.on('close', () => void vite.close());
    log.info('serving the SPA through Vite with hot reload');
    return (request, response) => vite.middlewares(request, response);
  }
  if (config.web.mode === 'static' && existsSync(path.join(config.web.distDirectory, 'index.html'))) {
    const assets = sirv(config.web.distDirectory, { single: true, etag: true, gzip: false });
    return (request, response) => assets(request, response, () => notFound(response));
  }
  if (config.web.mode === 'static') log.warn('the SPA is not built (web/dist is missing): run `npm run build`');
  return (_request, response) => notFound(response);
}

function notFound(response: http.ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain' });
  response.end('Not found. GraphQL is at /graphql; the SPA needs `npm run build`.\n');
}
