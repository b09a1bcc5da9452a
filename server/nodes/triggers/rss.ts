import { parseFeed } from '@rowanmanning/feed-parser';
import { z } from 'zod';
import { defineNode } from '../definition';
import type { JsonValue } from '../../weft/types';

/** The seconds between polls when the node does not say (the reference's default). */
export const defaultPollIntervalSecs = 300;

/** Why a feed URL cannot be polled (only http and https), or undefined when it can. */
export function feedUrlProblem(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return undefined;
    return `the feed URL "${url}" must start with http:// or https://`;
  } catch {
    return `the feed URL "${url}" is not a URL`;
  }
}

/** One entry of a feed as the node outputs it (catalog.json's ports), with the id it is deduplicated by. */
export interface FeedEntry {
  entryId: string;
  outputs: Record<string, JsonValue>;
}

/**
 * The entries of an RSS or Atom document, in the document's order. An entry's id is its guid/id,
 * else its link, else its title; an entry with none of them cannot be told apart and is left out.
 */
export function feedEntries(xml: string): FeedEntry[] {
  const feed = parseFeed(xml);
  const entries: FeedEntry[] = [];
  for (const item of feed.items) {
    const entryId = item.id ?? item.url ?? item.title;
    if (!entryId) continue;
    const published = item.published ?? item.updated;
    entries.push({
      entryId,
      outputs: {
        title: item.title ?? '',
        link: item.url ?? '',
        summary: item.description ?? '',
        content: item.content ?? '',
        published: published ? published.toISOString() : '',
        entryId,
        author: item.authors[0]?.name ?? '',
      },
    });
  }
  return entries;
}

export const rssNode = defineNode('Rss', {
  description: 'Polls an RSS or Atom feed and starts one execution per new entry.',
  category: 'Triggers',
  outputDescriptions: {
    title: "The entry's title",
    link: "The entry's first link",
    summary: "The entry's summary",
    content: "The entry's content body",
    published: 'When it was published (RFC 3339), or ""',
    entryId: "The entry's id (guid/id, else its link)",
    author: "The first author's name",
  },
  settings: {
    url: z
      .string({ error: 'an Rss node needs url: the feed to poll, e.g. "https://example.com/feed.xml"' })
      .check((ctx) => {
        const problem = feedUrlProblem(ctx.value);
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
      })
      .describe('the RSS or Atom feed to poll'),
    pollIntervalSecs: z
      .number({ error: 'pollIntervalSecs is a number of seconds' })
      .positive('pollIntervalSecs must be more than 0')
      .optional()
      .describe(`seconds between polls; ${defaultPollIntervalSecs} when absent`),
  },
});
