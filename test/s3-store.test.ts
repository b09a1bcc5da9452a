import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { graphqlData } from './support/graphql';
import { usePlatform } from './support/usePlatform';

/**
 * FILE_STORE=s3 against a local S3-compatible server (s3rver, from npm): uploads land in the bucket
 * under S3_PREFIX and nowhere under DATA_DIR, downloads stream back from it, deletion removes the object.
 */
const bucket = 'weft-files';
const prefix = 'test-prefix/';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

describe('the file store on S3', () => {
  let s3: S3rver;
  let s3Directory: string;
  let client: S3Client;
  const env: Record<string, string> = { FILE_STORE: 's3', S3_BUCKET: bucket, S3_PREFIX: prefix, S3_FORCE_PATH_STYLE: 'true', S3_ACCESS_KEY_ID: credentials.accessKeyId, S3_SECRET_ACCESS_KEY: credentials.secretAccessKey };

  // Registered before the platform's own beforeAll, so that the endpoint is known when it starts.
  beforeAll(async () => {
    s3Directory = await mkdtemp(path.join(os.tmpdir(), 'weft-s3rver-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Directory, configureBuckets: [{ name: bucket, configs: [] }] });
    const { port } = (await s3.run()) as { port: number };
    env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
    client = new S3Client({ region: 'us-east-1', endpoint: env.S3_ENDPOINT, forcePathStyle: true, credentials });
  });
  const platform = usePlatform({ env });
  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await rm(s3Directory, { recursive: true, force: true });
  });

  const objectKeys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key);

  it('an upload is stored in the bucket under S3_PREFIX, downloaded intact through its signed link, and deleted from the bucket', async () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256));
    const response = await fetch(`${platform.current.url}/files?filename=data.bin`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(response.status).toBe(201);
    const uploaded = (await response.json()) as { id: string; url: string; size: number };
    expect(uploaded.size).toBe(bytes.length);
    expect(await objectKeys()).toEqual([`${prefix}${uploaded.id}`]);
    expect(await readdir(platform.current.dataDir)).not.toContain('files');

    const download = await fetch(`${platform.current.url}${uploaded.url}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(bytes.length));
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    await graphqlData(platform.current.graphqlUrl, `mutation ($id: ID!) { deleteFile(id: $id) }`, { id: uploaded.id });
    expect(await objectKeys()).toEqual([]);
    expect((await fetch(`${platform.current.url}${uploaded.url}`)).status).toBe(404);
  }, 60_000);

  it('a GraphQL multipart upload lands in the bucket too', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: 'mutation ($file: File!) { uploadFile(file: $file) { ... on StoredFile { id size url } } }', variables: { file: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new Blob(['hello from a form'], { type: 'text/plain' }), 'hello.txt');
    const response = await fetch(platform.current.graphqlUrl, { method: 'POST', headers: { 'x-graphql-csrf': '1' }, body: form });
    const { data } = (await response.json()) as { data: { uploadFile: { id: string; url: string } } };
    expect(await objectKeys()).toEqual([`${prefix}${data.uploadFile.id}`]);
    expect(await (await fetch(`${platform.current.url}${data.uploadFile.url}`)).text()).toBe('hello from a form');
  }, 60_000);
});
