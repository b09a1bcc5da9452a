import { describe, expect, it } from '@jest/globals';
import { nodeDefinition } from '../catalog';
import { fillTemplate } from '../transform/template';
import { runContext, type TestRun } from '../testing';

const run = (type: string, context: TestRun = {}) => nodeDefinition(type)!.run!(runContext(context));

describe('Text, Number, Boolean, List and Dict (NODES.md 2.1)', () => {
  it.each([
    ['Text', 'Dana Okafor'],
    ['Number', 0.2],
    ['Boolean', false],
    ['List', [1, 'two', null]],
    ['Dict', { qty: 2, unit: 2.5 }],
  ])('%s outputs its config value as written', async (type, value) => {
    expect(await run(type, { config: { value } })).toEqual({ outputs: { value } });
  });

  it.each([
    ['Text', ''], ['Number', 0], ['Boolean', false], ['List', []], ['Dict', {}],
  ])('%s outputs its fallback when it has no value', async (type, fallback) => {
    expect((await run(type)).outputs).toEqual({ value: fallback });
  });

  it('reads numeric text as a number (unparseable text gives 0) and JSON text as a List or Dict', async () => {
    expect((await run('Number', { config: { value: '5' } })).outputs.value).toBe(5);
    expect((await run('Number', { config: { value: 'five' } })).outputs.value).toBe(0);
    expect((await run('List', { config: { value: '["a", "b"]' } })).outputs.value).toEqual(['a', 'b']);
    expect((await run('List', { config: { value: '[nope' } })).outputs.value).toEqual([]);
    expect((await run('Dict', { config: { value: '{"a": 1}' } })).outputs.value).toEqual({ a: 1 });
  });
});

describe('Date', () => {
  it('outputs its text as written', async () => {
    expect((await run('Date', { config: { value: '2026-11-24' } })).outputs.value).toBe('2026-11-24');
    expect((await run('Date', { config: { value: '' } })).outputs.value).toBe('');
  });

  it('outputs the current UTC time without a value', async () => {
    const before = Date.now();
    const value = (await run('Date')).outputs.value as string;
    expect(Date.parse(value)).toBeGreaterThanOrEqual(before - 1000);
    expect(value).toMatch(/Z$/);
  });
});

describe('Debug', () => {
  it('outputs nothing and shows what arrived', async () => {
    expect(await run('Debug', { inputs: { data: { total: 42 } } })).toEqual({ outputs: {}, details: { data: { total: 42 } } });
  });

  it('shows null when null arrived', async () => {
    expect(await run('Debug', { inputs: { data: null } })).toEqual({ outputs: {}, details: { data: null } });
  });
});

describe('Template', () => {
  it('fills each {{name}} placeholder of its template input with the input of that name (approval.weft)', async () => {
    const template = 'Hello {{name}}, we are sorry about: {{issue}}. A refund is on its way.';
    const result = await run('Template', { inputs: { template, name: 'Dana Okafor', issue: 'Invoice 7731' } });
    expect(result.outputs).toEqual({ text: 'Hello Dana Okafor, we are sorry about: Invoice 7731. A refund is on its way.' });
  });

  it('writes numbers and booleans as JSON text, lists and dicts as compact JSON', () => {
    const inputs = { city: 'Oslo', degrees: -3.5, ok: true, tags: ['a', 'b'], order: { qty: 2 } };
    expect(fillTemplate('{{city}}: {{degrees}} °C {{ok}} {{tags}} {{order}}', inputs)).toBe('Oslo: -3.5 °C true ["a","b"] {"qty":2}');
  });

  it('writes a whole number as 5, not 5.0', () => {
    expect(fillTemplate('{{n}}', { n: 5 })).toBe('5');
  });

  it('leaves nothing where a null input goes, and fills a placeholder used twice both times', () => {
    expect(fillTemplate('[{{note}}] {{g}}{{g}}', { note: null, g: 'ha' })).toBe('[] haha');
  });

  it('keeps a placeholder no input has, and one with spaces inside the braces, as written (as Weft does)', () => {
    expect(fillTemplate('{{ v }} / {{missing}} / {{v}}', { v: 'x' })).toBe('{{ v }} / {{missing}} / x');
  });
});

describe('Gate', () => {
  it('passes the value on when pass is true', async () => {
    expect((await run('Gate', { inputs: { pass: true, value: 'Hello' } })).outputs).toEqual({ value: 'Hello' });
  });

  it('outputs null when pass is false', async () => {
    expect((await run('Gate', { inputs: { pass: false, value: 'Hello' } })).outputs).toEqual({ value: null });
  });
});

describe('Pack', () => {
  it('packs every declared input into out, null ones included', async () => {
    const result = await run('Pack', { inputs: { total: 42, note: '19 + 23', maybe: null } });
    expect(result.outputs).toEqual({ out: { total: 42, note: '19 + 23', maybe: null } });
  });
});

describe('Unpack', () => {
  it('gives each declared output the value of its key, and null for a key the dict lacks', async () => {
    const result = await run('Unpack', { inputs: { in: { city: 'Oslo', degrees: 3, extra: true } }, outputs: ['city', 'degrees', 'wind'] });
    expect(result.outputs).toEqual({ city: 'Oslo', degrees: 3, wind: null });
  });

  it('gives null on every output when what arrives is not a dict, as Weft does', async () => {
    expect((await run('Unpack', { inputs: { in: [1, 2] }, outputs: ['a'] })).outputs).toEqual({ a: null });
  });
});

describe('LlmConfig', () => {
  it('outputs its config as one dict, overlaid with its non-null inputs', async () => {
    const result = await run('LlmConfig', { config: { label: 'Model', model: 'gpt-4o-mini', temperature: 0.2, systemPrompt: 'field' }, inputs: { systemPrompt: 'wired' } });
    expect(result.outputs).toEqual({ config: { model: 'gpt-4o-mini', temperature: 0.2, systemPrompt: 'wired' } });
    expect((await run('LlmConfig', { config: { model: 'm' }, inputs: { systemPrompt: null } })).outputs).toEqual({ config: { model: 'm' } });
  });
});
