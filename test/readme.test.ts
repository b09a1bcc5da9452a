import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { graphqlPost } from './support/graphql';
import { usePlatform } from './support/usePlatform';
import { webSocketSubscriber } from './support/subscriptions';

/*
 * README's GraphQL examples run as written: every operation of every ```graphql block, in
 * order, and the query of every `curl … /graphql -d '{"query": …}'` line, against a live
 * server. A placeholder string such as "<id from above>" stands for the last id an earlier
 * example answered. A subscription must deliver an event when the mutation before it runs again.
 */

const adminToken = 'readme-admin-token-0123456789abcdef';
const readmePath = path.resolve(import.meta.dirname, '..', 'README.md');

interface Example {
  source: string;
  kind: 'query' | 'mutation' | 'subscription';
}

function readmeExamples(readme: string): Example[] {
  const examples: Example[] = [];
  for (const block of readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    const [, language, body] = block;
    if (language === 'graphql') {
      for (const definition of parse(body!).definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        examples.push({ source: print(definition), kind: (definition as OperationDefinitionNode).operation });
      }
    } else if (language === 'sh') {
      for (const request of body!.matchAll(/curl [^\n]*\/graphql[\s\S]*?-d '([^']*)'/g)) {
        const query = (JSON.parse(request[1]!) as { query: string }).query;
        const operation = parse(query).definitions[0] as OperationDefinitionNode;
        examples.push({ source: query, kind: operation.operation });
      }
    }
  }
  return examples;
}

/** Every `id` in a result, in the order they appear. */
function idsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(idsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, field]) => (key === 'id' && typeof field === 'string' ? [field] : idsIn(field)));
  }
  return [];
}

describe("README's GraphQL examples", () => {
  const platform = usePlatform({ env: { ADMIN_TOKEN: adminToken } });

  it('run as written against a live server, with no errors and no problem answers', async () => {
    const examples = readmeExamples(await readFile(readmePath, 'utf8'));
    expect(examples.filter((example) => example.kind !== 'subscription').length).toBeGreaterThanOrEqual(2);
    expect(examples.some((example) => example.kind === 'subscription')).toBe(true);
    const graphqlUrl = platform.current.graphqlUrl;
    const headers = { authorization: `Bearer ${adminToken}` };
    let lastId: string | undefined;
    let lastMutation: string | undefined;
    const withIds = (source: string) =>
      source.replace(/"<[^">]*>"/g, () => {
        if (!lastId) throw new Error(`A placeholder in ${source} comes before any example answered an id`);
        return JSON.stringify(lastId);
      });

    for (const example of examples) {
      const source = withIds(example.source);
      if (example.kind === 'subscription') {
        const subscriber = webSocketSubscriber(graphqlUrl);
        try {
          const events = subscriber.subscribe<Record<string, unknown>>(source, {});
          await new Promise((resolve) => setTimeout(resolve, 300)); // subscribed before the run starts
          if (lastMutation) expect((await graphqlPost(graphqlUrl, lastMutation, {}, headers)).body.errors).toBeUndefined();
          const received = await events.until((got) => got.length > 0, 30_000);
          events.stop();
          expect(Object.values(received[0]!)[0]).toBeTruthy();
        } finally {
          await subscriber.close();
        }
        continue;
      }
      const { status, body } = await graphqlPost<Record<string, unknown>>(graphqlUrl, source, {}, headers);
      expect({ example: source, status, errors: body.errors }).toEqual({ example: source, status: 200, errors: undefined });
      // A union answer selected as README shows it: the success type, not a Problem (code + message).
      for (const field of Object.values(body.data ?? {})) {
        expect({ example: source, answer: field }).not.toMatchObject({ answer: { code: expect.any(String) } });
        expect({ example: source, answer: field }).not.toEqual({ example: source, answer: {} });
      }
      lastId = idsIn(body.data).at(-1) ?? lastId;
      if (example.kind === 'mutation') lastMutation = source;
    }
  }, 120_000);
});
