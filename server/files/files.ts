/** The file store: uploads (streamed, with a size limit), files made by runs, listing, deletion. */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PrismaClient, StoredFile } from '../db/generated/client';
import { isUniqueViolation } from '../db/transactions';
import type { BlobStore } from './blobStore';
import type { FileLinks } from './signing';

export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the limit of ${maxBytes} bytes (FILE_MAX_BYTES)`);
    this.name = 'FileTooLarge';
  }
}

export interface NewFile {
  filename: string;
  mimeType: string;
  projectId?: string | null;
  executionId?: string | null;
  nodeId?: string | null;
  laneKey?: string | null;
}

/** A media value as Weft's nodes pass them (NODES.md 1.13): `{url, mimeType, filename}`. */
export interface MediaValue {
  url: string;
  mimeType: string;
  filename: string;
  [key: string]: string;
}

const cleanName = (name: string) => name.replace(/[\u0000-\u001f/\\]/g, '_').slice(0, 255) || 'file';

export class Files {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: BlobStore,
    readonly links: FileLinks,
    readonly maxBytes: number,
    private readonly spoolDirectory = path.join(os.tmpdir(), 'weftworks-uploads'),
  ) {}

  /** Streams bytes into the store; more than maxBytes stops the stream and stores nothing. */
  async save(bytes: Readable, file: NewFile, id: string = randomUUID()): Promise<StoredFile> {
    await mkdir(this.spoolDirectory, { recursive: true });
    const spool = path.join(this.spoolDirectory, id);
    let size = 0;
    const limit = this.maxBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) done(new FileTooLarge(limit));
        else done(null, chunk);
      },
    });
    try {
      // Not pipeline(bytes, …): on a refusal the request must stay open, so that the 413 can be read.
      bytes.once('error', (error) => counter.destroy(error));
      bytes.once('close', () => {
        if (!bytes.readableEnded) counter.destroy(new Error('The upload was interrupted'));
      });
      bytes.pipe(counter);
      await pipeline(counter, createWriteStream(spool));
      const mimeType = file.mimeType.trim() || 'application/octet-stream';
      await this.store.putFile(id, spool, size, mimeType);
      return await this.prisma.storedFile.create({
        data: {
          id, filename: cleanName(file.filename), mimeType, size, storageKey: id,
          projectId: file.projectId ?? null, executionId: file.executionId ?? null, nodeId: file.nodeId ?? null, laneKey: file.laneKey ?? null,
        },
      });
    } finally {
      await rm(spool, { force: true });
    }
  }

  /**
   * Stores a file under an id its caller derives from where it came from, once: a step that
   * Restate runs again finds it stored. Bytes left by an attempt that stopped before its row are replaced.
   */
  async saveOnce(id: string, bytes: Buffer, file: NewFile): Promise<StoredFile> {
    const existing = await this.find(id);
    if (existing) return existing;
    await this.store.delete(id);
    try {
      return await this.save(Readable.from([bytes]), file, id);
    } catch (error) {
      if (isUniqueViolation(error)) return (await this.find(id))!;
      throw error;
    }
  }

  async projectOfExecution(executionId: string): Promise<string | null> {
    return (await this.prisma.execution.findUnique({ where: { id: executionId }, select: { projectId: true } }))?.projectId ?? null;
  }

  find(id: string): Promise<StoredFile | null> {
    return this.prisma.storedFile.findUnique({ where: { id } });
  }

  async open(file: StoredFile): Promise<Readable> {
    return this.store.open(file.storageKey);
  }

  async delete(id: string): Promise<boolean> {
    const file = await this.find(id);
    if (!file) return false;
    await this.store.delete(file.storageKey);
    await this.prisma.storedFile.deleteMany({ where: { id } });
    return true;
  }

  /** The media value of a stored file: a signed, short-lived URL (absolute when baseUrl is given). */
  media(file: StoredFile, baseUrl = ''): MediaValue {
    return { url: `${baseUrl}${this.links.signedPath(file.id)}`, mimeType: file.mimeType, filename: file.filename };
  }
}
