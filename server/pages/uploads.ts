/**
 * `POST /page-files/<slug>?node=<node id>&field=<field key>&filename=…`: an anonymous visitor's
 * upload to one file field of a published page. Only a visitor-visible file field of a live page
 * takes one; it counts against the page's requests a minute; the file may be at most
 * PAGE_MAX_UPLOAD_BYTES (and FILE_MAX_BYTES). The answer is the field's value with a token that
 * only this page's field accepts back in a run; the visitor gets no way to list files.
 */
import type http from 'node:http';
import { Transform } from 'node:stream';
import type { PrismaClient, PublishedPage } from '../db/generated/client';
import type { Files } from '../files/files';
import type { FieldView } from '../loom/projectPage';
import type { Logger } from '../log';
import type { VisitorAllowlist } from '../loom/visibility';
import { type PublishedPages, slugProblem } from './publishedPages';
import { refuseUnread, replyJson } from '../http/jsonReply';

export const pageFilesPathPrefix = '/page-files/';

class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than this page takes: at most ${limit} bytes`);
  }
}

export function createPageUploadHandler(options: {
  prisma: PrismaClient;
  pages: PublishedPages;
  files: Files;
  visitorFields: (page: PublishedPage) => readonly FieldView[];
  log: Logger;
}) {
  const { prisma, pages, files, visitorFields, log } = options;
  const limit = Math.min(pages.limits.maxUploadBytes, files.maxBytes);

  return async (request: http.IncomingMessage, response: http.ServerResponse, pathname: string, query: URLSearchParams) => {
    if (request.method !== 'POST') return refuseUnread(request, response, 405, 'Upload a file with POST', { allow: 'POST' });
    const slug = decodeURIComponent(pathname.slice(pageFilesPathPrefix.length));
    const page = slugProblem(slug) ? null : await prisma.publishedPage.findUnique({ where: { slug } });
    if (!page) return refuseUnread(request, response, 404, 'Page not found');
    if (page.state !== 'live') return refuseUnread(request, response, 503, 'This page is temporarily unavailable');
    const nodeId = query.get('node') ?? '';
    const fieldKey = query.get('field') ?? '';
    const allowlist = page.allowlist as unknown as VisitorAllowlist;
    const field = visitorFields(page).find((f) => f.nodeId === nodeId && f.fieldKey === fieldKey);
    if (!field || field.fieldType !== 'blob' || field.sensitive || !allowlist.inputs[nodeId]?.includes(fieldKey)) {
      return refuseUnread(request, response, 403, `${nodeId} ${fieldKey} is not a file field of this page that visitors may set`);
    }
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > limit) return refuseUnread(request, response, 413, `The file is ${declared} bytes; this page takes files of at most ${limit} bytes`);
    const allowed = await pages.rateLimiter.take(page.id, page.runsPerMinute, 'upload');
    if (!allowed.ok) {
      return refuseUnread(request, response, 429, `This page has had all the requests it allows this minute; try again in ${allowed.retryAfterSeconds} s`, {
        'retry-after': String(allowed.retryAfterSeconds),
      });
    }
    let size = 0;
    const bounded = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) done(new UploadTooLarge(limit));
        else done(null, chunk);
      },
    });
    request.once('close', () => {
      if (!request.readableEnded) bounded.destroy(new Error('The upload was interrupted'));
    });
    request.pipe(bounded);
    try {
      const stored = await files.save(bounded, {
        filename: query.get('filename') ?? 'upload',
        mimeType: String(request.headers['content-type'] ?? '').split(';')[0]!,
        projectId: page.projectId,
        nodeId,
      });
      const upload = { file_id: stored.id, filename: stored.filename, mime_type: stored.mimeType, size_bytes: stored.size };
      replyJson(response, 201, { value: { ...upload, url: files.links.signedPath(stored.id), upload_token: pages.uploadTokenFor(page.id, nodeId, fieldKey, upload) } });
    } catch (error) {
      if (error instanceof UploadTooLarge || (error as Error).name === 'FileTooLarge') {
        return refuseUnread(request, response, 413, `The file is larger than this page takes: at most ${limit} bytes`);
      }
      if (response.destroyed || request.destroyed) return;
      log.error('page upload failed', { error });
      replyJson(response, 500, { error: 'The upload failed' });
    }
  };
}
