/**
 * Where project code may connect (Http and LlmInference nodes; ExecPython has no network at all).
 *
 * Two rules, checked on the address a connection is actually made to, after DNS resolution and
 * for every redirect (so a name that resolves to an internal address, or re-resolves to one
 * later, is refused just the same):
 *  1. the platform's own internal addresses (its HTTP port, the executor endpoint, Restate's
 *     ingress/admin/node ports, the database server) are always refused;
 *  2. the egress policy: `allow-all`, `deny-private` (no loopback, private, link-local, CGNAT,
 *     unique-local or multicast address unless allowlisted) or `allowlist` (only listed hosts).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici';

export type EgressPolicy = 'allow-all' | 'deny-private' | 'allowlist';

export interface EgressRules {
  policy: EgressPolicy;
  /**
   * Hosts allowed by `allowlist` (and, with `deny-private`, private ones let through): a name
   * (`api.example.com`), a domain and its subdomains (`.example.com` or `*.example.com`), an IP
   * address or a CIDR range (`10.1.0.0/16`); any of them may end with `:port`.
   */
  allowlist: string[];
}

/** One of the platform's internal endpoints, as resolved when it was registered. */
interface InternalEndpoint {
  name: string;
  port: number;
  /** Addresses it resolved to; empty for a loopback or wildcard one (any local address then). */
  addresses: string[];
  local: boolean;
}

export interface ConnectTarget {
  /** As the URL gave it (a name or an address). */
  hostname: string;
  /** The address the connection would be made to. */
  address: string;
  port: number;
}

const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateRanges.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

const loopbackOrAny = new BlockList();
loopbackOrAny.addSubnet('127.0.0.0', 8, 'ipv4');
loopbackOrAny.addAddress('0.0.0.0', 'ipv4');
loopbackOrAny.addAddress('::1', 'ipv6');
loopbackOrAny.addAddress('::', 'ipv6');

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
const unbracketed = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

export function isPrivateAddress(address: string): boolean {
  return privateRanges.check(address, familyOf(address));
}

/** This machine's own addresses: loopback, the wildcard, and every interface's. */
export function localAddresses(): Set<string> {
  const found = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) for (const entry of entries ?? []) found.add(entry.address.toLowerCase());
  return found;
}

const isLocal = (address: string, local: Set<string>) => loopbackOrAny.check(address, familyOf(address)) || local.has(address.toLowerCase());

function matchesEntry(entry: string, target: ConnectTarget): boolean {
  let host = entry.trim().toLowerCase();
  const withPort = /^(.*):(\d+)$/.exec(host);
  if (withPort && !(isIP(host) === 6)) {
    if (Number(withPort[2]) !== target.port) return false;
    host = withPort[1]!;
  }
  host = unbracketed(host);
  const name = unbracketed(target.hostname);
  if (host.includes('/')) {
    const [network, prefix] = host.split('/');
    if (!isIP(network!)) return false;
    const range = new BlockList();
    range.addSubnet(network!, Number(prefix), familyOf(network!));
    return range.check(target.address, familyOf(target.address));
  }
  if (isIP(host)) return host === target.address.toLowerCase() || host === name;
  if (host.startsWith('*.')) host = host.slice(1);
  if (host.startsWith('.')) return name === host.slice(1) || name.endsWith(host);
  return name === host;
}

/**
 * Why a connection to `target` is refused, or undefined when it may go ahead. Pure: the internal
 * endpoints and this machine's addresses are given.
 */
export function egressRefusal(target: ConnectTarget, rules: EgressRules, internal: InternalEndpoint[], local: Set<string>): string | undefined {
  const address = target.address.toLowerCase();
  const where = target.hostname === target.address ? `${address}:${target.port}` : `${target.hostname}:${target.port} (${address})`;
  const targetIsLocal = isLocal(address, local);
  const own = internal.find(
    (endpoint) => endpoint.port === target.port && ((endpoint.local && targetIsLocal) || endpoint.addresses.includes(address)),
  );
  if (own) return `${where} is the platform's own ${own.name}, which project code may not call`;
  const allowlisted = rules.allowlist.some((entry) => matchesEntry(entry, target));
  if (rules.policy === 'allowlist' && !allowlisted) return `${where} is not in the egress allowlist (EGRESS_ALLOWLIST)`;
  if (rules.policy === 'deny-private' && !allowlisted && (isPrivateAddress(address) || targetIsLocal)) {
    return `${where} is a private or local address, which the egress policy deny-private refuses (allow it in EGRESS_ALLOWLIST)`;
  }
  return undefined;
}

export class EgressRefused extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(reason: string) {
    super(`refused: ${reason}`);
    this.name = 'EgressRefused';
  }
}

type Connector = buildConnector.connector;

/** Guards every connection of the nodes that call out; the platform registers its endpoints as they start. */
export class EgressGuard {
  private readonly internal: InternalEndpoint[] = [];
  readonly dispatcher: Dispatcher;

  constructor(readonly rules: EgressRules) {
    const connect = buildConnector({});
    this.dispatcher = new Agent({ connect: this.guardedConnector(connect) });
  }

  /** Marks `url` (http://…, postgres://…) as internal: connections to its port there are refused from now on. */
  async protect(name: string, url: string, defaultPort?: number): Promise<void> {
    const parsed = new URL(url);
    const port = Number(parsed.port) || defaultPort || (parsed.protocol === 'https:' ? 443 : 80);
    const host = unbracketed(parsed.hostname || 'localhost');
    const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((found) => found.map((entry) => entry.address.toLowerCase()), () => []);
    const local = addresses.length === 0 || host === 'localhost' || addresses.some((address) => isLocal(address, localAddresses()));
    this.internal.push({ name, port, addresses, local });
  }

  /** protect() for each [name, url, default port] given a url. */
  async protectEach(endpoints: [name: string, url: string | undefined, defaultPort?: number][]): Promise<void> {
    for (const [name, url, defaultPort] of endpoints) if (url) await this.protect(name, url, defaultPort);
  }

  refusal(target: ConnectTarget): string | undefined {
    return egressRefusal(target, this.rules, this.internal, localAddresses());
  }

  /** fetch() through this guard. */
  fetch(url: string | URL, init: Parameters<typeof undiciFetch>[1] = {}): Promise<Response> {
    return undiciFetch(url, { ...init, dispatcher: this.dispatcher }) as unknown as Promise<Response>;
  }

  private guardedConnector(connect: Connector): Connector {
    return (options, callback) => {
      const hostname = unbracketed(options.hostname);
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      const addresses = isIP(hostname)
        ? Promise.resolve([hostname])
        : lookup(hostname, { all: true, verbatim: true }).then((found) => found.map((entry) => entry.address));
      addresses.then(
        (candidates) => {
          let reason: string | undefined;
          for (const address of candidates) {
            reason = this.refusal({ hostname, address, port });
            if (reason) continue;
            // Connect to the address just checked (no second lookup to rebind); TLS still checks the name.
            const servername = options.servername ?? (isIP(hostname) ? undefined : hostname);
            connect({ ...options, hostname: address, ...(servername ? { servername } : {}) }, callback);
            return;
          }
          callback(new EgressRefused(reason ?? `${hostname} has no address`), null);
        },
        (error: Error) => callback(error, null),
      );
    };
  }
}

/** Refuses nothing but what is registered as internal: the guard of tests and of code with no platform. */
export const defaultEgressGuard = new EgressGuard({ policy: 'allow-all', allowlist: [] });
