/**
 * `POST /files?filename=…&projectId=…`: a streamed upload (the body is the file; its content-type the
 * MIME type), refused with 413 past FILE_MAX_BYTES; with auth on it needs a token with the `run` scope.
 * `GET /files/<id>?expires=…&signature=…`: the file, while its signed link has not expired.
 */
import type http from 'node:http';
import { bearerCredential, type Authenticator } from '../auth/caller';
import { grants } from '../auth/scopes';
import type { Logger } from '../log';
import { FileTooLarge, type Files } from './files';
import { filesPathPrefix } from './signing';
import { refuseUnread, replyJson } from '../http/jsonReply';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createFilesHandler(options: { files: Files; authenticator: Authenticator; authEnabled: boolean; log: Logger }) {
  const { files, authenticator, authEnabled, log } = options;

  async function upload(request: http.IncomingMessage, response: http.ServerResponse, query: URLSearchParams) {
    if (authEnabled) {
      const credential = bearerCredential(request.headers.authorization);
      const caller = credential ? await authenticator.callerFor(credential) : undefined;
      if (!caller || caller.kind !== 'token') return replyJson(response, 401, { error: 'Uploading needs a token: send "Authorization: Bearer <token>" (scope run)' });
      if (!grants(caller.scopes, 'run')) return replyJson(response, 403, { error: 'Uploading needs a token with the run scope' });
    }
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > files.maxBytes) {
      return refuseUnread(request, response, 413, `The file is ${declared} bytes, more than the limit of ${files.maxBytes} bytes (FILE_MAX_BYTES)`);
    }
    const projectId = query.get('projectId');
    if (projectId !== null && !uuid.test(projectId)) return replyJson(response, 400, { error: 'projectId is not a project id' });
    try {
      const file = await files.save(request, {
        filename: query.get('filename') ?? 'upload',
        mimeType: String(request.headers['content-type'] ?? '').split(';')[0]!,
        projectId,
      });
      replyJson(response, 201, { id: file.id, filename: file.filename, mimeType: file.mimeType, size: file.size, url: files.links.signedPath(file.id) });
    } catch (error) {
      if (error instanceof FileTooLarge) return refuseUnread(request, response, 413, error.message);
      if ((error as { code?: string }).code === 'P2003') return replyJson(response, 400, { error: `Project ${projectId} does not exist` });
      log.error('upload failed', { error });
      replyJson(response, 500, { error: 'The upload failed' });
    }
  }

  async function download(response: http.ServerResponse, id: string, query: URLSearchParams, head: boolean) {
    const verdict = files.links.check(id, query);
    if (verdict === 'expired') return replyJson(response, 403, { error: 'This download link has expired: ask for the file again for a fresh link' });
    if (verdict === 'invalid') return replyJson(response, 403, { error: 'This download link is not valid' });
    const file = await files.find(id);
    if (!file) return replyJson(response, 404, { error: 'No such file (it may have been deleted)' });
    const stream = await files.open(file);
    response.writeHead(200, {
      'content-type': file.mimeType,
      'content-length': String(file.size),
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      'cache-control': 'private, max-age=60',
      'x-content-type-options': 'nosniff',
      // A stored file never runs as a page of this origin.
      'content-security-policy': "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'",
    });
    if (head) return void response.end();
    stream.pipe(response);
  }

  return async (request: http.IncomingMessage, response: http.ServerResponse, pathname: string, query: URLSearchParams) => {
    if (pathname === filesPathPrefix && request.method === 'POST') return upload(request, response, query);
    const id = pathname.slice(filesPathPrefix.length + 1);
    if (pathname.startsWith(`${filesPathPrefix}/`) && uuid.test(id) && (request.method === 'GET' || request.method === 'HEAD')) {
      return download(response, id, query, request.method === 'HEAD');
    }
    replyJson(response, 404, { error: 'Not found' });
  };
}
