import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { z } from 'zod';
import { typeOf } from '../weft/types';
import { catalog, nodeDefinition, paletteEntries } from './catalog';
import { cronProblem } from './triggers/cron';
import { coerceConfig, portsOf } from './definition';
import { templatePlaceholders } from './transform/template';
import { weftCatalogEntry } from './weftCatalog';

const TABLE = [
  'Text', 'Number', 'Boolean', 'List', 'Dict', 'Date', 'Debug', 'Template', 'Gate', 'Pack', 'Unpack', 'ExecPython', 'Http',
  'LlmConfig', 'LlmInference', 'HumanQuery', 'HumanTrigger', 'Cron', 'ApiPost', 'Annotation',
];

describe('the node catalog', () => {
  it("holds every node type of WEFT.md's table, each in its own file", () => {
    expect([...catalog.keys()]).toEqual(expect.arrayContaining(TABLE));
    const files = readdirSync(new URL('.', import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.split('/').pop());
    for (const type of TABLE) expect(files).toContain(`${type[0]!.toLowerCase()}${type.slice(1)}.ts`);
  });

  it("takes every port, type, required flag and config field from Weft's catalog.json", () => {
    for (const definition of catalog.values()) {
      const entry = weftCatalogEntry(definition.type)!;
      const asCatalog = (ports: typeof definition.inputs) => ports.map((p) => ({ name: p.name, portType: p.type, required: !p.optional }));
      expect(asCatalog(definition.inputs)).toEqual(entry.defaultInputs.map((p) => ({ name: p.name, portType: p.portType, required: p.required })));
      expect(asCatalog(definition.outputs)).toEqual(entry.defaultOutputs.map((p) => ({ name: p.name, portType: p.portType, required: p.required })));
      const inputNames = entry.defaultInputs.map((p) => p.name);
      for (const field of entry.fields.filter((f) => !inputNames.includes(f.key))) expect(Object.keys(definition.config.shape)).toContain(field.key);
      expect(definition.isTrigger).toBe(entry.features.isTrigger === true);
      expect(definition.declaredInputs).toBe(entry.features.canAddInputPorts ? 'any' : 'none');
      expect(definition.declaredOutputs).toBe(entry.features.canAddOutputPorts ? 'any' : 'narrow');
    }
  });

  it('has the interface of issue 13: Template, Debug, Http, LlmInference', () => {
    const ports = (type: string, side: 'inputs' | 'outputs') => nodeDefinition(type)![side].map((p) => [p.name, p.type, !p.optional]);
    expect(ports('Template', 'inputs')).toEqual([['template', 'String', true]]);
    expect(ports('Debug', 'inputs')).toEqual([['data', 'T', true]]);
    expect(ports('Http', 'inputs')).toEqual([['body', 'JsonDict', false], ['headers', 'Dict[String, String]', false]]);
    expect(ports('Http', 'outputs')).toEqual([['body', 'String', false], ['status', 'Number', false], ['success', 'Boolean', false]]);
    expect(Object.keys(nodeDefinition('Http')!.config.shape)).toEqual(expect.arrayContaining(['url', 'method']));
    const llm = nodeDefinition('LlmInference')!;
    expect(llm.inputs.find((p) => p.name === 'config')).toMatchObject({ optional: true, configurable: false });
    expect(Object.keys(llm.config.shape)).toEqual(expect.arrayContaining(['model', 'temperature', 'maxTokens', 'topP', 'seed', 'parseJson']));
    expect(ports('LlmInference', 'outputs')).toEqual([['response', 'MustOverride', false]]);
  });

  it('coerces config values by field type, as the reference runner does', () => {
    const fields = weftCatalogEntry('LlmInference')!.fields;
    expect(coerceConfig(fields, { model: 5, temperature: '0.5', parseJson: 'true', reasoning: 'yes', seed: true })).toEqual({
      model: '5', temperature: 0.5, parseJson: true, reasoning: false, seed: 1,
    });
  });

  it('writes every fixed port type in valid Weft', () => {
    for (const definition of catalog.values()) {
      for (const port of [...definition.inputs, ...definition.outputs]) expect(() => typeOf(port.type)).not.toThrow();
    }
  });

  it('marks as triggers exactly the types Weft\'s catalog marks (Cron, ApiPost, HumanTrigger, Rss among ours)', () => {
    const triggers = [...catalog.values()].filter((d) => d.isTrigger).map((d) => d.type).sort();
    expect(triggers).toEqual(expect.arrayContaining(['ApiPost', 'Cron', 'HumanTrigger', 'Rss']));
    for (const definition of catalog.values()) {
      expect({ type: definition.type, isTrigger: definition.isTrigger }).toEqual({ type: definition.type, isTrigger: weftCatalogEntry(definition.type)?.features.isTrigger === true });
    }
  });

  it('gives the SPA palette every type with a JSON Schema of its config', () => {
    const entries = paletteEntries();
    expect(entries.map((e) => e.type)).toEqual([...catalog.keys(), 'Group']);
    const cron = entries.find((e) => e.type === 'Cron')!;
    expect(cron.configSchema).toMatchObject({ type: 'object', properties: { cron: { type: 'string' } } });
    expect(entries.find((e) => e.type === 'Debug')!.inputs).toEqual([{ name: 'data', type: 'T', required: true, configurable: true }]);
    expect(JSON.parse(JSON.stringify(entries))).toEqual(entries);
  });

  it('gives run() to every node that computes, and none to triggers and annotations (the executor drives those, and forms with fields)', () => {
    const withoutRun = [...catalog.values()].filter((d) => d.run === undefined && TABLE.includes(d.type)).map((d) => d.type);
    expect(withoutRun.sort()).toEqual(['Annotation', 'ApiPost', 'Cron', 'HumanTrigger']);
  });
});

describe('HumanQuery', () => {
  const humanQuery = nodeDefinition('HumanQuery')!;
  const field = (fieldType: string, key: string, extra: object = {}) => ({ fieldType, key, ...extra });

  it('takes an input per field that shows or pre-fills a value, and an output per answer', () => {
    const ports = portsOf(humanQuery, {
      fields: [
        field('display', 'summary', { required: true }),
        field('display_image', 'photo'),
        field('select_input', 'pick'),
        field('multi_select_input', 'tags'),
        field('editable_text_input', 'title'),
        field('editable_textarea', 'body'),
        field('text_input', 'note'),
        field('textarea', 'essay'),
        field('select', 'tone', { config: { options: ['warm'] } }),
        field('multi_select', 'extras', { config: { options: ['a', 'b'] } }),
        field('approve_reject', 'decision'),
      ],
    }, {});
    // As the reference: a field's inputs are required unless it says required: false; outputs are optional.
    expect(ports.inputs.map((p) => [p.name, p.type, p.optional])).toEqual([
      ['summary', 'T__summary', false], ['photo', 'Image', false], ['pick', 'List[String]', false],
      ['tags', 'List[String]', false], ['title', 'String', false], ['body', 'String', false], ['context', 'String', true],
    ]);
    expect(ports.outputs.every((p) => p.optional)).toBe(true);
    expect(ports.outputs.map((p) => [p.name, p.type])).toEqual([
      ['pick', 'String'], ['tags', 'List[String]'], ['title', 'String'], ['body', 'String'], ['note', 'String'], ['essay', 'String'],
      ['tone', 'String'], ['extras', 'List[String]'], ['decision_approved', 'Boolean'], ['decision_rejected', 'Boolean'],
    ]);
  });

  it('makes a field input optional when the field says required: false, and reads fields given as JSON text', () => {
    const fields = JSON.stringify([field('display', 'note', { required: false }), field('unknown_kind', 'x')]);
    expect(portsOf(humanQuery, { fields }, {}).inputs.map((p) => [p.name, p.optional])).toEqual([['note', true], ['context', true]]);
  });

  const problems = (fields: unknown[]) =>
    humanQuery.config.safeParse({ fields }).error?.issues.map((i) => [i.path.slice(1).join('.'), i.message]) ?? [];

  it('accepts a valid field list', () => {
    expect(problems([field('text_input', 'a'), field('approve_reject', 'ok')])).toEqual([]);
  });

  it('rejects an unknown fieldType, suggesting the near one', () => {
    expect(problems([field('text_imput', 'a')])).toEqual([['0.fieldType', expect.stringContaining('(did you mean "text_input"?)')]]);
  });

  it('rejects a field without key or with a key that cannot name a port', () => {
    expect(problems([{ fieldType: 'textarea' }, field('textarea', 'two words')])).toEqual([
      ['0.key', 'every field needs a key'],
      ['1.key', expect.stringContaining('letters, digits and _')],
    ]);
  });

  it('rejects duplicate keys, including a key colliding with an approve_reject output', () => {
    expect(problems([field('text_input', 'a'), field('textarea', 'a')])).toEqual([['1.key', expect.stringContaining('port "a" is already taken')]]);
    expect(problems([field('approve_reject', 'ok'), field('text_input', 'ok_approved')])).toHaveLength(1);
  });

  it('rejects a select or multi_select without options', () => {
    expect(problems([field('select', 'a'), field('multi_select', 'b', { config: { options: [] } })])).toEqual([
      ['0', expect.stringContaining('needs config.options')],
      ['1', expect.stringContaining('needs config.options')],
    ]);
  });

  it('reports every problem of the list at once', () => {
    expect(problems([field('nope', 'a'), field('select', 'b'), field('text_input', 'c'), field('textarea', 'c')])).toHaveLength(3);
  });

  it('keeps the field input "context" for the node itself', () => {
    expect(problems([field('display', 'context')])).toEqual([['0.key', expect.stringContaining('port "context" is already taken')]]);
  });
});

describe('HumanTrigger', () => {
  it('derives its ports from fields as HumanQuery does, and reads every approve/reject as rejected when dormant', () => {
    const trigger = nodeDefinition('HumanTrigger')!;
    const fields = [{ fieldType: 'text_input', key: 'name' }, { fieldType: 'approve_reject', key: 'go' }];
    expect(portsOf(trigger, { fields }, {}).outputs.map((p) => p.name)).toEqual(['name', 'go_approved', 'go_rejected']);
    expect(trigger.config.safeParse({ fields: [{ fieldType: 'editable_textarea', key: 'x' }] }).success).toBe(true);
    expect(trigger.dormantOutputs!({ fields })).toEqual({ go_rejected: true });
  });
});

describe('Cron expressions', () => {
  it.each(['* * * * *', '*/5 * * * *', '0 9 * * 1-5', '30 2 1 * *'])('accepts %s', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['61 * * * *', 'expected range 0-59'],
    ['* * *', 'has 3'],
    ['0 0 0 * * *', 'has 6'],
    ['@daily', 'has 1'],
    ['a b c d e', 'invalid cron expression'],
  ])('rejects %s', (expression, message) => {
    expect(cronProblem(expression)).toContain(message);
  });
});

describe('Template', () => {
  it('finds its {{placeholders}} (word characters only, as in Weft), once each, in order', () => {
    expect(templatePlaceholders('{{a}} and {{ b }} and {{a}} {{c_1}}')).toEqual(['a', 'c_1']);
  });
});

describe('declared outputs', () => {
  it('a data node narrows its value output', () => {
    expect(portsOf(nodeDefinition('List')!, {}, { outputs: [{ name: 'value', type: 'List[String]' }] }).outputs).toEqual([
      { name: 'value', type: 'List[String]' },
    ]);
    expect(portsOf(nodeDefinition('List')!, {}, {}).outputs).toEqual([{ name: 'value', type: 'MustOverride', optional: true }]);
  });

  it('configs are zod objects the SPA can read', () => {
    for (const definition of catalog.values()) expect(() => z.toJSONSchema(definition.config, { unrepresentable: 'any' })).not.toThrow();
  });
});
