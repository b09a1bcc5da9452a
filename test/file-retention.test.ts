import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createProject, runProject, waitForStatus } from './support/executions';
import { graphqlData } from './support/graphql';
import { usePlatform } from './support/usePlatform';

/**
 * Retention (FILE_RETENTION_*): the FileRetention Restate object prunes the store every interval;
 * files made by runs past the total size or the age go, bytes and row, uploads stay (by default).
 */
const fileOf = (bytes: number, letter: string) => `{'data': __import__('base64').b64encode(b'${letter}' * ${bytes}).decode(), 'mimeType': 'application/octet-stream', 'filename': '${letter}.bin'}`;
const program = `
first = ExecPython -> (doc: Document) {
  code: "return {'doc': ${fileOf(1000, 'a')}}"
}
second = ExecPython(after: Document) -> (doc: Document) {
  code: "return {'doc': ${fileOf(1000, 'b')}}"
}
second.after = first.doc
third = ExecPython(after: Document) -> (doc: Document) {
  code: "return {'doc': ${fileOf(1000, 'c')}}"
}
third.after = second.doc
`;

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('file retention', () => {
  const env: Record<string, string> = { FILE_RETENTION_MAX_BYTES: '2500', FILE_RETENTION_DAYS: '0', FILE_RETENTION_INTERVAL_SECONDS: '1' };
  const platform = usePlatform({ env });
  const url = () => platform.current.graphqlUrl;
  const listed = async () => (await graphqlData(url(), `{ files(first: 200) { id filename executionId } }`)).files as { id: string; filename: string; executionId: string | null }[];
  const blobs = async () => (await readdir(path.join(platform.current.dataDir, 'files'))).sort();

  it('past FILE_RETENTION_MAX_BYTES the oldest files made by runs are deleted with their bytes; the newest that fit and the uploads stay; after a restart a maximum age prunes the rest', async () => {
    const upload = await fetch(`${platform.current.url}/files?filename=kept.bin`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(3000, 1) });
    expect(upload.status).toBe(201);
    const uploaded = (await upload.json()) as { id: string };

    const projectId = await createProject(url(), 'three files', program);
    const executionId = await runProject(url(), projectId);
    expect((await waitForStatus(url(), executionId, ['completed', 'failed'])).status).toBe('completed');

    // 3 × 1,000 bytes made by the run: the two newest fit in 2,500.
    const afterSize = await eventually(listed, (files) => !files.some((f) => f.filename === 'a.bin'));
    expect(afterSize.map((f) => f.filename).sort()).toEqual(['b.bin', 'c.bin', 'kept.bin']);
    expect(await blobs()).toEqual(afterSize.map((f) => f.id).sort());
    // And the next rounds leave them be.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await listed()).map((f) => f.filename).sort()).toEqual(['b.bin', 'c.bin', 'kept.bin']);

    // The same platform comes back with a maximum age of 2 s: the run's files are older than that.
    await platform.stop();
    env.FILE_RETENTION_DAYS = String(2 / 86_400);
    await platform.startAgain();
    const afterAge = await eventually(listed, (files) => files.every((f) => f.executionId === null));
    expect(afterAge.map((f) => f.id)).toEqual([uploaded.id]);
    expect(await blobs()).toEqual([uploaded.id]);
  }, 120_000);
});
