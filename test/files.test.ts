import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createProject, runProject, waitForStatus } from './support/executions';
import { graphqlData } from './support/graphql';
import { usePlatform } from './support/usePlatform';

const maxBytes = 64 * 1024;
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function upload(baseUrl: string, body: Buffer | ReadableStream, query: string, contentType = 'image/png') {
  const response = await fetch(`${baseUrl}/files?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body, duplex: 'half' } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('the file store: streamed uploads with a limit, signed short-lived downloads', () => {
  const platform = usePlatform({ env: { FILE_MAX_BYTES: String(maxBytes), FILE_URL_TTL_SECONDS: '2' } });
  const base = () => platform.current.url;
  const url = () => platform.current.graphqlUrl;

  it('an upload is stored under DATA_DIR/files, listed with its project, downloaded through its signed link, and deleted', async () => {
    const projectId = await createProject(url(), 'with files', 'x = Text');
    const uploaded = await upload(base(), png, `filename=${encodeURIComponent('pixel one.png')}&projectId=${projectId}`);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ filename: 'pixel one.png', mimeType: 'image/png', size: png.length, url: expect.stringMatching(/^\/files\/[0-9a-f-]{36}\?expires=\d+&signature=/) });
    expect(await readdir(path.join(platform.current.dataDir, 'files'))).toEqual([uploaded.body.id]);

    const { files } = await graphqlData(url(), `{ files { id filename mimeType size project { id } executionId nodeId createdAt url media } }`);
    expect(files).toEqual([
      expect.objectContaining({ id: uploaded.body.id, filename: 'pixel one.png', mimeType: 'image/png', size: png.length, project: { id: projectId }, executionId: null, nodeId: null }),
    ]);
    expect(files[0].media).toEqual({ url: expect.stringMatching(/^\/files\//), mimeType: 'image/png', filename: 'pixel one.png' });

    const download = await fetch(`${base()}${files[0].url}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(png);
    expect((await fetch(`${base()}/files/${uploaded.body.id}`)).status).toBe(403);
    // Its first character changed (to another one: a signature may begin with any of them).
    const tampered = files[0].url.replace(/signature=(.)/, (_: string, first: string) => `signature=${first === 'A' ? 'B' : 'A'}`);
    expect((await fetch(`${base()}${tampered}`)).status).toBe(403);

    const { deleteFile } = await graphqlData(url(), `mutation ($id: ID!) { deleteFile(id: $id) }`, { id: uploaded.body.id });
    expect(deleteFile).toBe(uploaded.body.id);
    expect(await readdir(path.join(platform.current.dataDir, 'files'))).toEqual([]);
    expect((await fetch(`${base()}${files[0].url}`)).status).toBe(404);
  }, 60_000);

  it('a signed link stops working when it expires', async () => {
    const uploaded = await upload(base(), png, 'filename=a.png');
    expect((await fetch(`${base()}${uploaded.body.url}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const expired = await fetch(`${base()}${uploaded.body.url}`);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: 'This download link has expired: ask for the file again for a fresh link' });
  }, 30_000);

  it('an upload over FILE_MAX_BYTES is refused with 413 and leaves nothing behind, declared or streamed without a length', async () => {
    const before = (await readdir(path.join(platform.current.dataDir, 'files'))).length;
    const declared = await upload(base(), Buffer.alloc(maxBytes + 1, 7), 'filename=big.bin', 'application/octet-stream');
    expect(declared).toEqual({ status: 413, body: { error: `The file is ${maxBytes + 1} bytes, more than the limit of ${maxBytes} bytes (FILE_MAX_BYTES)` } });
    // Chunked: no content-length, so the limit is found while streaming.
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent > maxBytes * 2) return controller.close();
        sent += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
    });
    const streamed = await upload(base(), stream, 'filename=stream.bin', 'application/octet-stream');
    expect(streamed).toEqual({ status: 413, body: { error: `The file is larger than the limit of ${maxBytes} bytes (FILE_MAX_BYTES)` } });
    expect((await readdir(path.join(platform.current.dataDir, 'files'))).length).toBe(before);
    const { files } = await graphqlData(url(), `{ files { filename } }`);
    expect(files.map((f: { filename: string }) => f.filename)).not.toContain('stream.bin');
    const exact = await upload(base(), Buffer.alloc(maxBytes, 1), 'filename=exact.bin', 'application/octet-stream');
    expect(exact.status).toBe(201);
  }, 30_000);
});

describe('files made by runs', () => {
  const platform = usePlatform({ env: { FILE_MAX_BYTES: String(maxBytes) } });
  const url = () => platform.current.graphqlUrl;
  const program = `
draw = ExecPython -> (picture: Image) {
  code: "return {'picture': {'data': '${png.toString('base64')}', 'mimeType': 'image/png', 'filename': 'dot.png'}}"
}
numbers = ExecPython -> (xs: List[Number]) {
  code: "return {'xs': [1, 2]}"
}
page = ExecPython(x: Number) -> (doc: Document) {
  code: "return {'doc': {'url': 'data:text/plain;base64,' + __import__('base64').b64encode(('page %d' % x).encode()).decode(), 'mimeType': 'text/plain'}}"
}
page.x = numbers.xs
link = Image {
  media: {"url": "https://cdn.example.com/cat.png"}
}
`;
  const fileFields = 'id filename mimeType size executionId nodeId lane project { id } url';

  it('a media value with inline bytes in a node output is stored as a file of its execution, node and lane; links are not fetched', async () => {
    const projectId = await createProject(url(), 'draws', program);
    const executionId = await runProject(url(), projectId);
    const run = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed');
    // Outputs stay as the node gave them.
    expect(run.node('draw')?.output.picture).toEqual({ data: png.toString('base64'), mimeType: 'image/png', filename: 'dot.png' });

    const { files } = await graphqlData(url(), `query ($e: ID) { files(executionId: $e) { ${fileFields} } }`, { e: executionId });
    const made = [...files].sort((a: any, b: any) => `${a.nodeId}${a.lane}`.localeCompare(`${b.nodeId}${b.lane}`));
    expect(made).toEqual([
      expect.objectContaining({ filename: 'dot.png', mimeType: 'image/png', size: png.length, executionId, nodeId: 'draw', lane: [], project: { id: projectId } }),
      expect.objectContaining({ filename: 'page-doc.txt', mimeType: 'text/plain', size: 6, executionId, nodeId: 'page', lane: [0], project: { id: projectId } }),
      expect.objectContaining({ filename: 'page-doc.txt', mimeType: 'text/plain', size: 6, executionId, nodeId: 'page', lane: [1], project: { id: projectId } }),
    ]);
    expect(await readdir(path.join(platform.current.dataDir, 'files'))).toEqual(expect.arrayContaining(made.map((f: any) => f.id)));
    const picture = await fetch(`${platform.current.url}${made[0].url}`);
    expect(Buffer.from(await picture.arrayBuffer())).toEqual(png);

    const { execution } = await graphqlData(url(), `query ($id: ID!) { execution(id: $id) { files { id } nodeRuns { nodeId lane files { ${fileFields} } } } }`, { id: executionId });
    expect(execution.files.map((f: any) => f.id).sort()).toEqual(made.map((f: any) => f.id).sort());
    const secondPage = execution.nodeRuns.find((r: any) => r.nodeId === 'page' && r.lane.join() === '1');
    expect(secondPage.files).toHaveLength(1);
    expect(await (await fetch(`${platform.current.url}${secondPage.files[0].url}`)).text()).toBe('page 2');
    expect(execution.nodeRuns.find((r: any) => r.nodeId === 'link').files).toEqual([]);
    expect(execution.nodeRuns.find((r: any) => r.nodeId === 'numbers').files).toEqual([]);

    // The project's list has them too, beside nothing else.
    const listed = await graphqlData(url(), `query ($p: ID) { files(projectId: $p) { id } }`, { p: projectId });
    expect(listed.files).toHaveLength(3);
  }, 90_000);
});
