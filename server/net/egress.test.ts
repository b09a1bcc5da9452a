import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config';
import { egressRefusal, EgressGuard, isPrivateAddress, type ConnectTarget, type EgressRules } from './egress';

const local = new Set(['127.0.0.1', '::1', '10.0.0.5']);
const internal = [
  { name: 'GraphQL server', port: 4000, addresses: ['127.0.0.1'], local: true },
  { name: 'database', port: 5432, addresses: ['192.0.2.10'], local: false },
];
const target = (address: string, port: number, hostname = address): ConnectTarget => ({ hostname, address, port });
const refusal = (to: ConnectTarget, rules: Partial<EgressRules> = {}) =>
  egressRefusal(to, { policy: 'allow-all', allowlist: [], ...rules }, internal, local);

describe('egressRefusal', () => {
  it("refuses the platform's own ports on every local address, whatever the policy", () => {
    for (const address of ['127.0.0.1', '127.0.0.2', '0.0.0.0', '::1', '::ffff:127.0.0.1', '10.0.0.5']) {
      expect(refusal(target(address, 4000))).toMatch(/is the platform's own GraphQL server, which project code may not call$/);
    }
    expect(refusal(target('127.0.0.1', 4000, 'localhost'), { policy: 'allowlist', allowlist: ['localhost'] })).toBe(
      "localhost:4000 (127.0.0.1) is the platform's own GraphQL server, which project code may not call",
    );
  });

  it('refuses a remote internal endpoint (the database server) at its address and port only', () => {
    expect(refusal(target('192.0.2.10', 5432, 'db.internal'))).toMatch(/platform's own database/);
    expect(refusal(target('192.0.2.10', 80))).toBeUndefined();
    expect(refusal(target('127.0.0.1', 5432))).toBeUndefined();
  });

  it('allow-all lets any other address through, loopback included', () => {
    expect(refusal(target('127.0.0.1', 8080))).toBeUndefined();
    expect(refusal(target('93.184.216.34', 443, 'example.com'))).toBeUndefined();
  });

  it('deny-private refuses loopback, private, link-local, CGNAT, unique-local and mapped addresses, unless allowlisted', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(refusal(target(address, 80), { policy: 'deny-private' })).toMatch(/private or local address, which the egress policy deny-private refuses/);
    }
    expect(refusal(target('93.184.216.34', 443, 'example.com'), { policy: 'deny-private' })).toBeUndefined();
    expect(refusal(target('10.1.2.3', 80, 'wiki.corp'), { policy: 'deny-private', allowlist: ['.corp'] })).toBeUndefined();
    expect(refusal(target('10.1.2.3', 80), { policy: 'deny-private', allowlist: ['10.1.0.0/16'] })).toBeUndefined();
  });

  it('allowlist admits only listed names, domains, addresses, ranges and ports', () => {
    const rules = { policy: 'allowlist' as const, allowlist: ['api.example.com', '*.trusted.org', '198.51.100.0/24', 'hooks.example.net:8443'] };
    expect(refusal(target('93.184.216.34', 443, 'api.example.com'), rules)).toBeUndefined();
    expect(refusal(target('93.184.216.35', 443, 'a.b.trusted.org'), rules)).toBeUndefined();
    expect(refusal(target('93.184.216.35', 443, 'trusted.org'), rules)).toBeUndefined();
    expect(refusal(target('198.51.100.7', 80), rules)).toBeUndefined();
    expect(refusal(target('93.184.216.36', 8443, 'hooks.example.net'), rules)).toBeUndefined();
    expect(refusal(target('93.184.216.36', 443, 'hooks.example.net'), rules)).toMatch(/not in the egress allowlist/);
    expect(refusal(target('93.184.216.34', 443, 'evil.example.com'), rules)).toBe('evil.example.com:443 (93.184.216.34) is not in the egress allowlist (EGRESS_ALLOWLIST)');
  });

  it('knows private ranges', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700::1111')).toBe(false);
    expect(isPrivateAddress('192.168.0.1')).toBe(true);
  });
});

describe('EgressGuard.protect', () => {
  it('registers a loopback URL as internal on every local address, and a name by what it resolves to', async () => {
    const guard = new EgressGuard({ policy: 'allow-all', allowlist: [] });
    await guard.protect('Restate admin', 'http://127.0.0.1:9070');
    await guard.protect('database', 'postgres://user:secret@localhost/db', 5432);
    expect(guard.refusal(target('127.0.0.1', 9070))).toMatch(/Restate admin/);
    expect(guard.refusal(target('::1', 9070))).toMatch(/Restate admin/);
    expect(guard.refusal(target('127.0.0.1', 5432))).toMatch(/database/);
    expect(guard.refusal(target('127.0.0.1', 9071))).toBeUndefined();
  });
});

describe('EGRESS_POLICY', () => {
  it('defaults to allow-all for a local install (HOST on loopback) and deny-private for one that serves others', () => {
    expect(loadConfig({}).nodes.egress.rules).toEqual({ policy: 'allow-all', allowlist: [] });
    expect(loadConfig({ HOST: '0.0.0.0', ADMIN_TOKEN: 'x'.repeat(24) }).nodes.egress.rules.policy).toBe('deny-private');
    expect(loadConfig({ EGRESS_POLICY: 'allowlist', EGRESS_ALLOWLIST: 'api.example.com, .corp:8443' }).nodes.egress.rules).toEqual({
      policy: 'allowlist',
      allowlist: ['api.example.com', '.corp:8443'],
    });
  });

  it("lets the server's own LLM endpoint through deny-private (a model served on this machine or the LAN)", () => {
    const { egress } = loadConfig({ EGRESS_POLICY: 'deny-private', LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }).nodes;
    expect(egress.rules.allowlist).toEqual(['127.0.0.1:11434']);
    expect(egress.refusal({ hostname: '127.0.0.1', address: '127.0.0.1', port: 11434 })).toBeUndefined();
    expect(egress.refusal({ hostname: '127.0.0.1', address: '127.0.0.1', port: 11435 })).toMatch(/deny-private/);
  });
});
