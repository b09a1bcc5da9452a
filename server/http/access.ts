import os from 'node:os';
import { isLoopback } from '../config';

/**
 * Who may reach the server, decided from the request line and headers alone, before any route runs:
 * a request target that does not parse is a 400; a Host header that is not one of the server's names
 * is refused (that is what stops DNS rebinding: a page on an attacker's name that resolves to this
 * machine still sends the attacker's name); and a browser Origin that is neither the server's own
 * nor configured is refused wherever it could change something or read a stream.
 */
export interface AccessPolicy {
  /** Lower-case host names without port; `*` any, `.example.com` that domain and its subdomains. */
  hosts: ReadonlySet<string>;
  /** Origins (`scheme://host[:port]`) besides the server's own that may call it from a browser. */
  origins: ReadonlySet<string>;
}

export type Verdict =
  | { ok: true; pathname: string; host: ParsedHost }
  | { ok: false; status: 400 | 403; message: string };

export interface ParsedHost {
  hostname: string;
  port?: number;
}

const loopbackNames = ['localhost', '127.0.0.1', '::1'];

/**
 * The names a server listening on `listenHost` answers to: loopback, `listenHost` itself, and when it
 * listens on every interface, this machine's addresses and host name (none of them is a name an
 * attacker's page can carry); plus the configured ones.
 */
export function accessPolicy(listenHost: string, allowedHosts: readonly string[], allowedOrigins: readonly string[]): AccessPolicy {
  const hosts = new Set([...loopbackNames, ...allowedHosts.map(normalHostname)]);
  if (listenHost === '0.0.0.0' || listenHost === '::') {
    for (const addresses of Object.values(os.networkInterfaces())) for (const address of addresses ?? []) hosts.add(normalHostname(address.address));
    hosts.add(normalHostname(os.hostname()));
  } else hosts.add(normalHostname(listenHost));
  return { hosts, origins: new Set(allowedOrigins) };
}

/** The path of a request target and the host it is for, or why the request is refused. */
export function checkTarget(policy: AccessPolicy, target: string | undefined, hostHeader: string | undefined): Verdict {
  let pathname: string;
  let authority = hostHeader;
  if (!target) return refuse(400, 'The request has no target');
  if (target.startsWith('/')) {
    pathname = target.split(/[?#]/, 1)[0]!;
  } else if (/^https?:\/\//i.test(target)) {
    // Absolute form (RFC 9112 §3.2.2): its authority replaces the Host header.
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return refuse(400, 'The request target is not a valid URL');
    }
    pathname = url.pathname;
    authority = url.host;
  } else {
    return refuse(400, 'The request target must be a path (or an absolute http URL)');
  }
  try {
    decodeURIComponent(pathname);
  } catch {
    return refuse(400, 'The request path has malformed percent-encoding');
  }
  if (authority === undefined || authority === '') return refuse(400, 'The request has no Host header');
  const host = parseHost(authority);
  if (!host) return refuse(400, 'The Host header is malformed');
  if (!hostAllowed(policy, host.hostname)) {
    return refuse(403, `This server does not answer to the name "${host.hostname}": add it to ALLOWED_HOSTS if it is one of this server's names`);
  }
  return { ok: true, pathname, host };
}

/**
 * A browser's Origin header against the server's own origin (same host and port as the Host header)
 * and the configured ones. No Origin (curl, the CLI, a webhook sender, a same-origin GET) passes.
 */
export function checkOrigin(policy: AccessPolicy, origin: string | undefined, host: ParsedHost): Verdict | undefined {
  if (origin === undefined) return undefined;
  if (isOwnOrigin(origin, host) || policy.origins.has(normalOrigin(origin) ?? '')) return undefined;
  return refuse(403, `Requests from the web page at ${JSON.stringify(origin)} are not allowed: add its origin to ALLOWED_ORIGINS to allow it`);
}

/** Whether this origin is one CORS may answer with its own Access-Control-Allow-Origin. */
export function isConfiguredOrigin(policy: AccessPolicy, origin: string | null | undefined): boolean {
  return Boolean(origin) && policy.origins.has(normalOrigin(origin!) ?? '');
}

function isOwnOrigin(origin: string, host: ParsedHost): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const originPort = url.port ? Number(url.port) : defaultPort;
  // Behind a proxy that ends TLS, the page is https while the Host carries no port.
  return normalHostname(url.hostname) === host.hostname && originPort === (host.port ?? defaultPort);
}

function normalOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

const hostPattern = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?\.?))(?::(\d{1,5}))?$/i;

/** `name[:port]` or `[ipv6][:port]`, the only shapes a Host header may have. */
export function parseHost(value: string): ParsedHost | undefined {
  const match = hostPattern.exec(value.trim());
  if (!match) return undefined;
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && port > 65535) return undefined;
  return { hostname: normalHostname(match[1] ?? match[2]!), port };
}

function hostAllowed(policy: AccessPolicy, hostname: string): boolean {
  if (policy.hosts.has('*') || policy.hosts.has(hostname)) return true;
  if (isLoopback(hostname)) return true;
  for (const allowed of policy.hosts) if (allowed.startsWith('.') && (hostname.endsWith(allowed) || hostname === allowed.slice(1))) return true;
  return false;
}

function normalHostname(name: string): string {
  return name.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function refuse(status: 400 | 403, message: string): Verdict {
  return { ok: false, status, message };
}

/**
 * Headers on every answer. The policy allows only this origin's scripts (GraphiQL's bundle included,
 * served from the package) and connections, inline styles (the editors inject theirs), and no framing
 * of these pages at all. Images, audio and video may come from anywhere and https pages may be framed
 * inside them: a runner page's bricks and a node's media outputs point at other sites.
 */
export function securityHeaders(options: { devMode: boolean }): Record<string, string> {
  const policy = [
    "default-src 'self'",
    `script-src 'self'${options.devMode ? " 'unsafe-inline'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src * data: blob:",
    "media-src * data: blob:",
    "frame-src https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Task link tokens travel in URLs: never hand them to another site.
    'referrer-policy': 'no-referrer',
  };
}
