import http2 from 'node:http2';
import './nodeCompat';
import * as restate from '@restatedev/restate-sdk';
import type { Logger } from '../log';

export interface ExecutorEndpoint {
  url: string;
  close(): Promise<void>;
}

/** Serves the executor's Restate services over HTTP/2 for restate-server to call, and only for it (signed requests). */
export async function serveExecutorEndpoint(options: {
  services: restate.EndpointOptions['services'];
  port: number;
  host: string;
  /** Restate's request identity public keys (`publickeyv1_…`): requests not signed by one are refused. */
  identityKeys: string[];
  log: Logger;
}): Promise<ExecutorEndpoint> {
  if (options.identityKeys.length === 0) {
    options.log.warn(
      'the executor endpoint accepts unsigned requests: anything that reaches it can invoke the executor; ' +
        "set RESTATE_IDENTITY_KEYS to the external Restate's request identity public key (publickeyv1_…)",
    );
  }
  const handler = restate.createEndpointHandler({
    services: options.services,
    logger: sdkLogLines(options.log),
    ...(options.identityKeys.length > 0 ? { identityKeys: options.identityKeys } : {}),
  });
  const server = http2.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Executor endpoint port ${options.port} is already in use`) : error),
    );
    server.listen(options.port, options.host, resolve);
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const url = `http://${options.host}:${options.port}`;
  options.log.info('executor endpoint listening', { url });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The SDK's log lines in the platform's log (its default writes each to the console): the lines it
 * writes per invocation at INFO ("Invoking function", "Invocation completed successfully") are
 * debug lines here, its warnings and errors stay what they are.
 */
function sdkLogLines(log: Logger): restate.LoggerTransport {
  return (meta, message, ...details) => {
    // Trace lines are left out, as the SDK's own console transport leaves them out by default.
    if (meta.replaying || meta.level === 'trace') return;
    const level = meta.level === 'warn' || meta.level === 'error' ? meta.level : 'debug';
    const fields = { invocationId: meta.context?.invocationId, target: meta.context?.invocationTarget };
    try {
      log[level](String(message), details.length > 0 ? { ...fields, details } : fields);
    } catch {
      // A detail JSON cannot hold (a BigInt, a cycle): the line without it.
      log[level](String(message), fields);
    }
  };
}

/**
 * Registers (or re-registers, when the services changed) the executor endpoint with
 * Restate. `force` updates the deployment at the same address in place, so executions
 * in flight continue on the new code instead of waiting for an address that is gone.
 */
export async function registerDeployment(adminUrl: string, endpointUrl: string, log: Logger): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${adminUrl}/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri: endpointUrl, force: true }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Error(`Could not reach Restate's admin API at ${adminUrl} to register the executor: ${(error as Error).message}`);
  }
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`Restate refused to register the executor at ${endpointUrl} (HTTP ${response.status}): ${body}`);
  }
  const deployment = JSON.parse(body) as { id: string; services: { name: string }[] };
  log.info('executor registered with restate', { deploymentId: deployment.id, services: deployment.services.map((s) => s.name) });
}
