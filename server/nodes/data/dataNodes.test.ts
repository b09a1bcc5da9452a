import { describe, expect, it } from '@jest/globals';
import { nodeDefinition } from '../catalog';
import { isoDate } from './date';
import { fillTemplate } from '../transform/template';
import { failureOf, runContext, type TestRun } from '../testing';

const run = (type: string, context: TestRun = {}) => nodeDefinition(type)!.run!(runContext(context));

describe('Text, Number, Boolean, List and Dict', () => {
  it.each([
    ['Text', 'Dana Okafor'],
    ['Number', 0.2],
    ['Boolean', false],
    ['List', [1, 'two', null]],
    ['Dict', { qty: 2, unit: 2.5 }],
  ])('%s outputs its config value as written', async (type, value) => {
    expect(await run(type, { config: { value } })).toEqual({ outputs: { value } });
  });

  it.each(['Text', 'Number', 'Boolean', 'List', 'Dict', 'Date'])('%s outputs null when it has no value', async (type) => {
    expect((await run(type)).outputs).toEqual({ value: null });
  });
});

describe('Date', () => {
  it('outputs an ISO-8601 date or date-time as written', async () => {
    expect((await run('Date', { config: { value: '2026-11-24' } })).outputs.value).toBe('2026-11-24');
    expect(isoDate('2026-11-24T09:30:00+02:00')).toBe('2026-11-24T09:30:00+02:00');
    expect(isoDate('2026-11-24T09:30')).toBe('2026-11-24T09:30');
  });

  it('turns any other date text into an ISO-8601 UTC date-time', () => {
    expect(isoDate('Tue, 24 Nov 2026 09:30:00 GMT')).toBe('2026-11-24T09:30:00.000Z');
  });

  it('fails on text that is not a date', async () => {
    const failure = await failureOf(run('Date', { config: { value: 'next tuesday' } }));
    expect(failure.message).toBe('"next tuesday" is not a date; write an ISO-8601 date such as "2026-11-24" or "2026-11-24T09:30:00Z"');
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
  it('fills each {{name}} placeholder with the input of that name (approval.weft)', async () => {
    const template = 'Hello {{name}}, we are sorry about: {{issue}}. A refund is on its way.';
    const result = await run('Template', { config: { template }, inputs: { name: 'Dana Okafor', issue: 'Invoice 7731' } });
    expect(result.outputs).toEqual({ text: 'Hello Dana Okafor, we are sorry about: Invoice 7731. A refund is on its way.' });
  });

  it('writes numbers and booleans as JSON text, lists and dicts as compact JSON', () => {
    const inputs = { city: 'Oslo', degrees: -3.5, ok: true, tags: ['a', 'b'], order: { qty: 2 } };
    expect(fillTemplate('{{city}}: {{degrees}} °C {{ok}} {{tags}} {{order}}', inputs)).toBe('Oslo: -3.5 °C true ["a","b"] {"qty":2}');
  });

  it('leaves nothing where a null optional input goes, and fills a placeholder used twice both times', () => {
    expect(fillTemplate('[{{note}}] {{g}}{{g}}', { note: null, g: 'ha' })).toBe('[] haha');
  });

  it('tolerates spaces inside the braces and ignores anything after the name', () => {
    expect(fillTemplate('{{ v }} / {{v | upper}}', { v: 'x' })).toBe('x / x');
  });
});

describe('Gate', () => {
  it('passes the value on when pass is true', async () => {
    expect((await run('Gate', { inputs: { pass: true, value: 'Hello' } })).outputs).toEqual({ value: 'Hello' });
  });

  it.each([false, null])('outputs null when pass is %s', async (pass) => {
    expect((await run('Gate', { inputs: { pass, value: 'Hello' } })).outputs).toEqual({ value: null });
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

  it('fails when what arrives is not a dict', async () => {
    const failure = await failureOf(run('Unpack', { inputs: { in: [1, 2] }, outputs: ['a'] }));
    expect(failure.message).toBe('Unpack needs a dictionary on "in"; it got [1,2]');
  });
});

describe('LlmConfig', () => {
  it('outputs the settings that are set as one config dict', async () => {
    const result = await run('LlmConfig', { config: { label: 'Model', model: 'gpt-4o-mini', temperature: 0.2 } });
    expect(result.outputs).toEqual({ config: { model: 'gpt-4o-mini', temperature: 0.2 } });
  });
});
