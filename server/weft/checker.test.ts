import { describe, expect, it } from '@jest/globals';
import { compileWeft } from './compile';
import { closest, editDistance } from './suggest';

const lines = (...text: string[]) => text.join('\n');

describe('the checker', () => {
  it('reports every problem at once, in source order', () => {
    const { graph, diagnostics } = compileWeft(lines(
      'a = Txt { value: "x" }',
      'b = Template(x: Number) { template: "{{x}}" }',
      'b.x = c.value',
      'b = Debug',
      'd = Debug',
      'd.data = b.txt',
      'e = Cron',
    ));
    expect(graph).toBeUndefined();
    const codes = diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line]);
    expect(codes.filter(([code]) => code !== 'missing-input')).toEqual([
      ['unknown-node-type', 1], ['unknown-node', 3], ['duplicate-id', 4], ['node-validator', 5], ['unknown-port', 6], ['node-validator', 7],
    ]);
    expect(codes.map(([, line]) => line)).toEqual([...codes.map(([, line]) => line)].sort((a, b) => Number(a) - Number(b)));
  });

  it('still gives a best-effort graph of broken code when asked (for the editor)', () => {
    const { graph, diagnostics } = compileWeft('a = Text { value: "x" }\nd = Debug\nd.data = a.nope', '', { partial: true });
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      "Node d: required input port 'data' is not connected (wire an edge, this port cannot be filled by config)",
      'd: Data input is required',
      'Node a has no output port: nope',
    ]);
    expect(graph?.nodes.map((n) => n.id)).toEqual(['a', 'd']);
  });

  it('gives each diagnostic a range on its line', () => {
    const [d] = compileWeft('t = Tmplate { template: "x" }').diagnostics;
    expect(d).toMatchObject({ line: 1, column: 1, endLine: 1, endColumn: 30, severity: 'error', message: "Unknown node type: Tmplate (did you mean 'Template'?)" });
  });

  it('lets an edge win over a config value of the same name', () => {
    const { graph } = compileWeft(lines(
      'u = Text { value: "x" }',
      't = Template { template: "b" }',
      't.template = u.value',
      'd = Debug',
      'd.data = t.text',
    ));
    const input = graph!.executable.nodes.find((n) => n.id === 't')!.inputs.find((i) => i.name === 'template');
    expect(input).toMatchObject({ source: { node: 'u', port: 'value' } });
    expect(input?.value).toBeUndefined();
  });

  it('refuses config keys a fixed-signature node does not have, suggesting the near one', () => {
    const { diagnostics } = compileWeft('t = Text { vaule: "x" }');
    expect(diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', code: 'fixed-signature', message: expect.stringContaining("did you mean 'value'") }));
  });

  it('keeps @require_one_of on the node for the executor', () => {
    const { graph } = compileWeft(lines('t = Text { value: "x" }', 'p = Pack(a: String?, b: Number?, @require_one_of(a, b))', 'p.a = t.value', 'd = Debug', 'd.data = p.out'));
    expect(graph!.nodes[1]!.requireOneOf).toEqual([['a', 'b']]);
    expect(graph!.executable.nodes.find((n) => n.id === 'p')!.requireOneOf).toEqual([['a', 'b']]);
  });

  it('keeps an Annotation on the canvas but never runs it', () => {
    const { graph, diagnostics } = compileWeft('note = Annotation { content: ```\n  Read me\n  ``` }');
    expect(diagnostics).toEqual([]);
    expect(graph!.nodes[0]).toMatchObject({ kind: 'annotation', config: { content: 'Read me' } });
    expect(graph!.executable.nodes).toEqual([]);
  });

  it('reports a connection to an Annotation as an unknown port', () => {
    const { diagnostics } = compileWeft('n = Annotation { content: "x" }\nt = Text { value: "x" }\nn.x = t.value');
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'unknown-port', message: 'Node n has no input port: x' }));
  });

  it('resolves nested groups with self, through every boundary', () => {
    const { graph, diagnostics } = compileWeft(lines(
      'src = Text { value: "hi" }',
      'outer = Group(x: String) -> (y: String) {',
      '  inner = Group(x: String) -> (y: String) {',
      '    shout = Template(x: String) { template: "{{x}}!" }',
      '    shout.x = self.x',
      '    self.y = shout.text',
      '  }',
      '  inner.x = self.x',
      '  self.y = inner.y',
      '}',
      'outer.x = src.value',
      'show = Debug',
      'show.data = outer.y',
    ));
    expect(diagnostics).toEqual([]);
    expect(graph!.nodes.map((n) => [n.id, n.scope])).toEqual([
      ['src', []], ['outer', []], ['outer.inner', ['outer']], ['outer.inner.shout', ['outer', 'outer.inner']], ['show', []],
    ]);
    const run = new Map(graph!.executable.nodes.map((n) => [n.id, n]));
    expect([...run.keys()]).toEqual(['src', 'outer.inner.shout', 'show']);
    expect(run.get('outer.inner.shout')!.inputs.find((i) => i.name === 'x')!.source).toEqual({ node: 'src', port: 'value' });
    expect(run.get('show')!.inputs[0]!.source).toEqual({ node: 'outer.inner.shout', port: 'text' });
  });

  it('passes a group input straight to its output', () => {
    const { graph } = compileWeft(lines(
      'src = Number { value: 1 }',
      'g = Group(x: Number) -> (y: Number) {',
      '  self.y = self.x',
      '}',
      'g.x = src.value',
      'show = Debug',
      'show.data = g.y',
    ));
    expect(graph!.edges.find((e) => e.kind === 'groupThrough')).toBeDefined();
    expect(graph!.executable.nodes.find((n) => n.id === 'show')!.inputs[0]!.source).toEqual({ node: 'src', port: 'value' });
  });

  it('accepts a cycle, as the reference does (nothing in it ever runs)', () => {
    const { graph, diagnostics } = compileWeft(lines(
      'a = Template(x: String) { template: "{{x}}" }',
      'g = Group(i: String) -> (o: String) {',
      '  t = Template(x: String) { template: "{{x}}" }',
      '  t.x = self.i',
      '  self.o = t.text',
      '}',
      'g.i = a.text',
      'a.x = g.o',
    ));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(graph!.executable.order).toEqual(['a', 'g.t']);
  });

  it('runs lanes within lanes for a list of lists', () => {
    const { graph } = compileWeft(lines(
      'grid = List -> (value: List[List[Number]]) {',
      '  value: [[1, 2], [3]]',
      '}',
      'cell = Template(n: Number) { template: "{{n}}" }',
      'cell.n = grid.value',
      'rows = ExecPython(cells: List[List[String]]) -> (o: String) { code: "x" }',
      'rows.cells = cell.text',
      'd = Debug',
      'd.data = rows.o',
    ));
    const run = new Map(graph!.executable.nodes.map((n) => [n.id, n]));
    expect(run.get('cell')!.laneDepth).toBe(2);
    expect(run.get('cell')!.inputs.find((i) => i.name === 'n')!.lane).toEqual({ mode: 'expand', depth: 2 });
    expect(run.get('rows')).toMatchObject({ laneDepth: 0, inputs: [{ lane: { mode: 'gather', depth: 2 } }] });
  });

  it('broadcasts a value from outside the lanes', () => {
    const { graph } = compileWeft(lines(
      'names = List -> (value: List[String]) {',
      '  value: ["a", "b"]',
      '}',
      'greeting = Text { value: "hi" }',
      't = Template(name: String, greeting: String) { template: "{{greeting}} {{name}}" }',
      't.name = names.value',
      't.greeting = greeting.value',
      'd = Debug',
      'd.data = t.text',
    ));
    const t = graph!.executable.nodes.find((n) => n.id === 't')!;
    expect(t.laneDepth).toBe(1);
    expect(t.inputs.map((i) => i.lane.mode)).toEqual(['single', 'expand', 'single']);
  });
});

describe('did you mean', () => {
  it('measures edits, a swap of neighbours counting as one', () => {
    expect(editDistance('Tmplate', 'Template')).toBe(1);
    expect(editDistance('vaule', 'value')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('suggests the closest name only when it is near', () => {
    expect(closest('Tmplate', ['Text', 'Template', 'Gate'])).toBe('Template');
    expect(closest('text', ['Text', 'Next'])).toBe('Text');
    expect(closest('zebra', ['Text', 'Template'])).toBeUndefined();
    expect(closest('a', ['b'])).toBe('b');
    expect(closest('ab', ['xy'])).toBeUndefined();
  });
});
