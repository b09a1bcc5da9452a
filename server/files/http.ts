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

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function reply(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Answers 413; what the client still sends is read and dropped (up to 16 MiB, then the connection is
 * closed), so that it gets to read the answer rather than a reset connection.
 */
function refuseTooLarge(request: http.IncomingMessage, response: http.ServerResponse, message: string): void {
  let drained = 0;
  request.unpipe();
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > 16 * 1024 * 1024) request.destroy();
  });
  request.resume();
  reply(response, 413, { error: message });
}

export function createFilesHandler(options: { files: Files; authenticator: Authenticator; authEnabled: boolean; log: Logger }) {
  const { files, authenticator, authEnabled, log } = options;

  async function upload(request: http.IncomingMessage, response: http.ServerResponse, query: URLSearchParams) {
    if (authEnabled) {
      const credential = bearerCredential(request.headers.authorization);
      const caller = credential ? await authenticator.callerFor(credential) : undefined;
      if (!caller || caller.kind !== 'token') return reply(response, 401, { error: 'Uploading needs a token: send "Authorization: Bearer <token>" (scope run)' });
      if (!grants(caller.scopes, 'run')) return reply(response, 403, { error: 'Uploading needs a token with the run scope' });
    }
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > files.maxBytes) {
      return refuseTooLarge(request, response, `The file is ${declared} bytes, more than the limit of ${files.maxBytes} bytes (FILE_MAX_BYTES)`);
    }
    const projectId = query.get('projectId');
    if (projectId !== null && !uuid.test(projectId)) return reply(response, 400, { error: 'projectId is not a project id' });
    try {
      const file = await files.save(request, {
        filename: query.get('filename') ?? 'upload',
        mimeType: String(request.headers['content-type'] ?? '').split(';')[0]!,
        projectId,
      });
      reply(response, 201, { id: file.id, filename: file.filename, mimeType: file.mimeType, size: file.size, url: files.links.signedPath(file.id) });
    } catch (error) {
      if (error instanceof FileTooLarge) return refuseTooLarge(request, response, error.message);
      if ((error as { code?: string }).code === 'P2003') return reply(response, 400, { error: `Project ${projectId} does not exist` });
      log.error('upload failed', { error });
      reply(response, 500, { error: 'The upload failed' });
    }
  }

  async function download(response: http.ServerResponse, id: string, query: URLSearchParams, head: boolean) {
    const verdict = files.links.check(id, query);
    if (verdict === 'expired') return reply(response, 403, { error: 'This download link has expired: ask for the file again for a fresh link' });
    if (verdict === 'invalid') return reply(response, 403, { error: 'This download link is not valid' });
    const file = await files.find(id);
    if (!file) return reply(response, 404, { error: 'No such file (it may have been deleted)' });
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
    reply(response, 404, { error: 'Not found' });
  };
}
