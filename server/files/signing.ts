/** Download links: `/files/<id>?expires=<unix s>&signature=<HMAC-SHA256 of id and expiry, key from SECRET>`. */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const filesPathPrefix = '/files';

/** A signed link: optional origin, the file id, the query `signedPath` writes. */
const signedLinkPattern = /^((?:https?:\/\/[^/?#\s]+)?)\/files\/([^/?#\s]+)\?(expires=\d+&signature=[A-Za-z0-9_-]+)$/;

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

  /**
   * `value` with every download link this store signed (`/files/<id>?expires=…&signature=…`, alone
   * or after an http(s) origin), expired or not, signed afresh; everything else as it is. A link
   * whose signature does not check out is left alone, so nothing gains access it did not have.
   */
  renewLinks(value: unknown, now = Date.now()): unknown {
    if (typeof value === 'string') {
      const link = signedLinkPattern.exec(value);
      if (!link || this.check(link[2]!, new URLSearchParams(link[3]!), now) === 'invalid') return value;
      return `${link[1]}${this.signedPath(link[2]!, now)}`;
    }
    if (Array.isArray(value)) return value.map((item) => this.renewLinks(item, now));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.renewLinks(item, now)]));
    }
    return value;
  }

  check(fileId: string, query: URLSearchParams, now = Date.now()): 'ok' | 'expired' | 'invalid' {
    const expires = Number(query.get('expires'));
    const given = Buffer.from(query.get('signature') ?? '');
    const expected = Buffer.from(this.signature(fileId, expires));
    if (!Number.isInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return expires * 1000 < now ? 'expired' : 'ok';
  }
}
