import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileWeft } from '../weft';
import type { ExecutableGraph } from '../weft/ir';
import type { JsonValue } from '../weft/types';
import {
  createRunState, isFinished, laneCounts, settle, summarize, takeReady,
  type NodeInstance, type Outcome, type ReadyInstance, type RunOptions, type RunState,
} from './scheduler';
import { examplesPath } from '../../test/support/executions';
import { dormantTriggerOutputs, planExecution, withCatalogRequirements } from './plan';
import { withGroupGates } from './groupGates';

type Inputs = Record<string, JsonValue>;
type Fake = (inputs: Inputs) => Outcome | Record<string, JsonValue>;

function compile(code: string): ExecutableGraph {
  const result = compileWeft(code);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.graph!.executable;
}

const example = (name: string) => compile(readFileSync(join(examplesPath, name), 'utf8'));

const at = (instance: NodeInstance) => (instance.lane.length ? `${instance.nodeId}[${instance.lane.join(',')}]` : instance.nodeId);
const ids = (instances: NodeInstance[]) => instances.map(at);

/** Runs a node the way the catalog would, for the few types the tests use; ExecPython nodes are given by the test. */
function fakeNodes(graph: ExecutableGraph, python: Record<string, Fake> = {}) {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  return (ready: ReadyInstance): Outcome => {
    const node = nodes.get(ready.nodeId)!;
    const outputs = (values: Record<string, JsonValue>): Outcome => ({ status: 'completed', outputs: values });
    switch (node.type) {
      case 'Text': case 'Number': case 'Boolean': case 'List': case 'Dict':
        return outputs({ value: node.config.value ?? null });
      case 'Template':
        return outputs({ text: String(node.config.template).replace(/\{\{(\w+)\}\}/g, (_, name: string) => JSON.stringify(ready.inputs[name])) });
      case 'Pack':
        return outputs({ out: ready.inputs });
      case 'Gate':
        return outputs({ value: ready.inputs.pass === true ? ready.inputs.value ?? null : null });
      case 'Debug':
        return outputs({});
      default: {
        const fake = python[ready.nodeId];
        if (!fake) return { status: 'failed', error: `no fake for ${ready.nodeId}` };
        const result = fake(ready.inputs);
        return 'status' in result && (result.status === 'completed' || result.status === 'failed') ? (result as Outcome) : outputs(result);
      }
    }
  };
}

interface Ended { status: 'completed' | 'failed' | 'skipped'; inputs?: Inputs; outputs?: Inputs; reason?: string; error?: string }

/** Runs everything to the end, one batch at a time, and returns how each instance ended, by `node[lane]`. */
function runToEnd(state: RunState, run: (ready: ReadyInstance) => Outcome): Record<string, Ended> {
  const ended: Record<string, Ended> = {};
  while (!isFinished(state)) {
    const batch = takeReady(state);
    for (const s of batch.skipped) ended[at(s)] = { status: 'skipped', inputs: s.inputs, reason: s.reason };
    for (const c of [...batch.mocked, ...batch.triggered]) ended[at(c)] = { status: 'completed', inputs: c.inputs, outputs: c.outputs };
    for (const f of batch.failed) ended[at(f)] = { status: 'failed', error: f.error };
    for (const ready of batch.run) {
      const outcome = run(ready);
      settle(state, ready, outcome);
      ended[at(ready)] = outcome.status === 'completed'
        ? { status: 'completed', inputs: ready.inputs, outputs: outcome.outputs }
        : { status: 'failed', inputs: ready.inputs, error: outcome.error };
    }
  }
  return ended;
}

function runProgram(code: string, python: Record<string, Fake> = {}, options: RunOptions = {}) {
  const graph = compile(code);
  const state = createRunState(graph, options);
  const ended = runToEnd(state, fakeNodes(graph, python));
  return { ended, state, status: (id: string) => ended[id]?.status };
}

const completed = (outputs: Record<string, JsonValue>): Outcome => ({ status: 'completed', outputs });

/** A list expanded into a group's lanes, one Template per lane inside it, gathered after it by a Python node. */
const lanesThroughAGroup = [
  'nums = List -> (value: List[Number]) {', '  value: [1, 2, 3]', '}',
  'g = Group(n: Number) -> (out: String) {',
  '  t = Template(n: Number) { template: "<{{n}}>" }',
  '  t.n = self.n',
  '  self.out = t.text',
  '}',
  'g.n = nums.value',
  'all = ExecPython(texts: List[String]) -> (joined: String) { code: "x" }',
  'all.texts = g.out',
].join('\n');

describe('readiness', () => {
  it('starts every node with no wired inputs at once, independent branches together', () => {
    const state = createRunState(compile('a = Text { value: "a" }\nb = Number { value: 1 }\nc = Text { value: "c" }'));
    expect(ids(takeReady(state).run)).toEqual(['a', 'b', 'c']);
  });

  it('holds a node until every wired input has settled', () => {
    const graph = compile([
      'a = Text { value: "a" }', 'b = Text { value: "b" }',
      'join = Template(x: String, y: String) { template: "{{x}}{{y}}" }', 'join.x = a.value', 'join.y = b.value',
    ].join('\n'));
    const state = createRunState(graph);
    const [a, b] = takeReady(state).run;
    settle(state, a!, completed({ value: 'a' }));
    expect(takeReady(state).run).toEqual([]);
    settle(state, b!, completed({ value: 'b' }));
    expect(takeReady(state).run).toEqual([{ nodeId: 'join', lane: [], inputs: { template: '{{x}}{{y}}', x: 'a', y: 'b' } }]);
  });

  it('returns each instance once', () => {
    const state = createRunState(compile('a = Text { value: "a" }'));
    expect(takeReady(state).run).toHaveLength(1);
    expect(takeReady(state).run).toHaveLength(0);
  });

  it('is not finished while an instance runs, and is once it settles', () => {
    const state = createRunState(compile('a = Text { value: "a" }'));
    const [a] = takeReady(state).run;
    expect(isFinished(state)).toBe(false);
    settle(state, a!, completed({ value: 'a' }));
    expect(isFinished(state)).toBe(true);
  });

  it('refuses to settle an instance that is not running', () => {
    const state = createRunState(compile('a = Text { value: "a" }'));
    expect(() => settle(state, { nodeId: 'a', lane: [] }, completed({}))).toThrow(/not running/);
    const [a] = takeReady(state).run;
    settle(state, a!, completed({ value: 'a' }));
    expect(() => settle(state, a!, completed({ value: 'a' }))).toThrow(/not running/);
  });

  it('completes a trigger at once with the trigger outputs of this run', () => {
    const graph = compile('hook = ApiPost -> (city: String) {}\nline = Template(c: String) { template: "{{c}}" }\nline.c = hook.city');
    const state = createRunState(graph, { triggerOutputs: { hook: { city: 'Oslo', receivedAt: 'now' } } });
    const batch = takeReady(state);
    expect(batch.triggered).toEqual([{ nodeId: 'hook', lane: [], inputs: {}, outputs: { city: 'Oslo', receivedAt: 'now' } }]);
    expect(batch.run).toEqual([{ nodeId: 'line', lane: [], inputs: { template: '{{c}}', c: 'Oslo' } }]);
  });

  it('completes a trigger without outputs for this run with every output null', () => {
    const { ended } = runProgram('hook = ApiPost -> (city: String) {}\nline = Template(c: String) { template: "{{c}}" }\nline.c = hook.city');
    expect(ended.hook).toEqual({ status: 'completed', inputs: {}, outputs: { receivedAt: null, city: null } });
    expect(ended.line?.status).toBe('skipped');
  });

  it('fills an unwired input from config and leaves an unwired optional input null', () => {
    const state = createRunState(compile('t = Template(x: String, y: String?) {\n  template: "{{x}}{{y}}"\n  x: "fixed"\n}'));
    expect(takeReady(state).run).toEqual([{ nodeId: 't', lane: [], inputs: { template: '{{x}}{{y}}', x: 'fixed', y: null } }]);
  });
});

describe('null propagation and failure', () => {
  const chain = [
    'src = ExecPython -> (v: String?) { code: "x" }',
    'mid = Template(v: String) { template: "{{v}}" }', 'mid.v = src.v',
    'end = Template(v: String) { template: "{{v}}" }', 'end.v = mid.text',
  ].join('\n');

  it('skips a node whose required input is null, with its outputs null, and the skip cascades', () => {
    const { ended } = runProgram(chain, { src: () => ({ v: null }) });
    expect(ended.mid).toEqual({ status: 'skipped', inputs: { template: '{{v}}', v: null }, reason: 'required input v is null' });
    expect(ended.end).toEqual({ status: 'skipped', inputs: { template: '{{v}}', v: null }, reason: 'required input v is null (mid was skipped)' });
  });

  it('counts a missing output port as null', () => {
    const { status } = runProgram(chain, { src: () => ({}) });
    expect(status('mid')).toBe('skipped');
  });

  it('runs a node whose optional input receives a null', () => {
    const { ended } = runProgram('src = ExecPython -> (v: String?) { code: "x" }\npk = Pack(v: String?)\npk.v = src.v', { src: () => ({ v: null }) });
    expect(ended.pk).toMatchObject({ status: 'completed', inputs: { v: null } });
  });

  it('skips a Debug fed null: its data is required (NODES.md 2.5)', () => {
    const { ended } = runProgram('src = ExecPython -> (v: String?) { code: "x" }\nshow = Debug\nshow.data = src.v', { src: () => ({ v: null }) });
    expect(ended.show).toEqual({ status: 'skipped', inputs: { data: null }, reason: 'required input data is null' });
  });

  it('skips a Template whose wired template input carries null', () => {
    const code = 'src = ExecPython -> (t: String?) { code: "x" }\nfill = Template { template: "fallback" }\nfill.template = src.t';
    const { ended } = runProgram(code, { src: () => ({ t: null }) });
    expect(ended.fill).toMatchObject({ status: 'skipped', reason: 'required input template is null' });
  });

  it('runs a required input whose type includes Null when it carries null', () => {
    const code = 'src = ExecPython -> (v: String?) { code: "x" }\nt = Template(v: String | Null) { template: "[{{v}}]" }\nt.v = src.v';
    const { ended } = runProgram(code, { src: () => ({ v: null }) });
    expect(ended.t).toMatchObject({ status: 'completed', inputs: { v: null } });
  });

  it('carries a skip on down a chain of required inputs', () => {
    const { ended } = runProgram(`${chain}\nshow = Debug\nshow.data = mid.text`, { src: () => ({ v: null }) });
    expect(ended.show).toEqual({ status: 'skipped', inputs: { data: null }, reason: 'required input data is null (mid was skipped)' });
  });

  it('lets an optional input absorb a skip when another wired input has a value', () => {
    const code = `${chain}\nok = Text { value: "ok" }\npk = Pack(a: String?, b: String?)\npk.a = mid.text\npk.b = ok.value`;
    const { ended } = runProgram(code, { src: () => ({ v: null }) });
    expect(ended.pk).toMatchObject({ status: 'completed', inputs: { a: null, b: 'ok' } });
  });

  it('skips when every port of a @require_one_of group is null', () => {
    const code = 'src = ExecPython -> (a: String?, b: String?) { code: "x" }\npk = Pack(a: String?, b: String?, @require_one_of(a, b))\npk.a = src.a\npk.b = src.b';
    const { ended } = runProgram(code, { src: () => ({ a: null, b: null }) });
    expect(ended.pk).toMatchObject({ status: 'skipped', reason: 'none of a, b has a value (@require_one_of)' });
  });

  it('runs a @require_one_of node when one port of the group has a value', () => {
    const code = 'src = ExecPython -> (a: String?, b: String?) { code: "x" }\npk = Pack(a: String?, b: String?, @require_one_of(a, b))\npk.a = src.a\npk.b = src.b';
    const { ended } = runProgram(code, { src: () => ({ a: null, b: 'b' }) });
    expect(ended.pk).toMatchObject({ status: 'completed', inputs: { a: null, b: 'b' } });
  });

  it('records which required input got null and which node output it came from, with how that node ended', () => {
    const causes = (python: Record<string, Fake>, code = `${chain}\nshow = Debug\nshow.data = mid.text`) => {
      const graph = compile(code);
      const state = createRunState(graph);
      const found: Record<string, unknown> = {};
      const run = fakeNodes(graph, python);
      while (!isFinished(state)) {
        const batch = takeReady(state);
        for (const s of batch.skipped) found[at(s)] = s.cause;
        for (const ready of batch.run) settle(state, ready, run(ready));
      }
      return found;
    };
    const fromNull = causes({ src: () => ({ v: null }) });
    expect(fromNull.mid).toEqual({ input: 'v', fromNode: 'src', fromPort: 'v', fromStatus: 'completed' });
    expect(fromNull.end).toEqual({ input: 'v', fromNode: 'mid', fromPort: 'text', fromStatus: 'skipped' });
    expect(fromNull.show).toEqual({ input: 'data', fromNode: 'mid', fromPort: 'text', fromStatus: 'skipped' });
    expect(causes({ src: () => ({ status: 'failed', error: 'boom' }) }).mid).toEqual({ input: 'v', fromNode: 'src', fromPort: 'v', fromStatus: 'failed' });
    const oneOf = 'src = ExecPython -> (a: String?, b: String?) { code: "x" }\npk = Pack(a: String?, b: String?, @require_one_of(a, b))\npk.a = src.a\npk.b = src.b';
    expect(causes({ src: () => ({ a: null, b: null }) }, oneOf).pk).toBeUndefined();
  });

  it('makes a failed node\'s outputs null, so a required reader skips, and names the failure', () => {
    const { ended } = runProgram(chain, { src: () => ({ status: 'failed', error: 'boom' }) });
    expect(ended.src).toMatchObject({ status: 'failed', error: 'boom' });
    expect(ended.mid).toMatchObject({ status: 'skipped', reason: 'required input v is null (src failed)' });
  });

  it('runs an optional reader of a failed node with null', () => {
    const { ended } = runProgram(`${chain}\npk = Pack(v: String?)\npk.v = src.v`, { src: () => ({ status: 'failed', error: 'boom' }) });
    expect(ended.pk).toMatchObject({ status: 'completed', inputs: { v: null } });
  });

  it('keeps independent branches running after a failure and summarizes the run as failed', () => {
    const { ended, state } = runProgram(`${chain}\nother = Text { value: "o" }\nshout = Template(g: String) { template: "{{g}}!" }\nshout.g = other.value`, {
      src: () => ({ status: 'failed', error: 'boom' }),
    });
    expect(ended.shout).toMatchObject({ status: 'completed', outputs: { text: '"o"!' } });
    expect(summarize(state)).toEqual({
      status: 'failed',
      failed: [{ nodeId: 'src', lane: [], error: 'boom' }],
      counts: { completed: 2, failed: 1, skipped: 2 },
    });
  });

  it('summarizes a run with skips and no failure as completed', () => {
    const { state } = runProgram(chain, { src: () => ({ v: null }) });
    expect(summarize(state)).toEqual({ status: 'completed', failed: [], counts: { completed: 1, failed: 0, skipped: 2 } });
  });
});

describe('mocks', () => {
  it('completes a mocked node with its mocked outputs without running it, and downstream reads them', () => {
    const graph = compile('src = ExecPython -> (v: String) { code: "x" }\nshow = Template(v: String) { template: "{{v}}" }\nshow.v = src.v');
    const state = createRunState(graph, { mocks: { src: { v: 'mocked' } } });
    const batch = takeReady(state);
    expect(batch.mocked).toEqual([{ nodeId: 'src', lane: [], inputs: {}, outputs: { stdout: null, stderr: null, v: 'mocked' } }]);
    expect(batch.run).toEqual([{ nodeId: 'show', lane: [], inputs: { template: '{{v}}', v: 'mocked' } }]);
  });

  it('mocks a node in every lane', () => {
    const code = 'items = List -> (value: List[Number]) {\n  value: [1, 2]\n}\nsq = ExecPython(n: Number) -> (out: Number) { code: "x" }\nsq.n = items.value';
    const { ended } = runProgram(code, {}, { mocks: { sq: { out: 7 } } });
    expect([ended['sq[0]'], ended['sq[1]']]).toEqual([
      { status: 'completed', inputs: { n: 1 }, outputs: { stdout: null, stderr: null, out: 7 } },
      { status: 'completed', inputs: { n: 2 }, outputs: { stdout: null, stderr: null, out: 7 } },
    ]);
  });

  it('completes a mocked node even where a null input would have skipped it', () => {
    const code = 'src = ExecPython -> (v: String?) { code: "x" }\nmid = Template(v: String) { template: "{{v}}" }\nmid.v = src.v';
    const { ended } = runProgram(code, { src: () => ({ v: null }) }, { mocks: { mid: { text: 'canned' } } });
    expect(ended.mid).toEqual({ status: 'completed', inputs: { template: '{{v}}', v: null }, outputs: { text: 'canned' } });
  });
});

describe('parallel lanes', () => {
  const fanOut = (list: string) => [
    `items = List -> (value: List[Number]) {\n  value: ${list}\n}`,
    'factor = Number { value: 10 }',
    'mul = ExecPython(n: Number, f: Number) -> (out: Number?) { code: "x" }', 'mul.n = items.value', 'mul.f = factor.value',
    'label = Template(n: Number) { template: "{{n}}" }', 'label.n = mul.out',
    'all = ExecPython(outs: List[Number | Null]) -> (sum: Number) { code: "x" }', 'all.outs = mul.out',
  ].join('\n');
  const mul = (inputs: Inputs) => ({ out: (inputs.n as number) * (inputs.f as number) });

  it('expands a list into one instance per element, each given its element, with the outside value broadcast', () => {
    const graph = compile(fanOut('[1, 2, 3]'));
    const state = createRunState(graph);
    const [items, factor] = takeReady(state).run;
    settle(state, items!, completed({ value: [1, 2, 3] }));
    settle(state, factor!, completed({ value: 10 }));
    expect(takeReady(state).run).toEqual([
      { nodeId: 'mul', lane: [0], inputs: { n: 1, f: 10 } },
      { nodeId: 'mul', lane: [1], inputs: { n: 2, f: 10 } },
      { nodeId: 'mul', lane: [2], inputs: { n: 3, f: 10 } },
    ]);
  });

  it('starts a downstream lane as soon as its own upstream lane settles, reading that lane', () => {
    const graph = compile(fanOut('[1, 2, 3]'));
    const state = createRunState(graph);
    for (const ready of takeReady(state).run) settle(state, ready, fakeNodes(graph)(ready));
    const lanes = takeReady(state).run;
    settle(state, lanes[1]!, completed({ out: 20 }));
    expect(takeReady(state).run).toEqual([{ nodeId: 'label', lane: [1], inputs: { template: '{{n}}', n: 20 } }]);
  });

  it('gathers the lanes in index order, null for a lane that skipped or failed', () => {
    const { ended } = runProgram(fanOut('[1, 2, 3, 4]'), {
      mul: (inputs): Outcome | Inputs => (inputs.n === 2 ? { status: 'failed', error: 'no' } : { out: inputs.n === 3 ? null : mul(inputs).out }),
      all: () => ({ sum: 0 }),
    });
    expect(ended['label[2]']?.status).toBe('skipped');
    expect(ended.all?.inputs).toEqual({ outs: [10, null, null, 40] });
  });

  it('waits for every lane before gathering', () => {
    const graph = compile(fanOut('[1, 2]'));
    const state = createRunState(graph);
    for (const ready of takeReady(state).run) settle(state, ready, fakeNodes(graph)(ready));
    const [first] = takeReady(state).run;
    settle(state, first!, completed({ out: 10 }));
    expect(ids(takeReady(state).run)).toEqual(['label[0]']);
  });

  it('runs no lane for an empty list and gathers []', () => {
    const { ended, state } = runProgram(fanOut('[]'), { all: () => ({ sum: 0 }) });
    expect(Object.keys(ended).filter((k) => k.startsWith('mul'))).toEqual([]);
    expect(ended.all?.inputs).toEqual({ outs: [] });
    expect(laneCounts(state)).toMatchObject({ mul: 0, label: 0, all: 1 });
  });

  it('skips a node fed null instead of a list once, at the parent lane path, with everything in its lanes, and a gather gets null', () => {
    const { ended, state } = runProgram(fanOut('[1]'), {}, { mocks: { items: { value: null } } });
    expect(ended.mul).toEqual({ status: 'skipped', inputs: {}, reason: 'no lanes for n: it gets null, not a list' });
    expect(ended.label).toEqual({ status: 'skipped', inputs: {}, reason: 'no lanes for n: mul was skipped' });
    expect(ended.all).toEqual({ status: 'skipped', inputs: { outs: null }, reason: 'required input outs is null (mul was skipped)' });
    expect(laneCounts(state)).toMatchObject({ mul: 1, label: 1 });
  });

  it('reports how many lanes each node had', () => {
    const { state } = runProgram(fanOut('[1, 2, 3]'), { mul, all: () => ({ sum: 0 }) });
    expect(laneCounts(state)).toEqual({ items: 1, factor: 1, mul: 3, label: 3, all: 1 });
  });

  it('zips two lists that expand the same node, by index', () => {
    const code = [
      'a = List -> (value: List[Number]) {\n  value: [1, 2]\n}', 'b = List -> (value: List[String]) {\n  value: ["x", "y"]\n}',
      'pair = Template(n: Number, s: String) { template: "{{n}}{{s}}" }', 'pair.n = a.value', 'pair.s = b.value',
    ].join('\n');
    const { ended } = runProgram(code);
    expect([ended['pair[0]']?.inputs, ended['pair[1]']?.inputs]).toEqual([{ template: '{{n}}{{s}}', n: 1, s: 'x' }, { template: '{{n}}{{s}}', n: 2, s: 'y' }]);
  });

  it('fails the node once, at the parent lane path, when two lists that expand it differ in length', () => {
    const code = [
      'a = List -> (value: List[Number]) {\n  value: [1, 2]\n}', 'b = List -> (value: List[String]) {\n  value: ["x", "y", "z"]\n}',
      'pair = Template(n: Number, s: String) { template: "{{n}}{{s}}" }', 'pair.n = a.value', 'pair.s = b.value',
      'show = Debug', 'show.data = pair.text',
    ].join('\n');
    const { ended, state } = runProgram(code);
    expect(ended.pair).toEqual({
      status: 'failed',
      error: 'lanes do not line up: n gives 2 and s gives 3; inputs that run a node in the same lanes need lists of the same length',
    });
    expect(ended.show).toMatchObject({ status: 'skipped', reason: 'no lanes for data: pair failed' });
    expect(summarize(state).status).toBe('failed');
  });

  it('nests lanes for a list of lists and gathers them back as nested lists', () => {
    const code = [
      'grid = List -> (value: List[List[Number]]) {\n  value: [[1, 2], [3]]\n}',
      'cell = Template(n: Number) { template: "<{{n}}>" }', 'cell.n = grid.value',
      'rows = ExecPython(cells: List[List[String]]) -> (o: String) { code: "x" }', 'rows.cells = cell.text',
    ].join('\n');
    const { ended } = runProgram(code, { rows: () => ({ o: 'done' }) });
    expect(Object.keys(ended).filter((k) => k.startsWith('cell'))).toEqual(['cell[0,0]', 'cell[0,1]', 'cell[1,0]']);
    expect(ended['cell[1,0]']?.inputs).toEqual({ template: '<{{n}}>', n: 3 });
    expect(ended.rows?.inputs).toEqual({ cells: [['<1>', '<2>'], ['<3>']] });
  });

  it('opens lanes within lanes from a list made in a lane, and gathers the inner lanes per outer lane', () => {
    const code = [
      'words = List -> (value: List[String]) {\n  value: ["ab", "c"]\n}',
      'split = ExecPython(w: String) -> (letters: List[String]) { code: "x" }', 'split.w = words.value',
      'up = Template(l: String) { template: "{{l}}" }', 'up.l = split.letters',
      'join = ExecPython(ls: List[String]) -> (word: String) { code: "x" }', 'join.ls = up.text',
    ].join('\n');
    const { ended } = runProgram(code, {
      split: (inputs) => ({ letters: [...String(inputs.w)] }),
      join: (inputs) => ({ word: (inputs.ls as string[]).join('') }),
    });
    expect(Object.keys(ended).filter((k) => k.startsWith('up'))).toEqual(['up[0,0]', 'up[0,1]', 'up[1,0]']);
    expect([ended['join[0]']?.inputs, ended['join[1]']?.inputs]).toEqual([{ ls: ['"a"', '"b"'] }, { ls: ['"c"'] }]);
  });

  const words = [
    'words = List -> (value: List[String]) {\n  value: ["ab", "", "c"]\n}',
    'split = ExecPython(w: String) -> (letters: List[String]?) { code: "x" }', 'split.w = words.value',
    'tag = Template(l: String, w: String) { template: "{{l}}{{w}}" }', 'tag.l = split.letters', 'tag.w = words.value',
    'join = ExecPython(ls: List[String]) -> (word: String) { code: "x" }', 'join.ls = tag.text',
    'all = ExecPython(ws: List[String | Null]) -> (n: Number) { code: "x" }', 'all.ws = join.word',
  ].join('\n');

  it('broadcasts a value from an outer lane to every lane inside it', () => {
    const { ended } = runProgram(words, { split: ({ w }) => ({ letters: [...String(w)] }), join: () => ({ word: 'w' }), all: () => ({ n: 0 }) });
    expect([ended['tag[0,0]']?.inputs, ended['tag[0,1]']?.inputs, ended['tag[2,0]']?.inputs]).toEqual([
      { template: '{{l}}{{w}}', l: 'a', w: 'ab' }, { template: '{{l}}{{w}}', l: 'b', w: 'ab' }, { template: '{{l}}{{w}}', l: 'c', w: 'c' },
    ]);
  });

  it('skips only the outer lane whose inner list is null, and gathers it as null one level up', () => {
    const { ended } = runProgram(words, {
      split: ({ w }) => ({ letters: w === 'ab' ? null : [...String(w)] }),
      join: ({ ls }) => ({ word: (ls as string[]).join('') }),
      all: () => ({ n: 0 }),
    });
    expect(ended['tag[0]']).toMatchObject({ status: 'skipped', reason: 'no lanes for l: it gets null, not a list' });
    expect(ended['join[0]']).toMatchObject({ status: 'skipped', reason: 'required input ls is null (tag was skipped)' });
    expect(ended['join[1]']).toMatchObject({ status: 'completed', inputs: { ls: [] } });
    expect(ended.all?.inputs).toEqual({ ws: [null, '', '"c""c"'] });
  });

  it('returns instances in graph order, then lane order, whatever order they settled in', () => {
    const graph = compile(fanOut('[1, 2, 3]'));
    const state = createRunState(graph);
    for (const ready of takeReady(state).run) settle(state, ready, fakeNodes(graph)(ready));
    const lanes = takeReady(state).run;
    for (const ready of [...lanes].reverse()) settle(state, ready, completed({ out: 1 }));
    expect(ids(takeReady(state).run)).toEqual(['label[0]', 'label[1]', 'label[2]', 'all']);
  });

  it('makes the same decisions when the same settles are replayed', () => {
    const replay = () => runProgram(fanOut('[1, 2, 3, 4]'), { mul: (i) => (i.n === 3 ? { out: null } : mul(i)), all: () => ({ sum: 1 }) }).ended;
    expect(JSON.stringify(replay())).toEqual(JSON.stringify(replay()));
  });
});

describe('the shared examples', () => {
  it('hello: adds the two numbers and bundles the result', () => {
    const graph = example('hello.weft');
    const ended = runToEnd(createRunState(graph), fakeNodes(graph, {
      sum: (inputs) => ({ total: (inputs.a as number) + (inputs.b as number), note: `${inputs.a} + ${inputs.b}` }),
    }));
    expect(ended.sum?.outputs).toEqual({ total: 42, note: '19 + 23' });
    expect(ended.show?.inputs).toEqual({ data: { total: 42, note: '19 + 23' } });
  });

  it('lanes: eight lanes, the lane with qty 5 gathers as null, the report sums the rest', () => {
    const graph = example('lanes.weft');
    const state = createRunState(graph);
    const ended = runToEnd(state, fakeNodes(graph, {
      orders: () => ({ items: Array.from({ length: 8 }, (_, i) => ({ qty: i + 1, unit: 2.5 })) }),
      'price_all.price': ({ order, rate }) => {
        const { qty, unit } = order as { qty: number; unit: number };
        return { total: qty === 5 ? null : qty * unit * (1 + (rate as number)) };
      },
      report: ({ totals }) => {
        const done = (totals as (number | null)[]).filter((t): t is number => t !== null);
        return { summary: `${done.length} of ${(totals as unknown[]).length} priced, sum ${done.reduce((a, b) => a + b, 0).toFixed(2)}` };
      },
    }));
    expect(laneCounts(state)['price_all.price']).toBe(8);
    expect(ended['price_all.price[4]']?.inputs).toEqual({ order: { qty: 5, unit: 2.5 }, rate: 0.2 });
    const totals = ended.report?.inputs?.totals as (number | null)[];
    expect(totals).toHaveLength(8);
    expect(totals[4]).toBeNull();
    expect(totals.filter((t) => t === null)).toHaveLength(1);
    expect(ended.out?.inputs).toEqual({ data: '7 of 8 priced, sum 93.00' });
    expect(summarize(state).status).toBe('completed');
  });

  it('failure: the broken chain fails then skips, a Debug fed by the failed node skips, the other branch completes', () => {
    const graph = example('failure.weft');
    const state = createRunState(graph);
    const ended = runToEnd(state, fakeNodes(graph, {
      broken: () => ({ status: 'failed', error: 'ZeroDivisionError: division by zero' }),
    }));
    expect(ended.broken).toMatchObject({ status: 'failed', error: 'ZeroDivisionError: division by zero' });
    expect(ended.after_broken?.status).toBe('skipped');
    expect(ended.skipped_show?.status).toBe('skipped');
    expect(ended.maybe).toMatchObject({ status: 'skipped', inputs: { data: null }, reason: 'required input data is null (broken failed)' });
    expect(ended.loud).toMatchObject({ status: 'completed', outputs: { text: '"still here"!' } });
    expect(ended.ok_show?.status).toBe('completed');
    expect(summarize(state)).toMatchObject({ status: 'failed', failed: [{ nodeId: 'broken', lane: [] }] });
  });
});

describe('the runtime rules of NODES.md Part 1', () => {
  it('runs a root node exactly once, its inputs filled from config, and never skips it', () => {
    const { ended, state } = runProgram('t = Template(x: String?) {\n  template: "[{{x}}]"\n}');
    expect(ended.t).toEqual({ status: 'completed', inputs: { template: '[{{x}}]', x: null }, outputs: { text: '[null]' } });
    expect(laneCounts(state)).toEqual({ t: 1 });
  });

  it('lets an edge win over a config value of the same name', () => {
    const code = 'src = Text { value: "from the edge" }\nt = Template(x: String) {\n  template: "{{x}}"\n  x: "from config"\n}\nt.x = src.value';
    const { ended } = runProgram(code);
    expect(ended.t?.inputs).toEqual({ template: '{{x}}', x: 'from the edge' });
  });

  it('lets an edge that carries null win over a config value too, so the node skips', () => {
    const code = 'src = ExecPython -> (v: String?) { code: "x" }\nt = Template(x: String) {\n  template: "{{x}}"\n  x: "from config"\n}\nt.x = src.v';
    const { ended } = runProgram(code, { src: () => ({ v: null }) });
    expect(ended.t).toMatchObject({ status: 'skipped', inputs: { x: null }, reason: 'required input x is null' });
  });

  it('fails a node at dispatch, without running it, when a wired value does not fit its port type; readers skip', () => {
    // JsonDict fits Unpack's Dict[String, Number] when compiled; the value that arrives does not.
    const code = 'src = ExecPython -> (d: JsonDict) { code: "x" }\nu = Unpack -> (a: Number)\nu.in = src.d\nshow = Debug\nshow.data = u.a';
    const ran: string[] = [];
    const state = createRunState(compile(code));
    const ended = runToEnd(state, (ready) => {
      ran.push(ready.nodeId);
      return completed({ d: { a: 'not a number' } });
    });
    expect(ran).toEqual(['src']);
    expect(ended.u).toEqual({ status: 'failed', error: 'type mismatch: input in expects Dict[String, Number], but src.d gave Dict[String, String] {"a":"not a number"}' });
    expect(ended.show).toMatchObject({ status: 'skipped', reason: 'required input data is null (u failed)' });
    expect(summarize(state).status).toBe('failed');
  });

  it('checks each element a list runs a node with, in its lane: one that does not fit becomes null there (NODES.md 1.6)', () => {
    const code = 'src = ExecPython -> (items: List[JsonDict]) { code: "x" }\nu = Unpack -> (a: Number)\nu.in = src.items\nshow = Debug\nshow.data = u.a';
    const { ended, state } = runProgram(code, { src: () => ({ items: [{ a: 1 }, { a: 'two' }] }), u: ({ in: dict }) => ({ a: (dict as { a: number }).a }) });
    expect(ended['u[0]']).toMatchObject({ status: 'completed', outputs: { a: 1 } });
    expect(ended['u[1]']).toMatchObject({
      status: 'skipped', inputs: { in: null },
      reason: 'required input in is null (the element of src.items in this lane is Dict[String, String] {"a":"two"}, not Dict[String, Number])',
    });
    expect(ended['show[1]']?.status).toBe('skipped');
    expect(summarize(state).status).toBe('completed');
    // An optional port takes the null and runs.
    const optional = 'src = ExecPython -> (items: List[String]) { code: "x" }\nt = Template(s: String?) { template: "<{{s}}>" }\nt.s = src.items';
    const run = runProgram(optional, { src: () => ({ items: ['a', 2] }) });
    expect(run.ended['t[1]']).toMatchObject({ status: 'completed', inputs: { s: null } });
  });

  it('keeps the outputs a failed node says it gave, so only the readers of the others skip (NODES.md 1.4)', () => {
    const code = 'src = ExecPython -> (good: String, bad: Number) { code: "x" }\na = Template(s: String) { template: "{{s}}" }\na.s = src.good\nb = Template(n: Number) { template: "{{n}}" }\nb.n = src.bad';
    const graph = compile(code);
    const state = createRunState(graph);
    const fake = fakeNodes(graph);
    const ended = runToEnd(state, (ready) =>
      ready.nodeId === 'src' ? { status: 'failed', error: 'output bad is declared Number', outputs: { good: 'kept', bad: null } } : fake(ready));
    expect(ended.src).toMatchObject({ status: 'failed' });
    expect(ended.a).toMatchObject({ status: 'completed', inputs: { s: 'kept' } });
    expect(ended.b).toMatchObject({ status: 'skipped', reason: 'required input n is null (src failed)' });
    expect(summarize(state).status).toBe('failed');
  });

  it('skips a @require_one_of node when no port of the group has a value, and counts a config value as one', () => {
    const group = 'src = ExecPython -> (a: String?, b: String?) { code: "x" }\npk = Pack(a: String?, b: String?, @require_one_of(a, b))';
    expect(runProgram(`${group}\npk.a = src.a`, { src: () => ({ a: null, b: null }) }).ended.pk?.status).toBe('skipped');
    const filled = `${group.replace('@require_one_of(a, b))', '@require_one_of(a, b)) {\n  b: "from config"\n}')}\npk.a = src.a`;
    expect(runProgram(filled, { src: () => ({ a: null, b: null }) }).ended.pk).toMatchObject({ status: 'completed', inputs: { a: null, b: 'from config' } });
  });

  it("adds the catalog's oneOfRequired groups to a node's own", () => {
    const graph: ExecutableGraph = {
      order: ['send'],
      nodes: [{
        id: 'send', type: 'TelegramSend', config: {}, isTrigger: false, laneDepth: 0, requireOneOf: [],
        inputs: [
          { name: 'text', type: 'String', optional: true, lane: { mode: 'single', depth: 0 }, configurable: true, wired: false },
          { name: 'media', type: 'Media', optional: true, lane: { mode: 'single', depth: 0 }, configurable: false, wired: false },
        ],
        outputs: [],
      }],
    };
    expect(withCatalogRequirements(graph).nodes[0]!.requireOneOf).toEqual([['text', 'media']]);
  });

  it('gives a trigger that did not fire its dormant outputs: ApiPost receivedAt "", HumanTrigger every approve/reject rejected', () => {
    const code = [
      'hook = ApiPost -> (city: String) {}',
      'form = HumanTrigger {',
      '  fields: [{"fieldType": "approve_reject", "key": "go"}, {"fieldType": "text_input", "key": "name"}]',
      '}',
      'line = Template(c: String) { template: "{{c}}" }', 'line.c = hook.city',
      'at = Template(r: String) { template: "{{r}}" }', 'at.r = hook.receivedAt',
      'no = Debug', 'no.data = form.go_rejected',
      'yes = Debug', 'yes.data = form.go_approved',
    ].join('\n');
    const graph = compile(code);
    const triggerOutputs = { ...dormantTriggerOutputs(graph), form: { go_approved: true } };
    const { ended } = { ended: runToEnd(createRunState(graph, { triggerOutputs }), fakeNodes(graph)) };
    expect(ended.hook).toMatchObject({ status: 'completed', outputs: { receivedAt: '', city: null } });
    expect(ended.line?.status).toBe('skipped');
    expect(ended.at?.status).toBe('completed');
    expect(ended.form).toMatchObject({ status: 'completed', outputs: { go_approved: true, go_rejected: null, name: null } });
    expect(ended.yes?.status).toBe('completed');
    expect(ended.no?.status).toBe('skipped');
    const dormant = runToEnd(createRunState(graph, { triggerOutputs: dormantTriggerOutputs(graph) }), fakeNodes(graph));
    expect(dormant.form).toMatchObject({ outputs: { go_approved: null, go_rejected: true } });
    expect(dormant.no?.status).toBe('completed');
    expect(dormant.yes?.status).toBe('skipped');
  });

  it('runs lanes through a group: a list into the group expands inside it, and the group output gathers back', () => {
    const { ended } = runProgram(lanesThroughAGroup, { all: ({ texts }) => ({ joined: (texts as string[]).join('') }) });
    expect(['g.t[0]', 'g.t[1]', 'g.t[2]'].map((id) => ended[id]?.inputs?.n)).toEqual([1, 2, 3]);
    expect(ended.all).toMatchObject({ status: 'completed', inputs: { texts: ['<1>', '<2>', '<3>'] }, outputs: { joined: '<1><2><3>' } });
  });

  it('skips every node inside a group whose required input carries null, even one that reads it through an optional port', () => {
    const code = [
      'src = ExecPython -> (v: String?) { code: "x" }',
      'other = Text { value: "o" }',
      'g = Group(x: String, y: String?) -> (out: String?, also: String?) {',
      '  keep = Template(x: String?) { template: "[{{x}}]" }',
      '  keep.x = self.x',
      '  side = Template(y: String?) { template: "<{{y}}>" }',
      '  side.y = self.y',
      '  self.out = keep.text',
      '  self.also = side.text',
      '}',
      'g.x = src.v',
      'g.y = other.value',
      'show = Pack(out: String?)',
      'show.out = g.out',
    ].join('\n');
    const compiled = compileWeft(code);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = withGroupGates(compiled.graph!, compiled.graph!.executable);
    const run = (v: string | null) => runToEnd(createRunState(graph), fakeNodes(graph, { src: () => ({ v }) }));
    const skipped = run(null);
    expect(skipped['g.keep']).toMatchObject({ status: 'skipped', reason: 'group g is skipped: its required input x is null' });
    expect(skipped['g.side']).toMatchObject({ status: 'skipped', reason: 'group g is skipped: its required input x is null' });
    const state = createRunState(graph);
    const causes: Record<string, unknown> = {};
    const fake = fakeNodes(graph, { src: () => ({ v: null }) });
    while (!isFinished(state)) {
      const batch = takeReady(state);
      for (const s of batch.skipped) causes[s.nodeId] = s.cause;
      for (const ready of batch.run) settle(state, ready, fake(ready));
    }
    expect(causes['g.keep']).toEqual({ input: 'x', group: 'g', fromNode: 'src', fromPort: 'v', fromStatus: 'completed' });
    expect(skipped.show).toMatchObject({ status: 'completed', inputs: { out: null } });
    const ran = run('a');
    expect(ran['g.keep']).toEqual({ status: 'completed', inputs: { template: '[{{x}}]', x: 'a' }, outputs: { text: '["a"]' } });
    expect(ran['g.side']?.status).toBe('completed');
  });

  it("skips a whole group none of whose @require_one_of ports has a value, and runs it when one has", () => {
    const code = [
      'src = ExecPython -> (a: String?, b: String?) { code: "x" }',
      'g = Group(a: String?, b: String?, @require_one_of(a, b)) -> (out: String?) {',
      '  say = Template(a: String?, b: String?) { template: "[{{a}}{{b}}]" }',
      '  say.a = self.a',
      '  say.b = self.b',
      '  self.out = say.text',
      '}',
      'g.a = src.a',
      'g.b = src.b',
    ].join('\n');
    const compiled = compileWeft(code);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = withGroupGates(compiled.graph!, compiled.graph!.executable);
    const run = (a: string | null, b: string | null) => runToEnd(createRunState(graph), fakeNodes(graph, { src: () => ({ a, b }) }));
    expect(run(null, null)['g.say']).toMatchObject({ status: 'skipped', reason: 'group g is skipped: none of a, b has a value (@require_one_of)' });
    expect(run(null, 'x')['g.say']).toMatchObject({ status: 'completed', inputs: { a: null, b: 'x' } });
  });

  it('gates a group in lanes lane by lane', () => {
    const code = [
      'src = ExecPython -> (items: List[String]) { code: "x" }',
      'g = Group(x: String) -> (out: String?) {',
      '  keep = Template(x: String?) { template: "[{{x}}]" }',
      '  keep.x = self.x',
      '  self.out = keep.text',
      '}',
      'g.x = src.items',
    ].join('\n');
    const compiled = compileWeft(code);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = withGroupGates(compiled.graph!, compiled.graph!.executable);
    const ended = runToEnd(createRunState(graph), fakeNodes(graph, { src: () => ({ items: ['a', null, 'c'] }) }));
    expect(['g.keep[0]', 'g.keep[1]', 'g.keep[2]'].map((id) => ended[id]?.status)).toEqual(['completed', 'skipped', 'completed']);
  });

  it("runs the readers of an Expand output (StackTrim's value) once per element it gives, and gathers them back", () => {
    const code = [
      'items = ExecPython -> (xs: List[Number]) { code: "x" }',
      'double = ExecPython(x: Number) -> (y: Number) { code: "x" }',
      'double.x = items.xs',
      'keep = Number { value: 2 }',
      'trim = StackTrim(value: List[Number])',
      'trim.value = double.y',
      'trim.count = keep.value',
      'after = Template(v: Number) { template: "<{{v}}>" }',
      'after.v = trim.value',
      'all = Pack(vs: List[String])',
      'all.vs = after.text',
    ].join('\n');
    const { ended } = runProgram(code, {
      items: () => ({ xs: [1, 2, 3] }),
      double: ({ x }) => ({ y: (x as number) * 2 }),
      trim: ({ value, count }) => ({ value: (value as number[]).slice(0, count as number) }),
    });
    expect(ended.trim).toMatchObject({ status: 'completed', inputs: { value: [2, 4, 6], count: 2 }, outputs: { value: [2, 4] } });
    expect([ended['after[0]']?.inputs?.v, ended['after[1]']?.inputs?.v, ended['after[2]']]).toEqual([2, 4, undefined]);
    expect(ended.all).toMatchObject({ status: 'completed', inputs: { vs: ['<2>', '<4>'] } });
  });
});

describe('mocked groups (NODES.md 1.5)', () => {
  const runPlanned = (code: string, mocks: unknown, python: Record<string, Fake> = {}) => {
    const plan = planExecution({ code, layout: '', mocks });
    if (!plan.ok) throw new Error(plan.error);
    const state = createRunState(plan.graph, { mocks: plan.mocks, triggerOutputs: plan.triggerOutputs });
    return { ended: runToEnd(state, fakeNodes(plan.graph, python)), plan };
  };
  const nested = [
    'src = Text { value: "in" }',
    'outer = Group(x: String) -> (out: String, extra: String?) {',
    '  inner = Group(y: String) -> (r: String) {',
    '    t = Template(y: String) { template: "<{{y}}>" }',
    '    t.y = self.y',
    '    self.r = t.text',
    '  }',
    '  inner.y = self.x',
    '  self.out = inner.r',
    '}',
    'outer.x = src.value',
    'show = Template(v: String, e: String?) { template: "{{v}}" }',
    'show.v = outer.out',
    'show.e = outer.extra',
  ].join('\n');

  it('completes a mocked group with its mock (missing ports null), skips every node inside, and readers get the mock', () => {
    const { ended } = runPlanned(nested, { outer: { out: 'canned' } });
    expect(ended.outer).toEqual({ status: 'completed', inputs: { x: 'in' }, outputs: { out: 'canned', extra: null } });
    expect(ended['outer.inner.t']).toMatchObject({ status: 'skipped', reason: 'group outer is mocked' });
    expect(ended.show).toMatchObject({ status: 'completed', inputs: { v: 'canned', e: null } });
  });

  it('mocks a nested group by its scoped id, and the nodes around it still run', () => {
    const { ended } = runPlanned(nested, { 'outer.inner': { r: 'from inner' } });
    expect(ended['outer.inner']).toMatchObject({ status: 'completed', inputs: { y: 'in' }, outputs: { r: 'from inner' } });
    expect(ended['outer.inner.t']).toMatchObject({ status: 'skipped', reason: 'group outer.inner is mocked' });
    expect(ended.show).toMatchObject({ status: 'completed', inputs: { v: 'from inner', e: null } });
  });

  it('checks a group mock against the group outputs, and still refuses unknown ids', () => {
    const wrongType = planExecution({ code: nested, layout: '', mocks: { outer: { out: 5 } } });
    expect(wrongType).toMatchObject({ ok: false, error: 'This run cannot start: mock for outer.out is a Number, which is not a String' });
    const noPort = planExecution({ code: nested, layout: '', mocks: { 'outer.inner': { out: 'x' } } });
    expect(noPort).toMatchObject({ ok: false, error: 'This run cannot start: "outer.inner" has no output "out" (its outputs are r)' });
    expect(planExecution({ code: nested, layout: '', mocks: { nope: {} } })).toMatchObject({ ok: false, error: 'This run cannot start: mock for unknown node "nope"' });
  });

  it('mocks a group that runs in lanes once per lane, and a gather after it gets every lane', () => {
    const { ended } = runPlanned(lanesThroughAGroup, { g: { out: 'm' } }, { all: ({ texts }) => ({ joined: (texts as string[]).join('') }) });
    expect(['g[0]', 'g[1]', 'g[2]'].map((id) => ended[id])).toEqual([1, 2, 3].map((n) => ({ status: 'completed', inputs: { n }, outputs: { out: 'm' } })));
    expect(ended['g.t']).toMatchObject({ status: 'skipped', reason: 'group g is mocked' });
    expect(ended.all).toMatchObject({ status: 'completed', inputs: { texts: ['m', 'm', 'm'] } });
  });
});
