/**
 * Credential values never exist in plain text outside a node's own run. A value is sealed with
 * AES-256-GCM under a key derived from SECRET into a token, `[[secret:v1:…]]`, and the token is what
 * is stored (ProjectCredential), journaled by Restate, recorded in NodeRuns and events, and sent to
 * clients. Just before a node runs its inputs are unsealed; just after, every occurrence of an
 * unsealed value in its outputs, details and error is sealed again — so a value flows downstream
 * (an Http header, a Template) while every stored or streamed copy is ciphertext.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { JsonValue } from '../weft/types';

const tokenPattern = /\[\[secret:v1:([A-Za-z0-9_-]+)\]\]/g;
const ivBytes = 12;
const tagBytes = 16;

export class SecretSealer {
  private readonly key: Buffer;

  constructor(serverSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, 'weftworks', 'credential values v1', 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `[[secret:v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}]]`;
  }

  /** The plain value of one token; throws on a token sealed under another SECRET or altered. */
  unseal(token: string): string {
    const match = /^\[\[secret:v1:([A-Za-z0-9_-]+)\]\]$/.exec(token);
    if (!match) throw new Error('Not a sealed credential value');
    return this.open(match[1]!);
  }

  private open(encoded: string): string {
    const raw = Buffer.from(encoded, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, ivBytes));
    decipher.setAuthTag(raw.subarray(ivBytes, ivBytes + tagBytes));
    return Buffer.concat([decipher.update(raw.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
  }

  /** `value` with every token inside its strings replaced by the plain value, and the values found (value → its token). */
  unsealDeep<T extends JsonValue | undefined>(value: T): { value: T; secrets: Map<string, string> } {
    const secrets = new Map<string, string>();
    const inString = (text: string) =>
      !text.includes('[[secret:v1:')
        ? text
        : text.replace(tokenPattern, (token, encoded: string) => {
            try {
              const plain = this.open(encoded);
              secrets.set(plain, token);
              return plain;
            } catch {
              return token; // not ours (another SECRET): left sealed
            }
          });
    const walk = (item: JsonValue): JsonValue => {
      if (typeof item === 'string') return inString(item);
      if (Array.isArray(item)) return item.map(walk);
      if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([k, v]) => [inString(k), walk(v)]));
      return item;
    };
    return { value: (value === undefined ? value : walk(value)) as T, secrets };
  }
}

/** `value` with every occurrence of each secret (longest first) replaced by its token, in keys and strings. */
export function resealDeep<T extends JsonValue | undefined>(value: T, secrets: ReadonlyMap<string, string>): T {
  const known = [...secrets.entries()].filter(([plain]) => plain.length > 0).sort((a, b) => b[0].length - a[0].length);
  if (known.length === 0 || value === undefined) return value;
  const inString = (text: string) => known.reduce((result, [plain, token]) => (result.includes(plain) ? result.split(plain).join(token) : result), text);
  const walk = (item: JsonValue): JsonValue => {
    if (typeof item === 'string') return inString(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([k, v]) => [inString(k), walk(v)]));
    return item;
  };
  return walk(value) as T;
}

export const containsSealedValue = (text: string) => text.includes('[[secret:v1:');
