import http from 'node:http';
import type { Duplex } from 'node:stream';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createYoga } from 'graphql-yoga';
import sirv from 'sirv';
import { type Authenticator, bearerCredential } from '../auth/caller';
import { grants } from '../auth/scopes';
import { sameSecret } from '../auth/secrets';
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
import { createFilesHandler } from '../files/http';
import { filesPathPrefix } from '../files/signing';
import { isMultipart, maxMultipartBytes, uploadFetchAPI, useFileUploads } from '../files/graphqlUpload';
import { optionalNodeService } from '../nodes/services';
import { createPageUploadHandler, pageFilesPathPrefix } from '../pages/uploads';
import { visitorPageOf } from '../graphql/types/publishedPage';
import { accessPolicy, checkOrigin, checkTarget, isConfiguredOrigin, securityHeaders } from './access';
import { graphiqlAssetsPath, renderGraphiQL, serveGraphiQLAsset } from './graphiql';
import { createGraphQLWebSocketServer } from './graphqlWs';
import { useSubscriptionLimits } from './subscriptionLimits';
import { useSseFrames } from './sseFrames';
import { TokenConnections } from './tokenConnections';
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
  const access = accessPolicy(config.http.host, config.access.allowedHosts, config.access.allowedOrigins);
  const tokenConnections = new TokenConnections();
  const uploadLimits = { maxFileBytes: config.files.maxBytes, maxFieldBytes: config.http.maxRequestBytes };
  const yoga = createYoga<Record<string, never>, GraphQLContext & Partial<AuthContext>>({
    schema,
    graphqlEndpoint: graphqlPath,
    context: () => context,
    fetchAPI: uploadFetchAPI(uploadLimits),
    // The limits are ours (the content-length check below, useRequestBody for a body without one,
    // the upload parser's for multipart); yoga's own 25 MB check streamed every body through a
    // TransformStream, a large part of a small request's cost.
    maxRequestBodySize: false,
    plugins: [
      useRequestBody(config.http.maxRequestBytes),
      useFileUploads({ ...uploadLimits, authenticator, authEnabled: config.auth.enabled }),
      ...useGraphQLLimits(config.graphqlLimits),
      useNoNulCharacters(),
      useAuthorization(authenticator),
      useSubscriptionLimits(config.subscriptionLimits),
      tokenConnections.plugin(),
      metrics.plugin(),
      useSharedSubscriptionResults({ onDelivered: (count) => metrics.countDelivered(count) }),
      useSseFrames(),
    ],
    // Only configured origins get CORS answers; the server's own pages need none.
    cors: (request) => {
      const origin = request.headers.get('origin');
      return isConfiguredOrigin(access, origin)
        ? { origin: origin!, credentials: true, methods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 }
        : false;
    },
    graphiql: { subscriptionsProtocol: 'WS', title: 'Weftworks GraphQL' },
    renderGraphiQL,
    logging: { debug: (...a) => log.debug(String(a[0])), info: (...a) => log.info(String(a[0])), warn: (...a) => log.warn(String(a[0])), error: (...a) => log.error(String(a[0]), { detail: a[1] }) },
  });
  const graphqlWs = createGraphQLWebSocketServer(yoga, authenticator, config.http.maxRequestBytes, tokenConnections);
  const stopFollowingRevocations = await tokenConnections.listen(database);

  const server = http.createServer();
  const serveSpa = await createSpaHandler(config, server, log);
  const webhook = createWebhookHandler({ triggers: context.triggers, maxBodyBytes: config.triggers.webhookMaxBodyBytes, log });
  const storedFiles = optionalNodeService('files');
  const filesRoutes = storedFiles && createFilesHandler({ files: storedFiles, authenticator, authEnabled: config.auth.enabled, log });
  const pageUploads = storedFiles && createPageUploadHandler({ prisma: context.prisma, pages: context.pages, files: storedFiles, visitorFields: (page) => visitorPageOf(page).fields, log });
  const headers = securityHeaders({ devMode: config.web.mode === 'dev' });

  const route = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    const target = checkTarget(access, request.url, request.headers.host);
    if (!target.ok) return refuse(response, target.status, target.message);
    const { pathname } = target;
    // Wherever a browser could change something or read a stream, only allowed pages may call.
    const mayChange = pathname === graphqlPath || pathname.startsWith(webhookPathPrefix) || !['GET', 'HEAD'].includes(request.method ?? '');
    const origin = mayChange ? checkOrigin(access, headerOf(request, 'origin'), target.host) : undefined;
    if (origin && !origin.ok) return refuse(response, origin.status, origin.message);
    if (pathname === graphqlPath) {
      const length = Number(request.headers['content-length'] ?? 0);
      if (isMultipart(request.headers['content-type']) && length > maxMultipartBytes(uploadLimits)) {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ message: `The upload is ${length} bytes, more than the limit of ${config.files.maxBytes} bytes (FILE_MAX_BYTES)`, extensions: { code: 'FILE_TOO_LARGE' } }] }));
        return;
      }
      if (!isMultipart(request.headers['content-type']) && length > config.http.maxRequestBytes) {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ message: `Request body larger than ${config.http.maxRequestBytes} bytes`, extensions: { code: 'REQUEST_TOO_LARGE' } }] }));
        return;
      }
      return yoga.handle(request, response);
    }
    if (pathname.startsWith(graphiqlAssetsPath)) return serveGraphiQLAsset(pathname, response);
    if (pathname.startsWith(webhookPathPrefix)) return webhook(request, response);
    if (filesRoutes && ((pathname === filesPathPrefix && request.method === 'POST') || pathname.startsWith(`${filesPathPrefix}/`))) {
      return filesRoutes(request, response, pathname, new URL(request.url ?? '/', 'http://local').searchParams);
    }
    if (pageUploads && pathname.startsWith(pageFilesPathPrefix)) {
      return pageUploads(request, response, pathname, new URL(request.url ?? '/', 'http://local').searchParams);
    }
    if (pathname === '/metrics') {
      const refusal = await metricsRefusal(request);
      if (refusal) return refuse(response, refusal.status, refusal.message, { 'www-authenticate': 'Bearer realm="metrics"' });
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
    if (!config.access.publicSourceMaps && pathname.endsWith('.map')) return notFound(response);
    serveSpa(request, response);
  };

  /** With auth on, /metrics needs METRICS_TOKEN or a token that may read. */
  const metricsRefusal = async (request: http.IncomingMessage): Promise<{ status: number; message: string } | undefined> => {
    if (!config.auth.enabled) return undefined;
    const credential = bearerCredential(request.headers.authorization);
    if (!credential) return { status: 401, message: 'Metrics need a token: send "Authorization: Bearer <token>" (METRICS_TOKEN or an API token with the read scope)' };
    if (config.access.metricsToken && sameSecret(credential, config.access.metricsToken)) return undefined;
    const caller = await authenticator.callerFor(credential);
    if (caller.kind === 'token' && grants(caller.scopes, 'read')) return undefined;
    return caller.kind === 'invalid credential' || caller.kind === 'anonymous'
      ? { status: 401, message: 'The token is not valid: it may be mistyped or revoked' }
      : { status: 403, message: 'Metrics need METRICS_TOKEN or an API token with the read scope' };
  };

  server.on('request', (request, response) => {
    route(request, response).catch((error: unknown) => {
      log.error('request failed', { method: request.method, url: request.url, error });
      if (!response.headersSent) refuse(response, 500, 'Internal error');
      else response.destroy();
    });
  });

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const target = checkTarget(access, request.url, request.headers.host);
    const verdict = target.ok ? (checkOrigin(access, headerOf(request, 'origin'), target.host) ?? target) : target;
    if (!verdict.ok) {
      const body = `${verdict.message}\n`;
      socket.end(`HTTP/1.1 ${verdict.status} ${http.STATUS_CODES[verdict.status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    if (verdict.pathname === graphqlPath) {
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
      await stopFollowingRevocations();
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

function headerOf(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function refuse(response: http.ServerResponse, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extraHeaders });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code: status === 400 ? 'BAD_REQUEST' : status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'INTERNAL' } }] }));
}

function notFound(response: http.ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain' });
  response.end('Not found. GraphQL is at /graphql; the SPA needs `npm run build`.\n');
}
