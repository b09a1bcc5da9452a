/**
 * GraphQL multipart uploads (the GraphQL multipart request spec, which Yoga parses): one file per
 * request, at most FILE_MAX_BYTES, and with auth on only from a token that may upload (the `run`
 * scope, as POST /files) — checked before the body is read, so that nobody else can make the
 * server take in a file. Yoga's parser holds the file in memory; POST /files streams large ones.
 */
import { createFetch } from '@whatwg-node/fetch';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { bearerCredential, type Authenticator } from '../auth/caller';
import { grants } from '../auth/scopes';
import { FileTooLarge } from './files';

export interface UploadLimits {
  /** FILE_MAX_BYTES: the file itself. */
  maxFileBytes: number;
  /** MAX_REQUEST_BYTES: the `operations` and `map` fields, as for any GraphQL request. */
  maxFieldBytes: number;
}

export const isMultipart = (contentType: string | null | undefined) => (contentType ?? '').toLowerCase().startsWith('multipart/form-data');

/** The largest multipart body worth reading: the file, its two fields and the part headers. */
export const maxMultipartBytes = (limits: UploadLimits) => limits.maxFileBytes + 2 * limits.maxFieldBytes + 64 * 1024;

/** Yoga's fetch API with the multipart parser's limits set (Yoga builds every request with it). */
export function uploadFetchAPI(limits: UploadLimits) {
  return createFetch({
    formDataLimits: { fileSize: limits.maxFileBytes, files: 1, fields: 2, fieldSize: limits.maxFieldBytes, parts: 3, headerSize: 8 * 1024 },
  });
}

export function fileTooLargeError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FILE_TOO_LARGE', http: { status: 413 } } });
}

export function useFileUploads(options: UploadLimits & { authenticator: Authenticator; authEnabled: boolean }): Plugin {
  const { authenticator, authEnabled, maxFileBytes } = options;
  return {
    async onRequestParse({ request, requestParser, setRequestParser }) {
      if (!isMultipart(request.headers.get('content-type')) || !requestParser) return;
      if (authEnabled) {
        const credential = bearerCredential(request.headers.get('authorization') ?? undefined);
        const caller = credential ? await authenticator.callerFor(credential) : undefined;
        if (!caller || caller.kind !== 'token') {
          throw new GraphQLError('Uploading needs a token: send "Authorization: Bearer <token>" (scope run)', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        if (!grants(caller.scopes, 'run')) {
          throw new GraphQLError('Uploading needs a token with the run scope', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
        }
      }
      const parse = requestParser;
      setRequestParser(async (parsed) => {
        try {
          return await parse(parsed);
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          if (error.extensions.code === 'REQUEST_ENTITY_TOO_LARGE') throw fileTooLargeError(new FileTooLarge(maxFileBytes).message);
          if (/Files limit exceeded|Parts limit exceeded/.test(error.message)) {
            throw new GraphQLError('A GraphQL upload carries one file: send one request per file', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          throw error;
        }
      });
    },
  };
}
