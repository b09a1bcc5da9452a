import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { base58, ensureRequestIdentity, publicKeyOf } from './identity';

// The public half of a throwaway key made with `openssl genpkey -algorithm ed25519`, for which
// restate-server 1.7.12 logged "Loaded request identity key" with the kid below.
const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA+xyUS2ZtXxfD6q3o7XDw+efCnTstMb9qyaI0kGB4V5I=\n-----END PUBLIC KEY-----\n';

describe('request identity', () => {
  it('writes the public key as restate-server logs it', () => {
    expect(publicKeyOf(pem)).toBe('publickeyv1_HuEcFcwq8Ea4ecVoqFHN6pavTfzhqSWuQwG8RHRT3grD');
  });

  it('encodes base58 with leading zero bytes as 1s', () => {
    expect(base58(Uint8Array.from([0, 0, 1]))).toBe('112');
    expect(base58(Uint8Array.from([255]))).toBe('5Q');
  });

  it('makes a private key once, readable by its owner only, and keeps it across starts', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'weft-identity-'));
    try {
      const first = await ensureRequestIdentity(directory);
      expect(first.publicKey).toMatch(/^publickeyv1_[1-9A-HJ-NP-Za-km-z]{43,44}$/);
      expect((await stat(first.privateKeyFile)).mode & 0o777).toBe(0o600);
      expect(await readFile(first.privateKeyFile, 'utf8')).toContain('BEGIN PRIVATE KEY');
      expect(await ensureRequestIdentity(directory)).toEqual(first);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
