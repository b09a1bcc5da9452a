/** Reading an Rss trigger's feed: through the nodes' egress guard, within the Http node's time and size limits. */
import type { NodeSettings } from '../nodes/definition';
import { nodeFetch, readLimitedBody, requestFailure, timeLimit } from '../nodes/fetching';
import { feedEntries } from '../nodes/triggers/rss';
import type { FeedRead } from './rssObject';

/** The reference's User-Agent for feed requests. */
export const feedUserAgent = 'WeaveMind/1.0 (RSS Feed Reader)';

export async function readFeed(settings: NodeSettings, url: string): Promise<FeedRead> {
  const what = `GET ${url}`;
  const limit = timeLimit(new AbortController().signal, settings.http.timeoutMs);
  let body: string;
  try {
    const response = await nodeFetch({ settings }, url, {
      headers: { 'user-agent': feedUserAgent, accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml;q=0.9, */*;q=0.8' },
      redirect: 'follow',
      signal: limit.signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { problem: `${what} answered ${response.status} ${response.statusText}`.trim() };
    }
    body = await readLimitedBody(response, settings.http.maxBodyBytes, limit, what);
  } catch (error) {
    return { problem: requestFailure(error, what, limit).message };
  }
  try {
    return { entries: feedEntries(body) };
  } catch (error) {
    return { problem: `${url} is not an RSS or Atom feed: ${(error as Error).message}` };
  }
}
