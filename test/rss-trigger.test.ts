import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProject } from './support/executions';
import { activateTriggers, eventually, projectTriggers, runsOf, type TriggeredRun } from './support/triggers';
import { usePlatform } from './support/usePlatform';

interface Entry {
  id: string;
  title: string;
  link: string;
  summary: string;
  content: string;
  published: string;
  author: string;
}

interface FeedOnServer {
  format: 'rss' | 'atom';
  entries: Entry[];
  /** When set, the feed answers this instead of the document. */
  broken?: { status: number; body: string };
  requests: number;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rssDocument(entries: Entry[]): string {
  const items = entries.map((e) => `<item><guid isPermaLink="false">${e.id}</guid><title>${escape(e.title)}</title><link>${e.link}</link>
<description>${escape(e.summary)}</description><content:encoded><![CDATA[${e.content}]]></content:encoded>
<pubDate>${new Date(e.published).toUTCString()}</pubDate><dc:creator>${e.author}</dc:creator></item>`);
  return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>News</title><link>http://example.test/</link><description>news</description>${items.join('\n')}</channel></rss>`;
}

function atomDocument(entries: Entry[]): string {
  const items = entries.map((e) => `<entry><id>${e.id}</id><title>${escape(e.title)}</title><link rel="alternate" href="${e.link}"/>
<summary>${escape(e.summary)}</summary><content type="html">${escape(e.content)}</content><published>${e.published}</published>
<updated>${e.published}</updated><author><name>${e.author}</name></author></entry>`);
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id>
<updated>2026-01-01T00:00:00Z</updated>${items.join('\n')}</feed>`;
}

const entry = (n: number, prefix = 'news'): Entry => ({
  id: `urn:${prefix}:${n}`,
  title: `${prefix} ${n}`,
  link: `http://example.test/${prefix}/${n}`,
  summary: `summary of ${prefix} ${n}`,
  content: `<p>body of ${prefix} ${n}</p>`,
  published: new Date(Date.UTC(2026, 0, n, 12, 0, 0)).toISOString(),
  author: `Author ${n}`,
});

/** A local feed server whose feeds the tests change; it counts each feed's requests. */
function startFeedServer() {
  const feeds = new Map<string, FeedOnServer>();
  const server = http.createServer((request, response) => {
    const feed = feeds.get(request.url ?? '');
    if (!feed) return void response.writeHead(404).end('no such feed');
    feed.requests += 1;
    if (feed.broken) return void response.writeHead(feed.broken.status, { 'content-type': 'text/plain' }).end(feed.broken.body);
    const atom = feed.format === 'atom';
    response.writeHead(200, { 'content-type': atom ? 'application/atom+xml' : 'application/rss+xml' });
    response.end(atom ? atomDocument(feed.entries) : rssDocument(feed.entries));
  });
  return { server, feeds };
}

const program = (url: string) => `
feed = Rss { url: "${url}", pollIntervalSecs: 1 }
show = Debug
show.data = feed.title
`;

const feedOutputs = (run: TriggeredRun) => run.nodeRuns.find((nodeRun) => nodeRun.nodeId === 'feed')?.output;
const entryIds = (runs: TriggeredRun[]) => runs.map((run) => feedOutputs(run)?.entryId);

describe('the Rss trigger polls a feed and starts one run per new entry', () => {
  const platform = usePlatform({ env: { RSS_MIN_POLL_SECONDS: '1' } });
  const url = () => platform.current.graphqlUrl;
  const { server, feeds } = startFeedServer();
  let base = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Waits until the feed has been polled `count` more times than now. */
  const polls = async (feed: FeedOnServer, count: number) => {
    const target = feed.requests + count;
    await eventually(async () => feed.requests, (requests) => requests >= target, 30_000);
  };

  async function activateFeed(path: string, feed: FeedOnServer) {
    feeds.set(path, feed);
    const projectId = await createProject(url(), `feed ${path}`, program(`${base}${path}`));
    const { triggers, problem } = await activateTriggers(url(), projectId);
    expect(problem).toBeUndefined();
    expect(triggers).toEqual([expect.objectContaining({ nodeId: 'feed', kind: 'Rss', state: 'active', error: null })]);
    return { projectId, trigger: triggers![0]! };
  }

  it('records the entries already there, runs each new RSS entry once with its outputs, and none twice across a restart', async () => {
    const feed: FeedOnServer = { format: 'rss', entries: [entry(1), entry(2)], requests: 0 };
    const { projectId, trigger } = await activateFeed('/news.xml', feed);
    // The first poll only records what is there (as the reference does).
    await polls(feed, 2);
    expect(await runsOf(url(), trigger.id)).toEqual([]);

    feed.entries = [entry(4), entry(3), ...feed.entries];
    let runs = await eventually(() => runsOf(url(), trigger.id), (found) => found.length >= 2 && found.every((run) => run.status === 'completed'));
    await polls(feed, 3);
    runs = await runsOf(url(), trigger.id);
    expect(entryIds(runs).sort()).toEqual(['urn:news:3', 'urn:news:4']);
    expect(runs.every((run) => run.trigger === 'Rss' && run.triggerId === trigger.id && run.triggeredBy === `${base}/news.xml`)).toBe(true);
    const third = runs.find((run) => feedOutputs(run)?.entryId === 'urn:news:3')!;
    expect(feedOutputs(third)).toEqual({
      title: 'news 3',
      link: 'http://example.test/news/3',
      summary: 'summary of news 3',
      content: '<p>body of news 3</p>',
      published: '2026-01-03T12:00:00.000Z',
      entryId: 'urn:news:3',
      author: 'Author 3',
    });
    expect(third.nodeRuns.find((nodeRun) => nodeRun.nodeId === 'show')?.status).toBe('completed');

    await platform.stop();
    feed.entries = [entry(5), ...feed.entries];
    await platform.startAgain();
    await polls(feed, 2);
    feed.entries = [entry(6), ...feed.entries];
    await eventually(() => runsOf(url(), trigger.id), (found) => found.length >= 4 && found.every((run) => run.status === 'completed'), 60_000);
    await polls(feed, 3);
    runs = await runsOf(url(), trigger.id);
    // Durable dedupe: the entry added while down runs once after the restart (the reference loses it), the old ones never again.
    expect(entryIds(runs).sort()).toEqual(['urn:news:3', 'urn:news:4', 'urn:news:5', 'urn:news:6']);
    expect((await projectTriggers(url(), projectId)).map((found) => found.state)).toEqual(['active']);
  }, 180_000);

  it('reads an Atom feed: its entry id, alternate link, summary, content, published time and author', async () => {
    const feed: FeedOnServer = { format: 'atom', entries: [entry(1, 'post')], requests: 0 };
    const { trigger } = await activateFeed('/blog.atom', feed);
    await polls(feed, 2);
    feed.entries = [...feed.entries, entry(2, 'post')];
    const [run] = await eventually(() => runsOf(url(), trigger.id), (found) => found.length >= 1 && found[0]!.status === 'completed');
    await polls(feed, 2);
    expect(await runsOf(url(), trigger.id)).toHaveLength(1);
    expect(feedOutputs(run!)).toEqual({
      title: 'post 2',
      link: 'http://example.test/post/2',
      summary: 'summary of post 2',
      content: '<p>body of post 2</p>',
      published: '2026-01-02T12:00:00.000Z',
      entryId: 'urn:post:2',
      author: 'Author 2',
    });
  }, 120_000);

  it('a broken feed puts the trigger in the error state, saying why, and it keeps polling until the feed is back', async () => {
    const feed: FeedOnServer = { format: 'rss', entries: [entry(1, 'flaky')], requests: 0, broken: { status: 500, body: 'down for maintenance' } };
    const { projectId, trigger } = await activateFeed('/flaky.xml', feed);
    const [failing] = await eventually(() => projectTriggers(url(), projectId), ([found]) => found?.state === 'error');
    expect(failing!.error).toBe(`The feed could not be read: GET ${base}/flaky.xml answered 500 Internal Server Error`);

    feed.broken = { status: 200, body: 'this is not XML at all' };
    const [unparsable] = await eventually(() => projectTriggers(url(), projectId), ([found]) => found?.error !== failing!.error);
    expect(unparsable).toMatchObject({ state: 'error' });
    expect(unparsable!.error).toMatch(new RegExp(`^The feed could not be read: ${base}/flaky.xml is not an RSS or Atom feed: .+`));

    feed.broken = undefined;
    await eventually(() => projectTriggers(url(), projectId), ([found]) => found?.state === 'active' && found.error === null);
    await polls(feed, 1);
    feed.entries = [entry(2, 'flaky'), ...feed.entries];
    await eventually(() => runsOf(url(), trigger.id), (found) => found.length >= 1 && found.every((run) => run.status === 'completed'));
    await polls(feed, 2);
    expect(entryIds(await runsOf(url(), trigger.id))).toEqual(['urn:flaky:2']);
  }, 120_000);
});
