/**
 * Image, Audio, Video and Document (NODES.md 2.2): each reads its `media` blob field,
 * `{url, filename?, mime_type?}`, and outputs the media value `{url, mimeType, filename}`: the MIME
 * type given, else guessed from the URL's extension by the node's own table, else its fallback.
 */
import { isConfigObject, NodeFailure, type NodeRun } from '../definition';

export interface MediaKind {
  /** As the reference words its failure: "No image provided". */
  noun: string;
  extensions: Record<string, string>;
  fallback: string;
}

export const mediaKinds = {
  Image: {
    noun: 'image',
    fallback: 'image/png',
    extensions: {
      png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp',
      svg: 'image/svg+xml', tiff: 'image/tiff', ico: 'image/x-icon', heic: 'image/heic', heif: 'image/heif', avif: 'image/avif',
    },
  },
  Audio: {
    noun: 'audio',
    fallback: 'audio/mpeg',
    extensions: {
      mp3: 'audio/mpeg', ogg: 'audio/ogg', oga: 'audio/ogg', wav: 'audio/wav', flac: 'audio/flac', m4a: 'audio/mp4',
      aac: 'audio/aac', opus: 'audio/opus', wma: 'audio/x-ms-wma', webm: 'audio/webm',
    },
  },
  Video: {
    noun: 'video',
    fallback: 'video/mp4',
    extensions: {
      mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', avi: 'video/x-msvideo', mkv: 'video/x-matroska',
      wmv: 'video/x-ms-wmv', flv: 'video/x-flv', m4v: 'video/x-m4v', '3gp': 'video/3gpp',
    },
  },
  Document: {
    noun: 'document',
    fallback: 'application/octet-stream',
    extensions: {
      pdf: 'application/pdf', doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      csv: 'text/csv', txt: 'text/plain', md: 'text/markdown', json: 'application/json', xml: 'application/xml', html: 'text/html',
      zip: 'application/zip', rar: 'application/vnd.rar', '7z': 'application/x-7z-compressed', tar: 'application/x-tar',
      gz: 'application/gzip', rtf: 'application/rtf', odt: 'application/vnd.oasis.opendocument.text',
      ods: 'application/vnd.oasis.opendocument.spreadsheet', odp: 'application/vnd.oasis.opendocument.presentation',
    },
  },
} satisfies Record<string, MediaKind>;

/** The extension of a URL's path (query and fragment ignored), lowercased. */
export function extensionOf(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function guessMimeType(kind: MediaKind, url: string): string {
  return (kind.extensions as Record<string, string>)[extensionOf(url)] ?? kind.fallback;
}

export function runMedia(kind: MediaKind): NodeRun {
  return async ({ config }) => {
    const media = config.media;
    const url = isConfigObject(media) && typeof media.url === 'string' ? media.url : '';
    if (!isConfigObject(media) || url === '') throw new NodeFailure(`No ${kind.noun} provided: set the media field to { "url": "…" } (an uploaded file or a link)`);
    const given = typeof media.mime_type === 'string' ? media.mime_type : '';
    const filename = typeof media.filename === 'string' ? media.filename : '';
    return { outputs: { value: { url, mimeType: given || guessMimeType(kind, url), filename } } };
  };
}
