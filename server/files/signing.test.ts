import { describe, expect, it } from '@jest/globals';
import { FileLinks } from './signing';

describe('FileLinks.renewLinks', () => {
  const links = new FileLinks('a server secret for the test', 60);
  const signedAt = Date.UTC(2026, 0, 1);
  const later = signedAt + 3_600_000; // an hour on: the first links have expired
  const query = (link: string) => new URLSearchParams(link.slice(link.indexOf('?') + 1));

  it('signs afresh, anywhere in a form, every link this store signed, with or without an origin', () => {
    const path = links.signedPath('file-1', signedAt);
    const form = {
      title: 'Is the square red?',
      fields: [
        { fieldType: 'display_image', key: 'photo', value: { url: path, filename: 'red.svg' } },
        { fieldType: 'display', key: 'shared', value: [`http://127.0.0.1:4000${links.signedPath('file-2', signedAt)}`] },
      ],
    };
    expect(links.check('file-1', query(path), later)).toBe('expired');
    const renewed = links.renewLinks(form, later) as typeof form;
    const photo = (renewed.fields[0]!.value as { url: string }).url;
    expect(photo).toBe(links.signedPath('file-1', later));
    expect(links.check('file-1', query(photo), later)).toBe('ok');
    const shared = (renewed.fields[1]!.value as string[])[0]!;
    expect(shared).toBe(`http://127.0.0.1:4000${links.signedPath('file-2', later)}`);
    expect({ ...renewed, fields: undefined }).toEqual({ ...form, fields: undefined });
    expect(renewed.fields[0]).toMatchObject({ fieldType: 'display_image', key: 'photo', value: { filename: 'red.svg' } });
  });

  it('leaves alone what it did not sign: a forged signature, another id under a real signature, other links and text', () => {
    const real = links.signedPath('file-1', signedAt);
    const forged = real.replace(/signature=[^&]+$/, 'signature=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const otherId = real.replace('/files/file-1?', '/files/file-9?');
    const values = [forged, otherId, 'https://media.example/talk.mp3', 'see /files/file-1 for it', 42, null, true];
    expect(links.renewLinks(values, later)).toEqual(values);
    expect(links.renewLinks(new FileLinks('another secret', 60).signedPath('file-1', signedAt), later))
      .toBe(new FileLinks('another secret', 60).signedPath('file-1', signedAt));
  });
});
