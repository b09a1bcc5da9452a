import { describe, expect, it } from '@jest/globals';
import { decodeDataUrl, findInlineMedia, producedFileId } from './producedFiles';

describe('media values with inline bytes in node outputs', () => {
  it('finds base64 data and data: URLs, at any depth, and names them', () => {
    const found = findInlineMedia(
      {
        picture: { data: Buffer.from('png!').toString('base64'), mimeType: 'image/png', filename: 'dot.png' },
        pages: [{ url: 'data:text/plain;base64,aGk=', mimetype: 'text/plain' }, { url: 'https://example.com/a.pdf', mimeType: 'application/pdf' }],
        nested: { deeper: { url: 'data:,hello%20world', mimeType: '' } },
        text: 'data:text/plain;base64,aGk=',
      },
      'draw',
    );
    expect(found.map(({ path, mimeType, filename, bytes }) => ({ path, mimeType, filename, text: bytes.toString() }))).toEqual([
      { path: 'picture', mimeType: 'image/png', filename: 'dot.png', text: 'png!' },
      { path: 'pages.0', mimeType: 'text/plain', filename: 'draw-pages-0.txt', text: 'hi' },
      { path: 'nested.deeper', mimeType: 'application/octet-stream', filename: 'draw-nested-deeper', text: 'hello world' },
    ]);
  });

  it('ignores links, objects without a MIME type, and data that is not base64', () => {
    expect(findInlineMedia({ a: { url: 'https://x/y.png', mimeType: 'image/png' }, b: { data: 'aGk=' }, c: { data: 'not base64!', mimeType: 'image/png' } }, 'n')).toEqual([]);
  });

  it('decodes data: URLs', () => {
    expect(decodeDataUrl('data:image/png;base64,AAEC')).toEqual({ mimeType: 'image/png', bytes: Buffer.from([0, 1, 2]) });
    expect(decodeDataUrl('data:text/plain;charset=utf-8,a%2Cb')).toEqual({ mimeType: 'text/plain', bytes: Buffer.from('a,b') });
    expect(decodeDataUrl('https://example.com')).toBeUndefined();
  });

  it('gives the same media of the same node run the same file id, and any other a different one', () => {
    const origin = { executionId: '0190e2a4-0000-7000-8000-000000000001', nodeId: 'draw', lane: [1] };
    const id = producedFileId(origin, 'picture');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(producedFileId({ ...origin }, 'picture')).toBe(id);
    expect(new Set([id, producedFileId({ ...origin, lane: [2] }, 'picture'), producedFileId(origin, 'other'), producedFileId({ ...origin, nodeId: 'x' }, 'picture')]).size).toBe(4);
  });
});
