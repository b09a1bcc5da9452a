import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { apiTokenRevokedChannel } from '../auth/apiTokens';
import type { Caller } from '../auth/caller';
import type { Database } from '../db/database';

/**
 * The open graphql-ws connections and SSE streams of each API token, so that revoking a token (on
 * any process: ApiTokens.revoke NOTIFYs every one) closes them at once instead of letting them
 * stream on: a WebSocket with 4403, an SSE stream by ending its response.
 */
export class TokenConnections {
  private readonly byToken = new Map<string, Set<() => void>>();

  /** Registers how to close one connection of the token; the returned function forgets it. */
  add(tokenId: string, close: () => void): () => void {
    let closers = this.byToken.get(tokenId);
    if (!closers) this.byToken.set(tokenId, (closers = new Set()));
    closers.add(close);
    return () => {
      closers.delete(close);
      if (closers.size === 0 && this.byToken.get(tokenId) === closers) this.byToken.delete(tokenId);
    };
  }

  closeAll(tokenId: string): void {
    const closers = this.byToken.get(tokenId);
    this.byToken.delete(tokenId);
    for (const close of closers ?? []) close();
  }

  /** Follows revocations made by any process sharing the database. */
  listen(database: Database): Promise<() => Promise<void>> {
    return database.listen(apiTokenRevokedChannel, (tokenId) => this.closeAll(tokenId));
  }

  /** Registers every SSE subscription made with an API token (graphql-ws connections register in graphqlWs.ts). */
  plugin(): Plugin<{ caller?: Caller; socket?: object; req?: IncomingMessage }> {
    return {
      onSubscribe: ({ args }) => {
        const { caller, socket, req } = args.contextValue as { caller?: Caller; socket?: object; req?: IncomingMessage };
        if (socket || !req || caller?.kind !== 'token' || !caller.tokenId) return undefined;
        const tokenId = caller.tokenId;
        return {
          onSubscribeResult: ({ result }) => {
            if (!(Symbol.asyncIterator in result)) return undefined;
            const forget = this.add(tokenId, () => req.socket.destroy());
            return { onEnd: forget };
          },
        };
      },
    };
  }
}
