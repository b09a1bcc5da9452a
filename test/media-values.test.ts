/** The SPA's reading of media values (web/src/media/mediaValue.ts) and of recorded skips (server/graphql/types/skipReason.ts). */
import { describe, expect, it } from '@jest/globals';
import { asMedia, asMediaList, storedFileLink } from '../web/src/media/mediaValue';
import { skipReasonOf } from '../server/graphql/types/skipReason';

const id = '0193a4b2-7c1d-7e2f-8a3b-4c5d6e7f8091';

describe('media values as the SPA reads them', () => {
  it('takes an object with url and mimeType (or mimetype) as media, its kind by the MIME prefix', () => {
    expect(asMedia({ url: '/x/cat.png', mimeType: 'image/png', filename: 'cat.png' })).toEqual({ kind: 'image', url: '/x/cat.png', mimeType: 'image/png', filename: 'cat.png' });
    expect(asMedia({ url: 'https://a.example/talk.mp3?x=1', mimetype: 'audio/mpeg' })).toMatchObject({ kind: 'audio', filename: 'talk.mp3' });
    expect(asMedia({ url: 'https://a.example/v', mimeType: 'video/mp4' })?.kind).toBe('video');
    expect(asMedia({ url: 'https://a.example/r.pdf', mimeType: 'application/pdf' })?.kind).toBe('document');
  });

  it('makes a data: URL of base64 data when there is no url', () => {
    expect(asMedia({ data: 'iVBORw0KGgo=', mimeType: 'image/png' })?.url).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('is not fooled by values that only look alike', () => {
    for (const value of [null, 'https://a.example/cat.png', { url: '/x.png' }, { mimeType: 'image/png' }, { url: 3, mimeType: 'image/png' }, [{ url: '/a', mimeType: 'image/png' }]]) {
      expect(asMedia(value)).toBeNull();
    }
    expect(asMediaList([{ url: '/a', mimeType: 'image/png' }, { url: '/b', mimeType: 'image/gif' }])).toHaveLength(2);
    expect(asMediaList([{ url: '/a', mimeType: 'image/png' }, 'text'])).toBeNull();
    expect(asMediaList([])).toBeNull();
  });

  it('recognises a signed link into the file store, relative or absolute, and when it expires', () => {
    expect(storedFileLink(`/files/${id}?expires=1700000000&signature=abc`)).toEqual({ fileId: id, expiresAt: 1_700_000_000_000 });
    expect(storedFileLink(`https://weft.example/files/${id.toUpperCase()}?expires=5&signature=abc`)).toEqual({ fileId: id, expiresAt: 5000 });
    expect(storedFileLink(`/files/${id}`)).toBeNull();
    expect(storedFileLink(`https://cdn.example/files/not-an-id?signature=abc`)).toBeNull();
    expect(storedFileLink('data:image/png;base64,AAAA')).toBeNull();
  });
});

describe('NodeRun.skipReason', () => {
  it('reads the reason and its cause from a skipped run’s details, and nothing from other runs', () => {
    const details = { reason: 'required input data is null (mid was skipped)', cause: { input: 'data', fromNode: 'mid', fromPort: 'text', fromStatus: 'skipped' } };
    expect(skipReasonOf('skipped', details)).toEqual({
      message: 'required input data is null (mid was skipped)', input: 'data', group: null, fromNodeId: 'mid', fromPort: 'text', fromStatus: 'skipped',
    });
    expect(skipReasonOf('skipped', { reason: 'none of a, b has a value (@require_one_of)' })).toMatchObject({ input: null, fromNodeId: null });
    expect(skipReasonOf('completed', details)).toBeNull();
    expect(skipReasonOf('skipped', null)).toBeNull();
    expect(skipReasonOf('skipped', { stdout: 'x' })).toBeNull();
  });
});
