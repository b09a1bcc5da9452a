/** Download links: `/files/<id>?expires=<unix s>&signature=<HMAC-SHA256 of id and expiry, key from SECRET>`. */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const filesPathPrefix = '/files';

export class FileLinks {
  private readonly key: Buffer;

  constructor(serverSecret: string, readonly ttlSeconds: number) {
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, 'weftworks', 'file download links v1', 32));
  }

  private signature(fileId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${fileId}:${expires}`).digest('base64url');
  }

  /** A path that downloads the file until `ttlSeconds` from now. */
  signedPath(fileId: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    return `${filesPathPrefix}/${fileId}?expires=${expires}&signature=${this.signature(fileId, expires)}`;
  }

  check(fileId: string, query: URLSearchParams, now = Date.now()): 'ok' | 'expired' | 'invalid' {
    const expires = Number(query.get('expires'));
    const given = Buffer.from(query.get('signature') ?? '');
    const expected = Buffer.from(this.signature(fileId, expires));
    if (!Number.isInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return expires * 1000 < now ? 'expired' : 'ok';
  }
}
