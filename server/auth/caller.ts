import type { ApiTokens } from './apiTokens';
import { sameSecret } from './secrets';
import { type Scope, scopes } from './scopes';
import type { TaskLinks } from './taskLinks';

/** Who sends an operation, as far as authorization cares. */
export type Caller =
  | { kind: 'everyone'; scopes: readonly Scope[] } // auth is off
  | { kind: 'token'; scopes: readonly Scope[]; tokenId?: string }
  | { kind: 'task link'; scopes: readonly Scope[]; taskId: string }
  | { kind: 'anonymous'; scopes: readonly Scope[] }
  | { kind: 'invalid credential'; scopes: readonly Scope[] };

export const everyone: Caller = { kind: 'everyone', scopes };
const anonymous: Caller = { kind: 'anonymous', scopes: [] };
const invalidCredential: Caller = { kind: 'invalid credential', scopes: [] };

/** Turns the credential an operation carries (a bearer token, or none) into a Caller. */
export class Authenticator {
  constructor(
    readonly enabled: boolean,
    private readonly tokens: ApiTokens,
    readonly taskLinks: TaskLinks,
    private readonly adminToken?: string,
  ) {}

  async callerFor(credential: string | undefined): Promise<Caller> {
    if (!this.enabled) return everyone;
    if (!credential) return anonymous;
    if (this.adminToken && sameSecret(credential, this.adminToken)) return { kind: 'token', scopes: ['admin'] };
    const taskId = this.taskLinks.taskOf(credential);
    if (taskId) return { kind: 'task link', scopes: [], taskId };
    const holder = await this.tokens.holderOf(credential);
    return holder ? { kind: 'token', scopes: holder.scopes, tokenId: holder.tokenId } : invalidCredential;
  }
}

/** `Bearer <token>` from an Authorization header or a graphql-ws connection_init payload. */
export function bearerCredential(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : undefined;
}

/** The credential in a graphql-ws payload: `{ authorization: "Bearer …" }` or `{ token: "…" }`. */
export function connectionParamsCredential(params: Record<string, unknown> | undefined): string | undefined {
  if (!params) return undefined;
  const authorization = params.authorization ?? params.Authorization;
  if (authorization !== undefined) return bearerCredential(authorization);
  return typeof params.token === 'string' && params.token ? params.token : undefined;
}
