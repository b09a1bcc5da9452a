import type { PrismaClient } from '../db/generated/client';
import { hashSecret, newSecret } from './secrets';
import type { Scope } from './scopes';

export const apiTokenPrefix = 'weft_';
/** NOTIFY channel that carries the id of each revoked token, so every process closes its open streams. */
export const apiTokenRevokedChannel = 'weft_api_token_revoked';
const lastUsedResolutionMs = 60_000;

export interface ApiTokenHolder {
  tokenId: string;
  scopes: Scope[];
}

/** API tokens: created with their secret shown once, stored as its hash, revoked for good. */
export class ApiTokens {
  constructor(private readonly prisma: PrismaClient) {}

  async create(name: string, scopes: Scope[]) {
    const secret = newSecret(apiTokenPrefix);
    const token = await this.prisma.apiToken.create({ data: { name, scopes: [...new Set(scopes)], secretHash: hashSecret(secret) } });
    return { token, secret };
  }

  /** True when the token existed and was active. */
  async revoke(id: string): Promise<boolean> {
    const { count } = await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count > 0) await this.prisma.$executeRaw`SELECT pg_notify(${apiTokenRevokedChannel}, ${id})`;
    return count > 0;
  }

  list() {
    return this.prisma.apiToken.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  async holderOf(secret: string): Promise<ApiTokenHolder | undefined> {
    const token = await this.prisma.apiToken.findUnique({ where: { secretHash: hashSecret(secret) } });
    if (!token || token.revokedAt) return undefined;
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > lastUsedResolutionMs) {
      await this.prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
    }
    return { tokenId: token.id, scopes: token.scopes };
  }
}
