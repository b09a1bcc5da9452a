/** Where file bytes live: a folder under DATA_DIR (one server), or any S3-compatible bucket (several servers). */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';

// The S3 client is loaded only when a bucket is configured: it is a second of start-up otherwise.
const s3 = () => import('@aws-sdk/client-s3');

export interface BlobStore {
  /** Stores a local file's bytes under key (the caller made the file; the store may move or copy it). */
  putFile(key: string, file: string, size: number, mimeType: string): Promise<void>;
  open(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

export type FileStoreConfig =
  | { kind: 'local'; directory: string }
  | { kind: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle: boolean; accessKeyId?: string; secretAccessKey?: string; prefix: string };

const safeKey = (key: string) => {
  if (!/^[0-9a-f-]{36}$/.test(key)) throw new Error(`Not a file key: ${key}`);
  return key;
};

export class LocalBlobStore implements BlobStore {
  constructor(private readonly directory: string) {}

  async putFile(key: string, file: string): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await pipeline(createReadStream(file), createWriteStream(path.join(this.directory, safeKey(key)), { flags: 'wx' }));
  }

  async open(key: string): Promise<Readable> {
    const file = path.join(this.directory, safeKey(key));
    await stat(file);
    return createReadStream(file);
  }

  async delete(key: string): Promise<void> {
    await rm(path.join(this.directory, safeKey(key)), { force: true });
  }
}

export class S3BlobStore implements BlobStore {
  private readonly client: Promise<S3Client>;

  constructor(private readonly config: Extract<FileStoreConfig, { kind: 's3' }>) {
    this.client = s3().then(({ S3Client }) => new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // Checksums only where S3 requires them: the SDK's default sends streamed bodies aws-chunked with a
      // trailing checksum, which S3-compatible stores other than AWS (s3rver, older MinIO, …) store as is.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
    }));
    this.client.catch(() => undefined); // reported by the first call that needs it
  }

  private objectKey(key: string) {
    return `${this.config.prefix}${safeKey(key)}`;
  }

  async putFile(key: string, file: string, size: number, mimeType: string): Promise<void> {
    const { PutObjectCommand } = await s3();
    await (await this.client).send(
      new PutObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key), Body: createReadStream(file), ContentLength: size, ContentType: mimeType }),
    );
  }

  async open(key: string): Promise<Readable> {
    const { GetObjectCommand } = await s3();
    const object = await (await this.client).send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
    if (!object.Body) throw new Error(`The bucket has no object ${this.objectKey(key)}`);
    return object.Body instanceof Readable ? object.Body : Readable.fromWeb(object.Body.transformToWebStream() as never);
  }

  async delete(key: string): Promise<void> {
    const { DeleteObjectCommand } = await s3();
    await (await this.client).send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
  }
}

export function openBlobStore(config: FileStoreConfig): BlobStore {
  return config.kind === 'local' ? new LocalBlobStore(config.directory) : new S3BlobStore(config);
}
