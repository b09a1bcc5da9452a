import { describe, expect, it } from '@jest/globals';
import { resealDeep, SecretSealer } from './sealing';

describe('sealed credential values', () => {
  const sealer = new SecretSealer('a server secret of the tests');

  it('seal to ciphertext that opens only with the same SECRET, and differs every time', () => {
    const token = sealer.seal('sk-live-123');
    expect(token).toMatch(/^\[\[secret:v1:[A-Za-z0-9_-]+\]\]$/);
    expect(token).not.toContain('sk-live');
    expect(sealer.seal('sk-live-123')).not.toBe(token);
    expect(sealer.unseal(token)).toBe('sk-live-123');
    expect(() => new SecretSealer('another secret').unseal(token)).toThrow();
    const altered = token.replace(/.(?=\]\]$)/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(() => sealer.unseal(altered)).toThrow();
  });

  it('unseal tokens anywhere inside inputs and reseal the plain values wherever a node put them', () => {
    const token = sealer.seal('hunter2');
    const { value, secrets } = sealer.unsealDeep({ headers: { authorization: `Bearer ${token}` }, list: [token, 'plain'] });
    expect(value).toEqual({ headers: { authorization: 'Bearer hunter2' }, list: ['hunter2', 'plain'] });
    const output = { body: { echoed: 'Bearer hunter2', hunter2: 1 }, text: 'x hunter2 y hunter2' };
    const resealed = resealDeep(output, secrets);
    expect(JSON.stringify(resealed)).not.toContain('hunter2');
    expect(sealer.unsealDeep(resealed).value).toEqual(output);
  });
});
