import { describe, expect, it } from '@jest/globals';
import { newEntries, rememberSeen } from '../../triggers/rssObject';
import { feedEntries, feedUrlProblem } from './rss';

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x.test/</link><description>d</description>
<item><guid>g-1</guid><title>One</title><link>http://x.test/1</link></item>
<item><title>Two</title><link>http://x.test/2</link></item>
<item><description>no id, no link, no title</description></item>
</channel></rss>`;

describe('feedEntries', () => {
  it('takes the guid as id, else the link, and leaves out an entry with nothing to tell it apart', () => {
    const entries = feedEntries(rss);
    expect(entries.map((entry) => entry.entryId)).toEqual(['g-1', 'http://x.test/2']);
    expect(entries[1]!.outputs).toEqual({ title: 'Two', link: 'http://x.test/2', summary: '', content: '', published: '', entryId: 'http://x.test/2', author: '' });
  });

  it('refuses a document that is no feed', () => {
    expect(() => feedEntries('<html><body>hello</body></html>')).toThrow('could not be parsed as a feed');
  });
});

describe('seen entries', () => {
  const entry = (entryId: string) => ({ entryId, outputs: {} });

  it('are new when not seen, each once', () => {
    expect(newEntries([entry('a'), entry('b'), entry('b'), entry('c')], ['a']).map((e) => e.entryId)).toEqual(['b', 'c']);
  });

  it('keep the newest ids up to the limit', () => {
    expect(rememberSeen(['a', 'b', 'c'], ['d', 'e'], 4)).toEqual(['b', 'c', 'd', 'e']);
    expect(rememberSeen([], ['a'], 4)).toEqual(['a']);
  });
});

describe('feedUrlProblem', () => {
  it('accepts http and https only', () => {
    expect(feedUrlProblem('https://example.com/feed.xml')).toBeUndefined();
    expect(feedUrlProblem('file:///etc/passwd')).toMatch(/must start with http/);
    expect(feedUrlProblem('not a url')).toMatch(/is not a URL/);
  });
});
