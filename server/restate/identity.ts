/**
 * Restate's request identity (v1): restate-server signs every request it sends to a service
 * endpoint with an ed25519 key, and the SDK's `identityKeys` refuses requests not signed by one
 * of the given public keys. The embedded Restate gets a key of its own in DATA_DIR/restate.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58(bytes: Uint8Array): string {
  let value = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let text = '';
  while (value > 0n) {
    text = BASE58_ALPHABET[Number(value % 58n)] + text;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    text = `1${text}`;
  }
  return text;
}

/** `publickeyv1_<base58 of the raw 32-byte key>`, as restate-server logs it and the SDK expects it (from a private or public PEM). */
export function publicKeyOf(pem: string): string {
  const spki = createPublicKey(pem).export({ format: 'der', type: 'spki' });
  return `publickeyv1_${base58(spki.subarray(spki.length - 32))}`;
}

export interface RequestIdentity {
  privateKeyFile: string;
  publicKey: string;
}

/** The embedded Restate's signing key, made on first start (readable by this user only). */
export async function ensureRequestIdentity(directory: string): Promise<RequestIdentity> {
  const privateKeyFile = path.join(directory, 'request-identity.pem');
  let pem = await readFile(privateKeyFile, 'utf8').catch(() => undefined);
  if (!pem) {
    pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await writeFile(privateKeyFile, pem, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      pem = await readFile(privateKeyFile, 'utf8');
    });
  }
  return { privateKeyFile, publicKey: publicKeyOf(pem!) };
}
