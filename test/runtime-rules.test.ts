/**
 * The runtime rules of NODES.md Part 1, each on a real platform (Restate, PostgreSQL, GraphQL):
 * when a node runs or skips, config against edges, type checks at dispatch, lanes through groups,
 * the outputs of triggers that did not fire, and a project imported from the reference's JSON
 * export, run, and exported again.
 */
import { describe, expect, it } from '@jest/globals';
import { graphqlData } from './support/graphql';
import { createProject, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

const programs = {
  skipOnNull: [
    'shut = Boolean { value: false }',
    'word = Text { value: "hello" }',
    'gate = Gate',
    'gate.pass = shut.value',
    'gate.value = word.value',
    'show = Debug',
    'show.data = gate.value',
    'fill = Template(v: String) { template: "got {{v}}" }',
    'fill.v = gate.value',
    'maybe = Template(v: String | Null) { template: "[{{v}}]" }',
    'maybe.v = gate.value',
    'after = Debug',
    'after.data = maybe.text',
  ].join('\n'),
  typeMismatch: [
    'reading = Dict -> (value: JsonDict) {',
    '  value: {"degrees": "cold"}',
    '}',
    'split = Unpack -> (degrees: Number)',
    'split.in = reading.value',
    'show = Debug',
    'show.data = split.degrees',
  ].join('\n'),
  outputMisfit: [
    'make = ExecPython -> (n: Number, label: String, unread: Number) {',
    '  code: "return {\'n\': \'three\', \'label\': \'kept\', \'unread\': \'never checked\'}"',
    '}',
    'count = Debug',
    'count.data = make.n',
    'name = Debug',
    'name.data = make.label',
    'loose = ExecPython -> (unread: Number) {',
    '  code: "return {\'unread\': \'not a number\'}"',
    '}',
  ].join('\n'),
  configAndEdge: [
    'city = Text { value: "Oslo" }',
    'byEdge = Template(city: String) {',
    '  template: "{{city}}"',
    '  city: "from config"',
    '}',
    'byEdge.city = city.value',
    'byConfig = Template(city: String) {',
    '  template: "{{city}}"',
    '  city: "from config"',
    '}',
    'shut = Boolean { value: false }',
    'gate = Gate',
    'gate.pass = shut.value',
    'gate.value = city.value',
    'nullEdge = Template(city: String) {',
    '  template: "{{city}}"',
    '  city: "from config"',
    '}',
    'nullEdge.city = gate.value',
  ].join('\n'),
  lanesThroughGroup: [
    'orders = List -> (value: List[Number]) {',
    '  value: [1, 2, 3]',
    '}',
    'rate = Number { value: 10 }',
    'price = Group(qty: Number, rate: Number) -> (line: String) {',
    '  say = Template(qty: Number, rate: Number) { template: "{{qty}}x{{rate}}" }',
    '  say.qty = self.qty',
    '  say.rate = self.rate',
    '  self.line = say.text',
    '}',
    'price.qty = orders.value',
    'price.rate = rate.value',
    'each = Debug',
    'each.data = price.line',
    'all = Pack(lines: List[String])',
    'all.lines = price.line',
    'report = Debug',
    'report.data = all.out',
  ].join('\n'),
  groupSkip: [
    'shut = Boolean { value: false }',
    'word = Text { value: "hello" }',
    'gate = Gate',
    'gate.pass = shut.value',
    'gate.value = word.value',
    'card = Group(title: String) -> (text: String?) {',
    '  say = Template(title: String | Null) { template: "[{{title}}]" }',
    '  say.title = self.title',
    '  self.text = say.text',
    '}',
    'card.title = gate.value',
    'open = Group(title: String?) -> (text: String?) {',
    '  say = Template(title: String | Null) { template: "[{{title}}]" }',
    '  say.title = self.title',
    '  self.text = say.text',
    '}',
    'open.title = gate.value',
    'all = Pack(a: String | Null, b: String | Null)',
    'all.a = card.text',
    'all.b = open.text',
  ].join('\n'),
  rootsRunOnce: [
    'alone = Template(x: String?) { template: "[{{x}}]" }',
    'word = Text { value: "w" }',
    'shut = Boolean { value: false }',
    'gate = Gate',
    'gate.pass = shut.value',
    'gate.value = word.value',
    'opt = Template(x: String?, y: String) { template: "{{x}}/{{y}}" }',
    'opt.x = gate.value',
    'opt.y = word.value',
  ].join('\n'),
  requireOneOf: [
    'shut = Boolean { value: false }',
    'word = Text { value: "hello" }',
    'gate = Gate',
    'gate.pass = shut.value',
    'gate.value = word.value',
    'none = Template(a: String?, b: String?, @require_one_of(a, b)) { template: "{{a}}/{{b}}" }',
    'none.a = gate.value',
    'filled = Template(a: String?, b: String?, @require_one_of(a, b)) {',
    '  template: "{{a}}/{{b}}"',
    '  b: "from config"',
    '}',
    'filled.a = gate.value',
    'one = Template(a: String?, b: String?, @require_one_of(a, b)) { template: "{{a}}/{{b}}" }',
    'one.a = gate.value',
    'one.b = word.value',
    'card = Group(a: String?, b: String?, @require_one_of(a, b)) -> (text: String?) {',
    '  say = Template(a: String?) { template: "[{{a}}]" }',
    '  say.a = self.a',
    '  self.text = say.text',
    '}',
    'card.a = gate.value',
  ].join('\n'),
  nestedLanes: [
    'grid = List -> (value: List[List[Number]]) {',
    '  value: [[1, 2], [3]]',
    '}',
    'cell = Template(n: Number) { template: "<{{n}}>" }',
    'cell.n = grid.value',
    'rows = Pack(cells: List[List[String]])',
    'rows.cells = cell.text',
  ].join('\n'),
  emptyList: [
    'none = List -> (value: List[Number]) {',
    '  value: []',
    '}',
    'each = Template(n: Number) { template: "<{{n}}>" }',
    'each.n = none.value',
    'all = Pack(texts: List[String])',
    'all.texts = each.text',
  ].join('\n'),
  nullList: [
    'orders = List -> (value: List[Number]) {',
    '  value: [1, 2]',
    '}',
    'shut = Boolean { value: false }',
    'gate = Gate(value: List[Number]) -> (value: List[Number])',
    'gate.pass = shut.value',
    'gate.value = orders.value',
    'each = Template(n: Number) { template: "<{{n}}>" }',
    'each.n = gate.value',
    'all = Template(texts: List[String]?) { template: "[{{texts}}]" }',
    'all.texts = each.text',
  ].join('\n'),
  zippedLanes: [
    'names = List -> (value: List[String]) {',
    '  value: ["a", "b", "c"]',
    '}',
    'counts = List -> (value: List[Number]) {',
    '  value: [1, 2, 3]',
    '}',
    'short = List -> (value: List[Number]) {',
    '  value: [1, 2]',
    '}',
    'pair = Template(name: String, n: Number) { template: "{{name}}{{n}}" }',
    'pair.name = names.value',
    'pair.n = counts.value',
    'odd = Template(name: String, n: Number) { template: "{{name}}{{n}}" }',
    'odd.name = names.value',
    'odd.n = short.value',
    'after = Debug',
    'after.data = odd.text',
  ].join('\n'),
  misfitElement: [
    'readings = List -> (value: List[JsonDict]) {',
    '  value: [{"degrees": 1}, {"degrees": "cold"}, {"degrees": 3}]',
    '}',
    'split = Unpack -> (degrees: Number)',
    'split.in = readings.value',
    'show = Template(d: Number) { template: "{{d}}" }',
    'show.d = split.degrees',
    'all = Pack(texts: List[String | Null])',
    'all.texts = show.text',
  ].join('\n'),
  stackTrimLanes: [
    'nums = List -> (value: List[Number]) {',
    '  value: [1, 2, 3]',
    '}',
    'say = Template(n: Number) { template: "<{{n}}>" }',
    'say.n = nums.value',
    'keep = Number { value: 2 }',
    'trim = StackTrim(value: List[String])',
    'trim.value = say.text',
    'trim.count = keep.value',
    'after = Template(v: String) { template: "[{{v}}]" }',
    'after.v = trim.value',
    'all = Pack(vs: List[String])',
    'all.vs = after.text',
  ].join('\n'),
  formWithoutFields: [
    'word = Text { value: "context" }',
    'ask = HumanQuery { title: "Nothing to ask" }',
    'ask.context = word.value',
  ].join('\n'),
  triggers: [
    'hook = ApiPost -> (city: String) {}',
    'form = HumanTrigger {',
    '  title: "Go?"',
    '  fields: [{"fieldType": "approve_reject", "key": "go"}]',
    '}',
    'line = Template(city: String) { template: "city {{city}}" }',
    'line.city = hook.city',
    'stamp = Template(at: String) { template: "at [{{at}}]" }',
    'stamp.at = hook.receivedAt',
    'rejected = Debug',
    'rejected.data = form.go_rejected',
    'approved = Debug',
    'approved.data = form.go_approved',
  ].join('\n'),
};

/** Each lane of a node (`0.1`, '' outside lanes) with its status, in lane order. */
function laneStatuses(execution: { runs: { nodeId: string; lane: number[]; status: string }[] }, nodeId: string): [string, string][] {
  return execution.runs
    .filter((r) => r.nodeId === nodeId)
    .map((r): [string, string] => [r.lane.join('.'), r.status])
    .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }));
}

describe('the runtime rules of NODES.md Part 1', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;
  const run = async (name: keyof typeof programs, extra: Record<string, unknown> = {}) => {
    const executionId = await runProject(url(), await createProject(url(), name, programs[name]), extra);
    return waitForStatus(url(), executionId, ['completed', 'failed']);
  };

  it('skips a Debug and a Template whose required wired input carries null; a type with Null takes it; the skip carries on', async () => {
    const execution = await run('skipOnNull');
    expect(execution.status).toBe('completed');
    expect(execution.node('gate')).toMatchObject({ status: 'completed', output: { value: null } });
    expect(execution.node('show')).toMatchObject({ status: 'skipped', details: { reason: 'required input data is null' } });
    expect(execution.node('fill')).toMatchObject({ status: 'skipped', details: { reason: 'required input v is null' } });
    expect(execution.node('maybe')).toMatchObject({ status: 'completed', output: { text: '[]' } });
    expect(execution.node('after')).toMatchObject({ status: 'completed', inputs: { data: '[]' } });
  });

  it('fails a node at dispatch, without running it, when the value that arrives does not fit its port; the run fails', async () => {
    const execution = await run('typeMismatch');
    expect(execution.status).toBe('failed');
    expect(execution.node('split')).toMatchObject({
      status: 'failed',
      error: 'type mismatch: input in expects Dict[String, Number], but reading.value gave Dict[String, String] {"degrees":"cold"}',
      startedAt: null,
    });
    expect(execution.node('show')).toMatchObject({ status: 'skipped', details: { reason: 'required input data is null (split failed)' } });
    expect(execution.error).toContain('split: type mismatch');
  });

  it('checks the outputs that are connected: a misfit fails the node and nulls only that port, its other outputs still flow', async () => {
    const execution = await run('outputMisfit');
    expect(execution.status).toBe('failed');
    expect(execution.node('make')).toMatchObject({ status: 'failed' });
    expect(execution.node('make')?.error).toContain("Output port 'n': expected Number, got String");
    expect(execution.node('make')?.error).not.toContain('unread');
    expect(execution.node('count')).toMatchObject({ status: 'skipped' });
    expect(execution.node('name')).toMatchObject({ status: 'completed', inputs: { data: 'kept' } });
    expect(execution.node('loose')).toMatchObject({ status: 'completed', output: { unread: 'not a number' } });
  });

  it('fills an unwired port from config; an edge wins over config, even an edge that carries null', async () => {
    const execution = await run('configAndEdge');
    expect(execution.node('byEdge')).toMatchObject({ status: 'completed', output: { text: 'Oslo' } });
    expect(execution.node('byConfig')).toMatchObject({ status: 'completed', inputs: { template: '{{city}}', city: 'from config' }, output: { text: 'from config' } });
    expect(execution.node('nullEdge')).toMatchObject({ status: 'skipped', inputs: { city: null } });
  });

  it('runs a group in one lane per element of the list wired into it, broadcasting the single value, and gathers its output', async () => {
    const execution = await run('lanesThroughGroup');
    expect(execution.status).toBe('completed');
    const lanes = execution.runs.filter((r) => r.nodeId === 'price.say').map((r) => [r.lane, r.inputs]);
    expect(lanes.sort((a, b) => (a[0] as number[])[0]! - (b[0] as number[])[0]!)).toEqual([
      [[0], { template: '{{qty}}x{{rate}}', qty: 1, rate: 10 }],
      [[1], { template: '{{qty}}x{{rate}}', qty: 2, rate: 10 }],
      [[2], { template: '{{qty}}x{{rate}}', qty: 3, rate: 10 }],
    ]);
    // A Debug (data: T, bound to String) runs in each lane; a List[String] input gathers them, in order.
    expect(execution.runs.filter((r) => r.nodeId === 'each').map((r) => r.inputs)).toHaveLength(3);
    expect(execution.node('each', [1])).toMatchObject({ status: 'completed', inputs: { data: '2x10' } });
    expect(execution.node('all')).toMatchObject({ status: 'completed', lane: [], inputs: { lines: ['1x10', '2x10', '3x10'] } });
    expect(execution.node('report')).toMatchObject({ status: 'completed', inputs: { data: { lines: ['1x10', '2x10', '3x10'] } } });
  });

  it('skips a whole group whose required input carries null, though the node inside takes null; an optional group input does not', async () => {
    const execution = await run('groupSkip');
    expect(execution.status).toBe('completed');
    expect(execution.node('card.say')).toMatchObject({ status: 'skipped', details: { reason: 'group card is skipped: its required input title is null' } });
    expect(execution.node('open.say')).toMatchObject({ status: 'completed', output: { text: '[]' } });
    expect(execution.node('all')).toMatchObject({ status: 'completed', inputs: { a: null, b: '[]' } });
  });

  it('runs every root node exactly once, never skipped, its unwired ports from config; an optional wired input takes null', async () => {
    const execution = await run('rootsRunOnce');
    expect(execution.status).toBe('completed');
    for (const root of ['alone', 'word', 'shut']) expect(execution.runs.filter((r) => r.nodeId === root)).toHaveLength(1);
    expect(execution.node('alone')).toMatchObject({ status: 'completed', inputs: { template: '[{{x}}]', x: null } });
    expect(execution.node('opt')).toMatchObject({ status: 'completed', inputs: { x: null, y: 'w' }, output: { text: '/w' } });
  });

  it('skips a node none of whose @require_one_of ports has a value; a config value or one wired value is enough; a group skips whole', async () => {
    const execution = await run('requireOneOf');
    expect(execution.status).toBe('completed');
    expect(execution.node('none')).toMatchObject({ status: 'skipped', details: { reason: 'none of a, b has a value (@require_one_of)' } });
    expect(execution.node('filled')).toMatchObject({ status: 'completed', inputs: { a: null, b: 'from config' }, output: { text: '/from config' } });
    expect(execution.node('one')).toMatchObject({ status: 'completed', inputs: { a: null, b: 'hello' }, output: { text: '/hello' } });
    expect(execution.node('card.say')).toMatchObject({ status: 'skipped', details: { reason: 'group card is skipped: none of a, b has a value (@require_one_of)' } });
  });

  it('runs a list of lists in nested lanes (depth 2) and gathers them back as nested lists', async () => {
    const execution = await run('nestedLanes');
    expect(execution.status).toBe('completed');
    expect(laneStatuses(execution, 'cell')).toEqual([['0.0', 'completed'], ['0.1', 'completed'], ['1.0', 'completed']]);
    expect(execution.node('cell', [1, 0])).toMatchObject({ inputs: { n: 3 }, output: { text: '<3>' } });
    expect(execution.node('rows')).toMatchObject({ status: 'completed', lane: [], inputs: { cells: [['<1>', '<2>'], ['<3>']] } });
  });

  it('runs a node fed an empty list in no lane, and the gather after it gets []', async () => {
    const execution = await run('emptyList');
    expect(execution.status).toBe('completed');
    expect(execution.runs.filter((r) => r.nodeId === 'each')).toEqual([]);
    expect(execution.node('all')).toMatchObject({ status: 'completed', inputs: { texts: [] } });
  });

  it('skips a node fed null where its lanes come from once, and an optional gather after it takes null', async () => {
    const execution = await run('nullList');
    expect(execution.status).toBe('completed');
    expect(laneStatuses(execution, 'each')).toEqual([['', 'skipped']]);
    expect(execution.node('all')).toMatchObject({ status: 'completed', inputs: { texts: null }, output: { text: '[]' } });
  });

  it('zips two lists that run one node by index; lists of different lengths fail it once, and its reader skips', async () => {
    const execution = await run('zippedLanes');
    expect(execution.status).toBe('failed');
    expect(execution.runs.filter((r) => r.nodeId === 'pair').map((r) => r.output.text).sort()).toEqual(['a1', 'b2', 'c3']);
    expect(laneStatuses(execution, 'odd')).toEqual([['', 'failed']]);
    expect(execution.node('odd')?.error).toContain('lanes do not line up');
    expect(laneStatuses(execution, 'after')).toEqual([['', 'skipped']]);
  });

  it('turns an element that does not fit the port it runs into null in its lane: that lane skips, the others run, the gather has null', async () => {
    const execution = await run('misfitElement');
    expect(execution.status).toBe('completed');
    expect(laneStatuses(execution, 'split')).toEqual([['0', 'completed'], ['1', 'skipped'], ['2', 'completed']]);
    expect(execution.node('split', [1])).toMatchObject({ inputs: { in: null }, details: { reason: expect.stringContaining('the element of readings.value in this lane is Dict[String, String]') } });
    expect(laneStatuses(execution, 'show')).toEqual([['0', 'completed'], ['1', 'skipped'], ['2', 'completed']]);
    expect(execution.node('all')).toMatchObject({ status: 'completed', inputs: { texts: ['1', null, '3'] } });
  });

  it("runs the readers of StackTrim's value once per element it keeps, and gathers them back", async () => {
    const execution = await run('stackTrimLanes');
    expect(execution.status).toBe('completed');
    expect(execution.node('trim')).toMatchObject({ status: 'completed', inputs: { value: ['<1>', '<2>', '<3>'], count: 2 }, output: { value: ['<1>', '<2>'] } });
    expect(laneStatuses(execution, 'after')).toEqual([['0', 'completed'], ['1', 'completed']]);
    expect(execution.node('all')).toMatchObject({ status: 'completed', inputs: { vs: ['[<1>]', '[<2>]'] } });
  });

  it('completes a HumanQuery that has no fields at once, without asking anyone', async () => {
    const execution = await run('formWithoutFields');
    expect(execution.status).toBe('completed');
    expect(execution.node('ask')).toMatchObject({ status: 'completed', inputs: { context: 'context' } });
    expect(execution.openTasks).toEqual([]);
  });

  it('gives the triggers that did not fire their dormant outputs: ApiPost receivedAt "", HumanTrigger rejected', async () => {
    const fired = await run('triggers', { inputs: { hook: { city: 'Oslo', receivedAt: '2026-12-01T10:00:00Z' } } });
    expect(fired.status).toBe('completed');
    expect(fired.node('line')).toMatchObject({ status: 'completed', output: { text: 'city Oslo' } });
    expect(fired.node('form')).toMatchObject({ status: 'completed', output: { go_approved: null, go_rejected: true } });
    expect(fired.node('rejected')).toMatchObject({ status: 'completed', inputs: { data: true } });
    expect(fired.node('approved')?.status).toBe('skipped');

    const byHand = await run('triggers');
    expect(byHand.node('hook')).toMatchObject({ status: 'completed', output: { city: null, receivedAt: '' } });
    expect(byHand.node('line')?.status).toBe('skipped');
    expect(byHand.node('stamp')).toMatchObject({ status: 'completed', output: { text: 'at []' } });
  });
});

describe('the node catalog and project files through the API', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;

  it("lists the node types with the ports, required flags and config fields of Weft's catalog", async () => {
    const { nodeTypes } = await graphqlData(url(), `{ nodeTypes { type family inputs { name type required configurable } outputs { name type } fields { key fieldType options } } }`);
    const of = (type: string) => nodeTypes.find((entry: { type: string }) => entry.type === type);
    expect(of('Template').inputs).toEqual([{ name: 'template', type: 'String', required: true, configurable: true }]);
    expect(of('Debug').inputs).toEqual([{ name: 'data', type: 'T', required: true, configurable: true }]);
    expect(of('Http')).toMatchObject({
      family: 'enrichment',
      outputs: [{ name: 'body', type: 'String' }, { name: 'status', type: 'Number' }, { name: 'success', type: 'Boolean' }],
      fields: expect.arrayContaining([{ key: 'url', fieldType: 'text', options: null }, { key: 'method', fieldType: 'select', options: ['GET', 'POST', 'PUT', 'DELETE'] }]),
    });
    expect(of('LlmInference').inputs).toContainEqual({ name: 'config', type: 'JsonDict', required: false, configurable: false });
    expect(of('LlmInference').outputs).toEqual([{ name: 'response', type: 'MustOverride' }]);
    expect(of('LlmInference').fields.map((f: { key: string }) => f.key)).toEqual(expect.arrayContaining(['model', 'systemPrompt', 'temperature', 'maxTokens', 'parseJson']));
  });

  it('imports an export, runs it, and exports it back in the same shape with the credentials stripped', async () => {
    const original = {
      name: 'Greeter',
      description: 'Says hello to a customer',
      weftCode: [
        '# Project: Greeter',
        'who = Text { value: "Dana" }',
        'settings = LlmConfig {',
        '  model: "gpt-4o-mini"',
        '  apiKey: "sk-live-123"',
        '}',
        'greet = Template(name: String) { template: "Hello {{name}}" }',
        'greet.name = who.value',
        'show = Debug',
        'show.data = greet.text',
      ].join('\n'),
      layoutCode: 'who @layout 10 20\ngreet @layout 200 20',
      loomCode: '# Greeter page',
    };
    const { importProject } = await graphqlData(url(), `mutation ($content: String!) { importProject(content: $content, fileName: "greeter.json") {
      ... on Project { id name description layout diagnostics { severity message } } } }`, { content: JSON.stringify(original) });
    expect(importProject).toMatchObject({ name: 'Greeter', description: 'Says hello to a customer', layout: original.layoutCode });
    expect(importProject.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);

    const execution = await waitForStatus(url(), await runProject(url(), importProject.id), ['completed', 'failed']);
    expect(execution.status).toBe('completed');
    expect(execution.node('show')).toMatchObject({ status: 'completed', inputs: { data: 'Hello Dana' } });

    const { exportProject } = await graphqlData(url(), `query ($id: ID!) { exportProject(id: $id) {
      ... on ProjectExport { name description weftCode layoutCode loomCode json } } }`, { id: importProject.id });
    const { json, ...exported } = exportProject;
    expect(exported).toEqual({ ...original, weftCode: original.weftCode.replace('apiKey: "sk-live-123"', 'apiKey: ""') });
    expect(JSON.parse(json)).toEqual(exported);
    expect(json).not.toContain('sk-live-123');
  });
});
