/**
 * Realistic programs of the kind people publish (programs-semantic/*.weft): each is accepted with exactly
 * the warnings LANGUAGE.md says the reference gives, and the port types, lane modes and depths below,
 * worked out by hand from §8–§10.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { accepted, edges, node } from './support';

interface Expected {
  /** `line: message` of every warning, in order. */
  warnings: string[];
  /** `node.port` (inputs) or `node.port>` (outputs) → resolved type. */
  types?: Record<string, string>;
  /** `node.port` (inputs) → `expand:n` / `gather:n`; every other wired input is single. */
  lanes?: Record<string, string>;
  /** node → the depth it runs at. */
  depths?: Record<string, number>;
  /** node → required inputs (`name: Type`, optional ones end with `?`). */
  inputs?: Record<string, string[]>;
  /** node → outputs. */
  outputs?: Record<string, string[]>;
  /** Edges that must be present. */
  edges?: string[];
  triggers?: string[];
  requireOneOf?: Record<string, string[][]>;
}

const nullLanesAdvice = 'This node will execute even if all inputs are null. Consider making at least one input required (without Null in type) or using @require_one_of().';

const EXPECTED: Record<string, Expected> = {
  'ticket-triage.weft': {
    warnings: [],
    inputs: {
      classify__prompt: ['template: String', 'body: String'],
      reply__prompt: ['template: String', 'category: String', 'body: String'],
      classify: ['prompt: String', 'systemPrompt: String?', 'config: JsonDict?'],
    },
    outputs: { classify: ['response: JsonDict?', 'category: String?', 'urgency: Number?'] },
    types: { 'out.data': 'String', 'urgency.data': 'Number' },
    edges: ['classify__prompt.text -> classify.prompt', 'ticket.value -> classify__prompt.body', 'classify.category -> reply__prompt.category', 'llm.config -> reply.config'],
  },
  'summarise-pages.weft': {
    warnings: [],
    lanes: { 'per_page.url': 'expand:1', 'digest.parts': 'gather:1' },
    depths: { search: 0, per_page: 1, 'per_page.fetch': 1, 'per_page.sum': 1, digest: 0, show: 0 },
    types: { 'per_page.sum.config': 'JsonDict', 'show.data': 'String', 'per_page.summary>': 'String' },
    edges: ['cfg.config -> per_page.sum.config', 'per_page.url -> per_page.fetch.url', 'per_page.sum.response -> per_page.summary'],
  },
  'profile-card.weft': {
    warnings: [],
    types: {
      'profile.name': 'String', 'profile.age': 'Number', 'profile.out>': 'Dict[String, String | Number]', 'fields.in': 'Dict[String, String | Number]',
      'card.name': 'String', 'card.age': 'Number', 'show.data': 'String',
    },
    inputs: { profile: ['name: String', 'age: Number'], card: ['template: String', 'name: String', 'age: Number'] },
  },
  'gated-echo.weft': {
    warnings: [],
    types: {
      'gate.value': 'String', 'gate.value>': 'String', 'echo.x': 'String', 'echo.y>': 'String', 'pair.a': 'String', 'pair.b': 'Boolean',
      'pair.both>': 'List[String | Boolean]', 'show.data': 'List[String | Boolean]',
    },
  },
  'approve-draft.weft': {
    warnings: [],
    inputs: { review: ['context: String?', 'draft: String', 'final: String'] },
    outputs: { review: ['decision_approved: Boolean?', 'decision_rejected: Boolean?', 'final: String?'] },
    types: { 'send.value': 'String', 'show.data': 'String' },
  },
  'signup-form.weft': {
    warnings: [],
    triggers: ['signup'],
    outputs: { signup: ['email: String?', 'plan: String?'] },
    inputs: { welcome: ['template: String', 'email: String', 'plan: String'] },
  },
  'notify-one-of.weft': {
    warnings: [],
    requireOneOf: { notify: [['email', 'phone']] },
    inputs: { notify: ['email: String?', 'phone: String?'] },
  },
  'optional-input.weft': {
    warnings: [`3: Node fmt: no connected input will cause a skip if null (msg). ${nullLanesAdvice}`],
  },
  'nested-lanes.weft': {
    warnings: [
      "9: collect.all gathers data but its type List[List[Number | Null]] doesn't handle null lanes. Consider using List[List[Number | Null] | Null] in case some lanes were skipped.",
    ],
    lanes: { 'double.n': 'expand:2', 'collect.all': 'gather:2' },
    depths: { grid: 0, double: 2, collect: 0, show: 0 },
  },
  'greet-list.weft': {
    warnings: [
      '6: Implicit expand: names.value (List[String]) feeds greet.template (String). This will fan out the list into parallel lanes. ' +
        'If unintended, add a processing node to convert the type before connecting to greet.template.',
    ],
    lanes: { 'greet.template': 'expand:1' },
    depths: { names: 0, greet: 1, show: 1 },
    types: { 'names.value>': 'List[String]', 'show.data': 'String' },
  },
  'dict-limits.weft': {
    warnings: [],
    types: { 'limits.value>': 'Dict[String, Number]', 'parts.in': 'Dict[String, Number]', 'sum.a': 'Number', 'show.data': 'Number' },
  },
  'hourly-status.weft': {
    warnings: [`5: Node status: no connected input will cause a skip if null (body). ${nullLanesAdvice}`],
    triggers: ['every_hour'],
    types: { 'stamp.at': 'String', 'stamp.out>': 'Dict[String, String]', 'status.body': 'JsonDict', 'parse.raw': 'String', 'show.data': 'Boolean' },
  },
  'payment-hook.weft': {
    warnings: [],
    triggers: ['hook'],
    outputs: { hook: ['receivedAt: String?', 'name: String?', 'amount: Number?'] },
    types: { 'msg.name': 'String', 'msg.amount': 'Number' },
  },
  'count-lanes.weft': {
    warnings: [],
    lanes: { 'up.x': 'expand:1', 'count.value': 'gather:1' },
    depths: { up: 1, count: 0, show: 0 },
    types: { 'count.value': 'List[String | Null]', 'show.data': 'Number' },
  },
  'shout-group.weft': {
    warnings: [],
    lanes: { 'shout.word': 'expand:1', 'join.all': 'single:0' },
    depths: { 'shout.up': 1, join: 0 },
    types: { 'shout.loud>': 'List[String | Null]', 'join.all': 'List[String | Null]' },
  },
};

const folder = new URL('./programs-semantic/', import.meta.url);
const files = readdirSync(folder).filter((f) => f.endsWith('.weft')).sort();

const signature = (p: { name: string; type: string; optional: boolean }): string => `${p.name}: ${p.type}${p.optional ? '?' : ''}`;

describe('realistic programs: accepted, with the reference\'s warnings and the types worked out from the spec', () => {
  it('every program in programs-semantic/ has its expectations here', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', (file) => {
    const code = readFileSync(new URL(file, folder), 'utf8');
    const expected = EXPECTED[file]!;
    const { graph, warnings } = accepted(code);
    expect(warnings.map((w) => `${w.line}: ${w.message}`)).toEqual(expected.warnings);
    const port = (key: string) => {
      const isOutput = key.endsWith('>');
      const path = isOutput ? key.slice(0, -1) : key;
      const at = path.lastIndexOf('.');
      const n = node(graph, path.slice(0, at));
      const found = (isOutput ? n.outputs : n.inputs).find((p) => p.name === path.slice(at + 1));
      if (!found) throw new Error(`no port ${key}`);
      return found;
    };
    for (const [key, type] of Object.entries(expected.types ?? {})) expect([key, port(key).type]).toEqual([key, type]);
    for (const [key, mode] of Object.entries(expected.lanes ?? {})) {
      const lane = port(key).lane!;
      expect([key, `${lane.mode}:${lane.depth}`]).toEqual([key, mode]);
    }
    for (const [id, depth] of Object.entries(expected.depths ?? {})) expect([id, node(graph, id).laneDepth]).toEqual([id, depth]);
    for (const [id, list] of Object.entries(expected.inputs ?? {})) expect([id, node(graph, id).inputs.map(signature)]).toEqual([id, list]);
    for (const [id, list] of Object.entries(expected.outputs ?? {})) expect([id, node(graph, id).outputs.map(signature)]).toEqual([id, list]);
    expect(edges(graph)).toEqual(expect.arrayContaining(expected.edges ?? []));
    expect(graph.nodes.filter((n) => n.isTrigger).map((n) => n.id)).toEqual(expected.triggers ?? []);
    for (const [id, groups] of Object.entries(expected.requireOneOf ?? {})) expect(node(graph, id).requireOneOf).toEqual(groups);
  });
});
