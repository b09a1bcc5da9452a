/**
 * Files made by runs: a node output that carries a media value with its bytes inline (NODES.md 1.7
 * and 1.13: an object with `mimeType` and `data` in base64, or a `data:` URL as its `url` — what
 * ExecPython returns for a picture it drew, or an Image node given a data URL) is stored in the file
 * store as a file of that execution, node and lane, and so listed on the Files page and in
 * `NodeRun.files`. Outputs are recorded as the node gave them. Media that only link elsewhere are
 * not fetched.
 */
import { createHash } from 'node:crypto';
import { mediaKinds } from '../nodes/data/media';
import { optionalNodeService } from '../nodes/services';
import type { JsonValue } from '../weft/types';
import { FileTooLarge, type Files } from './files';

export interface InlineMedia {
  /** Where in the outputs: the port, then keys and indexes (`image`, `pictures.0`). */
  path: string;
  mimeType: string;
  filename: string;
  bytes: Buffer;
}

export interface NodeRunOrigin {
  executionId: string;
  nodeId: string;
  lane: readonly number[];
}

const maxDepth = 16;
const maxMediaPerRun = 100;
const base64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

const extensionByMime: Record<string, string> = Object.fromEntries(
  Object.values(mediaKinds).flatMap((kind) => Object.entries(kind.extensions).reverse().map(([extension, mime]) => [mime, extension])),
);

/** The bytes of a `data:` URL (base64 or percent-encoded), with its MIME type; undefined for any other URL. */
export function decodeDataUrl(url: string): { mimeType: string; bytes: Buffer } | undefined {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(url);
  if (!match) return undefined;
  const mimeType = (match[1] ?? '').split(';')[0]!.trim();
  if (match[2]) return base64.test(match[3]!) ? { mimeType, bytes: Buffer.from(match[3]!, 'base64') } : undefined;
  try {
    return { mimeType, bytes: Buffer.from(decodeURIComponent(match[3]!), 'utf8') };
  } catch {
    return undefined;
  }
}

function inlineBytes(value: Record<string, JsonValue>): { mimeType?: string; bytes: Buffer } | undefined {
  if (typeof value.data === 'string' && value.data !== '') {
    const fromUrl = decodeDataUrl(value.data);
    if (fromUrl) return fromUrl;
    return base64.test(value.data) ? { bytes: Buffer.from(value.data, 'base64') } : undefined;
  }
  if (typeof value.url === 'string') return decodeDataUrl(value.url);
  return undefined;
}

/** Every media value with inline bytes in a node run's outputs, outermost first. */
export function findInlineMedia(outputs: Record<string, JsonValue>, nameStem: string): InlineMedia[] {
  const found: InlineMedia[] = [];
  const visit = (value: JsonValue, path: string, depth: number) => {
    if (found.length >= maxMediaPerRun || depth > maxDepth || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((item, index) => visit(item, `${path}.${index}`, depth + 1));
    const declared = typeof value.mimeType === 'string' ? value.mimeType : typeof value.mimetype === 'string' ? value.mimetype : undefined;
    if (declared !== undefined && (typeof value.url === 'string' || typeof value.data === 'string')) {
      const inline = inlineBytes(value);
      if (inline && inline.bytes.length > 0) {
        const mimeType = declared.trim() || inline.mimeType || 'application/octet-stream';
        const given = typeof value.filename === 'string' ? value.filename.trim() : '';
        const extension = extensionByMime[mimeType.toLowerCase()];
        found.push({ path, mimeType, bytes: inline.bytes, filename: given || `${nameStem}-${path.replace(/\./g, '-')}${extension ? `.${extension}` : ''}` });
      }
      return;
    }
    for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`, depth + 1);
  };
  for (const [port, value] of Object.entries(outputs)) visit(value, port, 0);
  return found;
}

/** The same id for the same media of the same node run, so that a replayed step stores it once. */
export function producedFileId(origin: NodeRunOrigin, path: string): string {
  const hex = createHash('sha256').update(`${origin.executionId}\u0000${origin.nodeId}\u0000${origin.lane.join('.')}\u0000${path}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Stores the inline media of a completed node run. Media larger than FILE_MAX_BYTES stay only in the
 * outputs; a store that fails throws, so that the step is tried again.
 */
export async function recordProducedFiles(origin: NodeRunOrigin, outputs: Record<string, JsonValue>, files: Files | undefined = optionalNodeService('files')): Promise<string[]> {
  if (!files) return [];
  const media = findInlineMedia(outputs, origin.nodeId.replace(/[^\w.-]+/g, '_'));
  if (media.length === 0) return [];
  const projectId = await files.projectOfExecution(origin.executionId);
  const stored: string[] = [];
  for (const item of media) {
    if (item.bytes.length > files.maxBytes) continue;
    try {
      const file = await files.saveOnce(producedFileId(origin, item.path), item.bytes, {
        filename: item.filename, mimeType: item.mimeType, projectId, executionId: origin.executionId, nodeId: origin.nodeId, laneKey: origin.lane.join('.'),
      });
      stored.push(file.id);
    } catch (error) {
      if (!(error instanceof FileTooLarge)) throw error;
    }
  }
  return stored;
}
