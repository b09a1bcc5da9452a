import { describe, expect, it } from '@jest/globals';
import { accessPolicy, checkOrigin, checkTarget, parseHost } from './access';

describe('who may reach the server', () => {
  const policy = accessPolicy('127.0.0.1', ['weft.example', '.corp.example'], ['https://dashboard.example']);
  const statusOf = (target: string | undefined, host: string | undefined) => {
    const verdict = checkTarget(policy, target, host);
    return verdict.ok ? verdict.pathname : verdict.status;
  };

  it('answers a target that does not parse with 400, whatever its shape', () => {
    expect(statusOf('http://a:99999/', 'x')).toBe(400);
    expect(statusOf('http://[::1/', 'localhost')).toBe(400);
    expect(statusOf('/webhooks/%E0%A4%A', 'localhost')).toBe(400);
    expect(statusOf('/%zz', 'localhost')).toBe(400);
    expect(statusOf('*', 'localhost')).toBe(400);
    expect(statusOf('graphql', 'localhost')).toBe(400);
    expect(statusOf(undefined, 'localhost')).toBe(400);
    expect(statusOf('/graphql?x=%E0', 'localhost')).toBe('/graphql');
    expect(statusOf('//a:99999/', 'localhost')).toBe('//a:99999/');
  });

  it('takes the authority of an absolute-form target instead of the Host header', () => {
    expect(statusOf('http://localhost:4000/health?x', 'evil.example')).toBe('/health');
    expect(statusOf('http://evil.example/health', 'localhost')).toBe(403);
  });

  it('accepts loopback, the listening host and the configured names with any port, and refuses the rest', () => {
    for (const host of ['localhost', 'LOCALHOST:4000', '127.0.0.1:1', '127.0.0.7', '[::1]:4000', '[::1]', 'weft.example', 'weft.example.:443', 'a.corp.example', 'corp.example'])
      expect([host, statusOf('/', host)]).toEqual([host, '/']);
    for (const host of ['evil.example', 'weft.example.evil.example', 'xcorp.example', '192.168.1.5', '[::2]'])
      expect([host, statusOf('/', host)]).toEqual([host, 403]);
    for (const host of ['', 'a b', '[::1', 'x:99999', 'x:', 'user@localhost', 'localhost:4000:1', '-.example', 'a/b', undefined])
      expect([host, statusOf('/', host)]).toEqual([host, 400]);
  });

  it('allows this machine\'s addresses when listening on every interface, and any name with *', () => {
    expect(checkTarget(accessPolicy('0.0.0.0', [], []), '/', '192.0.2.1').ok).toBe(false);
    expect(checkTarget(accessPolicy('192.0.2.1', [], []), '/', '192.0.2.1:4000').ok).toBe(true);
    expect(checkTarget(accessPolicy('127.0.0.1', ['*'], []), '/', 'anything.example').ok).toBe(true);
  });

  it('accepts no Origin, the server\'s own origin and configured ones; refuses others and "null"', () => {
    const host = parseHost('localhost:4000')!;
    const originStatus = (origin: string | undefined) => {
      const verdict = checkOrigin(policy, origin, host);
      return verdict && !verdict.ok ? verdict.status : 'allowed';
    };
    expect(originStatus(undefined)).toBe('allowed');
    expect(originStatus('http://localhost:4000')).toBe('allowed');
    expect(originStatus('https://localhost:4000')).toBe('allowed');
    expect(originStatus('https://dashboard.example')).toBe('allowed');
    expect(originStatus('https://dashboard.example:443')).toBe('allowed');
    for (const origin of ['http://localhost:4001', 'http://localhost', 'http://127.0.0.1:4000', 'https://evil.example', 'http://dashboard.example', 'null', 'garbage', 'file://'])
      expect([origin, originStatus(origin)]).toEqual([origin, 403]);
    expect(checkOrigin(policy, 'https://weft.example', parseHost('weft.example')!)).toBeUndefined();
  });
});
