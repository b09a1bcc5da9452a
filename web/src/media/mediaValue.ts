/**
 * Weft's media values (NODES.md 1.13): an object with `url` (or base64 `data`) and `mimeType`
 * (`mimetype` accepted, as the reference's type inference does); its kind by the MIME prefix.
 */
export type MediaKind = 'image' | 'audio' | 'video' | 'document';

export interface Media {
  kind: MediaKind;
  /** Where the bytes are: the value's URL, or a data: URL made of its `data`. */
  url: string;
  mimeType: string;
  filename: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function kindOf(mimeType: string): MediaKind {
  const type = mimeType.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'document';
}

/** The last segment of a URL's path, for a value that gives no filename. */
function nameInUrl(url: string): string {
  if (url.startsWith('data:')) return '';
  const path = url.split(/[?#]/)[0] ?? '';
  try {
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return path.slice(path.lastIndexOf('/') + 1);
  }
}

/** The value as a media value, or null when it is not one. */
export function asMedia(value: unknown): Media | null {
  if (!isRecord(value)) return null;
  const mimeType = typeof value.mimeType === 'string' ? value.mimeType : typeof value.mimetype === 'string' ? value.mimetype : null;
  if (!mimeType) return null;
  let url = typeof value.url === 'string' ? value.url : '';
  if (url === '' && typeof value.data === 'string' && value.data !== '') {
    url = value.data.startsWith('data:') ? value.data : `data:${mimeType};base64,${value.data}`;
  }
  if (url === '') return null;
  const filename = typeof value.filename === 'string' && value.filename !== '' ? value.filename : nameInUrl(url);
  return { kind: kindOf(mimeType), url, mimeType, filename };
}

/** A list whose items are all media values (an Image list, say), or null. */
export function asMediaList(value: unknown): Media[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const media = value.map(asMedia);
  return media.every((item): item is Media => item !== null) ? media : null;
}

const storedFilePath = /^\/files\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * A link into this platform's file store (`/files/<id>?expires=…&signature=…`, relative or absolute):
 * the file id and when the link stops working (ms); null for any other URL.
 */
export function storedFileLink(url: string): { fileId: string; expiresAt: number } | null {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return null;
  }
  const match = storedFilePath.exec(parsed.pathname);
  if (!match || !parsed.searchParams.has('signature')) return null;
  const expires = Number(parsed.searchParams.get('expires'));
  return { fileId: match[1]!.toLowerCase(), expiresAt: Number.isFinite(expires) ? expires * 1000 : 0 };
}
