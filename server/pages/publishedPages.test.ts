import { describe, expect, test } from '@jest/globals';
import type { FieldView } from '../loom/projectPage';
import { applyConfigOverrides } from '../executor/plan';
import type { ExecutableGraph } from '../weft/ir';
import type { PrismaClient } from '../db/generated/client';
import { fieldValue, mergeVisitorValues, PublishedPages, slugProblem } from './publishedPages';

const field = (overrides: Partial<FieldView>): FieldView => ({ nodeId: 'n', fieldKey: 'value', fieldType: 'text', label: 'Value', value: '', sensitive: false, ...overrides });

describe('slug rules', () => {
  test('3–63 characters of a–z, 0–9 and single inner hyphens, not reserved', () => {
    expect(['abc', 'menu-planner', 'a1-b2-c3', 'x'.repeat(63)].map(slugProblem)).toEqual([undefined, undefined, undefined, undefined]);
    expect(['ab', 'x'.repeat(64), 'Caps', 'under_score', '-lead', 'trail-', 'dou--ble', 'admin', 'p', 'health'].every((slug) => slugProblem(slug))).toBe(true);
  });
});

describe('what a visitor run may set', () => {
  test('values take the shape of their field', () => {
    expect(fieldValue(field({ fieldType: 'number' }), '42')).toEqual({ value: 42 });
    expect(fieldValue(field({ value: 3 }), '7')).toEqual({ value: 7 }); // a Number node's value field is text in the catalog, a number in the code
    expect(fieldValue(field({ fieldType: 'number' }), 'lots')).toEqual({ problem: 'n value takes a number' });
    expect(fieldValue(field({ fieldType: 'checkbox' }), 'yes')).toEqual({ value: true });
    expect(fieldValue(field({ variant: 'radio', options: ['a', 'b'] }), 'b')).toEqual({ value: 'b' });
    expect(fieldValue(field({ variant: 'radio', options: ['a', 'b'] }), 'c')).toEqual({ problem: 'n value takes one of a, b' });
    expect(fieldValue(field({ variant: 'multicards', options: ['a', 'b'] }), ['a', 'b'])).toEqual({ value: '["a","b"]' });
    expect(fieldValue(field({}), { nested: true })).toEqual({ problem: 'n value takes text' });
  });

  test('only allow-listed, non-sensitive fields are merged; anything else refuses the whole run', () => {
    const fields = [field({ nodeId: 'topic' }), field({ nodeId: 'key', fieldKey: 'apiKey', fieldType: 'api_key', sensitive: true })];
    const allowlist = { inputs: { topic: ['value'], key: ['apiKey'] }, outputs: {} };
    expect(mergeVisitorValues({ topic: { value: 'owls' } }, allowlist, fields)).toEqual({ overrides: { topic: { value: 'owls' } } });
    expect(mergeVisitorValues({ key: { apiKey: 'sk' } }, allowlist, fields)).toEqual({ problem: 'key apiKey is not a field of this page that visitors may set' });
    expect(mergeVisitorValues({ hidden: { value: 'x' } }, allowlist, fields)).toEqual({ problem: 'hidden value is not a field of this page that visitors may set' });
    expect(mergeVisitorValues([1], allowlist, fields)).toEqual({ problem: 'values must be { "<node id>": { "<field>": value } }' });
  });

  test("a file field takes only an upload to that page's field, checked by its token", () => {
    const pages = new PublishedPages({ defaultRunsPerMinute: 10, maxRunsPerMinute: 100, maxRunBytes: 1000, maxUploadBytes: 1000 }, 'secret-one', noDatabase);
    const upload = { file_id: '0190aaaa-0000-7000-8000-000000000009', filename: 'cat.png', mime_type: 'image/png', size_bytes: 68 };
    const token = pages.uploadTokenFor('page-1', 'photo', 'media', upload);
    expect(pages.uploadOf('page-1', 'photo', 'media', { ...upload, upload_token: token, url: '/anything' })).toEqual(upload);
    expect(pages.uploadOf('page-2', 'photo', 'media', { ...upload, upload_token: token })).toBeUndefined();
    expect(pages.uploadOf('page-1', 'other', 'media', { ...upload, upload_token: token })).toBeUndefined();
    expect(pages.uploadOf('page-1', 'photo', 'media', { ...upload, size_bytes: 69, upload_token: token })).toBeUndefined();
    const fields = [field({ nodeId: 'photo', fieldKey: 'media', fieldType: 'blob' })];
    const allowlist = { inputs: { photo: ['media'] }, outputs: {} };
    expect(mergeVisitorValues({ photo: { media: { url: 'http://169.254.169.254/' } } }, allowlist, fields)).toEqual({ problem: 'photo media takes a file uploaded to this page' });
  });
});

// The rate limit counts in the database: test/runner-pages.test.ts and test/page-rate-limit.test.ts (two processes).
const noDatabase = {} as PrismaClient;

describe('run tokens', () => {
  test('a token names its run and cannot be forged or moved to another run', () => {
    const pages = new PublishedPages({ defaultRunsPerMinute: 10, maxRunsPerMinute: 100, maxRunBytes: 1000, maxUploadBytes: 1000 }, 'secret-one', noDatabase);
    const token = pages.runTokenFor('0190aaaa-0000-7000-8000-000000000001');
    expect(pages.executionOf(token)).toBe('0190aaaa-0000-7000-8000-000000000001');
    expect(pages.executionOf(token.replace('0001_', '0002_'))).toBeUndefined();
    expect(new PublishedPages(pages.limits, 'secret-two', noDatabase).executionOf(token)).toBeUndefined();
    expect(pages.runsPerMinute(undefined)).toBe(10);
    expect(pages.runsPerMinute(10_000)).toBe(100);
  });
});

describe('config overrides for one run', () => {
  const graph = {
    order: ['a', 'b'],
    nodes: [
      { id: 'a', type: 'Text', config: { value: 'x' }, isTrigger: false, laneDepth: 0, requireOneOf: [], inputs: [], outputs: [{ name: 'value', type: 'String', optional: false }] },
      {
        id: 'b', type: 'LlmInference', config: { systemPrompt: 'be brief' }, isTrigger: false, laneDepth: 0, requireOneOf: [],
        inputs: [{ name: 'systemPrompt', type: 'String', optional: true, lane: 'single' as never, value: 'be brief' }, { name: 'prompt', type: 'String', optional: false, lane: 'single' as never, source: { node: 'a', port: 'value' } }],
        outputs: [],
      },
    ],
  } as unknown as ExecutableGraph;

  test('change the config and the unwired ports it fills, not wired ones; unknown nodes are refused', () => {
    const applied = applyConfigOverrides(graph, { a: { value: 'y' }, b: { systemPrompt: 'be long', prompt: 'ignored for the port' } });
    if (typeof applied === 'string') throw new Error(applied);
    expect(applied.nodes[0]!.config).toEqual({ value: 'y' });
    expect(applied.nodes[1]!.inputs.map((i) => [i.name, i.value, i.source])).toEqual([['systemPrompt', 'be long', undefined], ['prompt', undefined, { node: 'a', port: 'value' }]]);
    expect(graph.nodes[0]!.config).toEqual({ value: 'x' });
    expect(applyConfigOverrides(graph, { ghost: { value: 1 } })).toBe('This run cannot start: config overrides for unknown node "ghost"');
  });
});
