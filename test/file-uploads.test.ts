import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createProject } from './support/executions';
import { graphqlData, graphqlPost } from './support/graphql';
import { usePlatform } from './support/usePlatform';

/** GraphQL multipart uploads (the GraphQL multipart request spec): `uploadFile(file: File!, projectId: ID)`. */
const maxBytes = 64 * 1024;
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const adminToken = 'upload-admin-token-0123456789abcdef';
const uploadMutation = `mutation ($file: File!, $projectId: ID) { uploadFile(file: $file, projectId: $projectId) {
  __typename ... on StoredFile { id filename mimeType size project { id } url media } ... on Problem { code message } } }`;

/** A multipart request as a browser's FormData sends it: operations, map, then the file. */
function multipart(file: Blob, filename: string, variables: Record<string, unknown> = {}, query = uploadMutation): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', file, filename);
  return form;
}

async function send(graphqlUrl: string, body: FormData | ReadableStream, headers: Record<string, string> = {}) {
  const response = await fetch(graphqlUrl, { method: 'POST', headers: { 'x-graphql-csrf': '1', ...headers }, body, duplex: 'half' } as RequestInit);
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: response.status, body: json };
}

const storedBlobs = (dataDir: string) => readdir(path.join(dataDir, 'files')).catch(() => [] as string[]);

describe('GraphQL multipart uploads', () => {
  const platform = usePlatform({ env: { FILE_MAX_BYTES: String(maxBytes), MAX_REQUEST_BYTES: String(16 * 1024) } });
  const url = () => platform.current.graphqlUrl;

  it('uploadFile stores the file for its project: listed, downloadable through its signed link, its bytes intact', async () => {
    const projectId = await createProject(url(), 'uploads', 'x = Text');
    const { status, body } = await send(url(), multipart(new Blob([png], { type: 'image/png' }), 'pixel.png', { projectId }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const uploaded = body.data.uploadFile;
    expect(uploaded).toMatchObject({ __typename: 'StoredFile', filename: 'pixel.png', mimeType: 'image/png', size: png.length, project: { id: projectId } });
    expect(uploaded.media).toEqual({ url: uploaded.url, mimeType: 'image/png', filename: 'pixel.png' });
    expect(await storedBlobs(platform.current.dataDir)).toContain(uploaded.id);
    const { files } = await graphqlData(url(), `query ($p: ID) { files(projectId: $p) { id filename } }`, { p: projectId });
    expect(files).toEqual([{ id: uploaded.id, filename: 'pixel.png' }]);
    const download = await fetch(`${platform.current.url}${uploaded.url}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(png);
  }, 60_000);

  it('a file of exactly FILE_MAX_BYTES, itself larger than MAX_REQUEST_BYTES, is stored', async () => {
    const exact = await send(url(), multipart(new Blob([Buffer.alloc(maxBytes, 3)]), 'exact.bin'));
    expect(exact.body.errors).toBeUndefined();
    expect(exact.body.data.uploadFile).toMatchObject({ filename: 'exact.bin', size: maxBytes, mimeType: 'application/octet-stream' });
  }, 30_000);

  it('an upload over FILE_MAX_BYTES is refused with a clear error and nothing is stored, with a declared length or streamed without one', async () => {
    const before = await storedBlobs(platform.current.dataDir);
    const declared = await send(url(), multipart(new Blob([Buffer.alloc(maxBytes * 3, 7)]), 'big.bin'));
    expect(declared.status).toBe(413);
    expect(declared.body.errors[0]).toMatchObject({ message: expect.stringContaining(`more than the limit of ${maxBytes} bytes (FILE_MAX_BYTES)`), extensions: { code: 'FILE_TOO_LARGE' } });

    // Just over the limit: within what the declared-length check lets through, so the parser's limit refuses it.
    const justOver = await send(url(), multipart(new Blob([Buffer.alloc(maxBytes + 1, 7)]), 'over.bin'));
    expect(justOver.status).toBe(413);
    expect(justOver.body.errors[0]).toMatchObject({ message: `The file is larger than the limit of ${maxBytes} bytes (FILE_MAX_BYTES)`, extensions: { code: 'FILE_TOO_LARGE' } });

    // Chunked, no content-length: the limit is found while parsing.
    const encoded = new Response(multipart(new Blob([Buffer.alloc(maxBytes * 2, 9)]), 'stream.bin'));
    const contentType = encoded.headers.get('content-type')!;
    const streamed = await send(url(), encoded.body!, { 'content-type': contentType });
    expect(streamed.status).toBe(413);
    expect(streamed.body.errors[0].extensions.code).toBe('FILE_TOO_LARGE');

    expect(await storedBlobs(platform.current.dataDir)).toEqual(before);
    const { files } = await graphqlData(url(), `{ files(first: 200) { filename } }`);
    expect(files.map((f: { filename: string }) => f.filename)).toEqual(expect.not.arrayContaining(['big.bin', 'over.bin', 'stream.bin']));
  }, 30_000);

  it('an unknown project is a NotFound problem and stores nothing; two files in one request are refused', async () => {
    const before = await storedBlobs(platform.current.dataDir);
    const missing = await send(url(), multipart(new Blob([png]), 'a.png', { projectId: '00000000-0000-4000-8000-000000000000' }));
    expect(missing.body.data.uploadFile).toEqual({ __typename: 'NotFound', code: 'NOT_FOUND', message: 'Project 00000000-0000-4000-8000-000000000000 does not exist' });
    const two = multipart(new Blob([png]), 'a.png');
    two.set('map', JSON.stringify({ 0: ['variables.file'], 1: ['variables.other'] }));
    two.set('1', new Blob([png]), 'b.png');
    const refused = await send(url(), two);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toBe('A GraphQL upload carries one file: send one request per file');
    expect(await storedBlobs(platform.current.dataDir)).toEqual(before);
  }, 30_000);

  it('a File argument sent as a JSON value is refused', async () => {
    const { body } = await graphqlPost(url(), uploadMutation, { file: 'not a file' });
    expect(body.errors?.[0]?.message).toContain('multipart request');
  }, 30_000);

  it('a multipart POST from another origin, or one without a CSRF header, is refused before anything is stored', async () => {
    const before = await storedBlobs(platform.current.dataDir);
    const crossOrigin = await send(url(), multipart(new Blob([png]), 'evil.png'), { origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.body.errors[0].message).toContain('https://evil.example');
    // A form a page on another site could post (no custom header), even without an Origin header.
    const response = await fetch(url(), { method: 'POST', body: multipart(new Blob([png]), 'form.png') });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('CSRF_HEADER_REQUIRED');
    expect(await storedBlobs(platform.current.dataDir)).toEqual(before);
  }, 30_000);
});

describe('GraphQL multipart uploads with auth on', () => {
  const platform = usePlatform({ env: { AUTH: 'on', ADMIN_TOKEN: adminToken, FILE_MAX_BYTES: String(maxBytes) } });
  const url = () => platform.current.graphqlUrl;

  it('need a token with the run scope, refused before the body is read; a run token uploads', async () => {
    const tokens: Record<string, string> = {};
    for (const scope of ['read', 'run']) {
      const { body } = await graphqlPost(url(), `mutation ($s: [ApiScope!]!) { createApiToken(name: "t", scopes: $s) { secret } }`, { s: [scope] }, { authorization: `Bearer ${adminToken}` });
      tokens[scope] = body.data!.createApiToken.secret;
    }
    const anonymous = await send(url(), multipart(new Blob([png]), 'a.png'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const reader = await send(url(), multipart(new Blob([png]), 'a.png'), { authorization: `Bearer ${tokens.read}` });
    expect(reader.status).toBe(403);
    expect(reader.body.errors[0].message).toBe('Uploading needs a token with the run scope');
    expect(await storedBlobs(platform.current.dataDir)).toEqual([]);
    const runner = await send(url(), multipart(new Blob([png], { type: 'image/png' }), 'a.png'), { authorization: `Bearer ${tokens.run}` });
    expect(runner.body.errors).toBeUndefined();
    expect(runner.body.data.uploadFile).toMatchObject({ __typename: 'StoredFile', filename: 'a.png', size: png.length });
    expect(await storedBlobs(platform.current.dataDir)).toEqual([runner.body.data.uploadFile.id]);
  }, 60_000);
});
