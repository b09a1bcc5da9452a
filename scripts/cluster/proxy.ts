import http from 'node:http';
import net from 'node:net';
import { createProxyServer } from 'http-proxy-3';

/**
 * The one front door of the deployment, on loopback:
 * - an HTTP and WebSocket reverse proxy (http-proxy-3) over the server processes, round robin
 *   over those whose /health answered lately, so a dead process is left out within one probe;
 * - TCP balancers (connection-level, so HTTP/2 cleartext passes unchanged): the executor
 *   endpoint that Restate calls, and Restate's ingress and admin APIs that the servers call.
 *   A connection goes to the first backend, in rotation, that accepts it.
 */

export interface Front {
  url: string;
  close(): Promise<void>;
}

export async function startHttpFront(options: { port: number; backends: string[]; probeIntervalMs: number; probeTimeoutMs: number }): Promise<Front> {
  const proxy = createProxyServer({ xfwd: true, ws: true });
  const healthy = new Set<string>(options.backends);
  let next = 0;
  const pick = () => {
    const candidates = options.backends.filter((backend) => healthy.has(backend));
    const pool = candidates.length > 0 ? candidates : options.backends;
    return pool[next++ % pool.length]!;
  };
  const markDown = (backend: string) => healthy.delete(backend);

  let probing = true;
  const probe = async () => {
    while (probing) {
      await Promise.all(options.backends.map(async (backend) => {
        const ok = await fetch(`${backend}/health`, { signal: AbortSignal.timeout(options.probeTimeoutMs) }).then((r) => r.ok, () => false);
        if (ok) healthy.add(backend);
        else healthy.delete(backend);
      }));
      await new Promise((resolve) => setTimeout(resolve, options.probeIntervalMs));
    }
  };
  void probe();

  const server = http.createServer((request, response) => {
    const target = pick();
    proxy.web(request, response, { target }, (error) => {
      markDown(target);
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'application/json', 'retry-after': '1' });
        response.end(JSON.stringify({ errors: [{ message: `Upstream server unavailable: ${error.message}`, extensions: { code: 'BAD_GATEWAY' } }] }));
      } else response.destroy();
    });
  });
  server.on('upgrade', (request, socket, head) => {
    const target = pick();
    proxy.ws(request, socket, head, { target }, () => {
      markDown(target);
      socket.destroy();
    });
  });
  await listen(server, options.port);
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: async () => {
      probing = false;
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function startTcpBalancer(options: { port: number; backends: { host: string; port: number }[]; connectTimeoutMs: number }): Promise<Front> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const connectAny = (attempt: number, start: number): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      if (attempt >= options.backends.length) return reject(new Error('no backend accepts connections'));
      const backend = options.backends[(start + attempt) % options.backends.length]!;
      const upstream = net.connect({ host: backend.host, port: backend.port });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), options.connectTimeoutMs);
      upstream.once('connect', () => {
        clearTimeout(timer);
        resolve(upstream);
      });
      upstream.once('error', () => {
        clearTimeout(timer);
        resolve(connectAny(attempt + 1, start));
      });
    });
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    client.on('error', () => undefined);
    client.once('close', () => sockets.delete(client));
    connectAny(0, next++).then(
      (upstream) => {
        sockets.add(upstream);
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.once('close', () => { sockets.delete(upstream); client.destroy(); });
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  await listen(server, options.port);
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}
