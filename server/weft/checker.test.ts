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
      'e = Cron { cron: "every day" }',
    ));
    expect(graph).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['unknown-node-type', 1], ['unknown-node', 3], ['duplicate-id', 4], ['unknown-port', 6], ['invalid-config', 7],
    ]);
  });

  it('still gives a best-effort graph of broken code when asked (for the editor)', () => {
    const { graph, diagnostics } = compileWeft('a = Text { value: "x" }\nd = Debug\nd.data = a.nope', '', { partial: true });
    expect(diagnostics).toHaveLength(1);
    expect(graph?.nodes.map((n) => n.id)).toEqual(['a', 'd']);
  });

  it('gives each diagnostic a range that ends where the problem ends', () => {
    const [d] = compileWeft('t = Tmplate { template: "x" }').diagnostics;
    expect(d).toMatchObject({ line: 1, column: 5, endLine: 1, endColumn: 12, severity: 'error' });
  });

  it('lets an edge win over a config value of the same name', () => {
    const { graph } = compileWeft(lines(
      'u = Text { value: "http://a" }',
      'h = Http { url: "http://b" method: "GET" }',
      'h.url = u.value',
    ));
    const url = graph!.executable.nodes.find((n) => n.id === 'h')!.inputs.find((i) => i.name === 'url');
    expect(url).toMatchObject({ source: { node: 'u', port: 'value' } });
    expect(url?.value).toBeUndefined();
  });

  it('warns about config keys no node uses, suggesting the near one', () => {
    const { diagnostics } = compileWeft('t = Text { vaule: "x" }');
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'unknown-config-key', message: expect.stringContaining('did you mean "value"') })]);
  });

  it('warns about a template input its template never uses', () => {
    const { diagnostics } = compileWeft('t = Template(a: String?, b: String?) { template: "{{a}}" }');
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('input "b" is declared but the template never uses {{b}}') })]);
  });

  it('warns about a group output never set inside the group', () => {
    const { diagnostics } = compileWeft('g = Group() -> (o: String) {\n}');
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'unset-group-output', line: 1, column: 17 })]);
  });

  it('keeps @require_one_of on the node for the executor', () => {
    const { graph } = compileWeft('p = Pack(a: String?, b: Number?, @require_one_of(a, b))');
    expect(graph!.nodes[0]!.requireOneOf).toEqual([['a', 'b']]);
    expect(graph!.executable.nodes[0]!.requireOneOf).toEqual([['a', 'b']]);
  });

  it('keeps an Annotation on the canvas but never runs it', () => {
    const { graph, diagnostics } = compileWeft('note = Annotation { content: ```\n  Read me\n  ``` }');
    expect(diagnostics).toEqual([]);
    expect(graph!.nodes[0]).toMatchObject({ kind: 'annotation', config: { content: 'Read me' } });
    expect(graph!.executable.nodes).toEqual([]);
  });

  it('reports a connection to an Annotation as an unknown port', () => {
    const { diagnostics } = compileWeft('n = Annotation { content: "x" }\nt = Text { value: "x" }\nn.x = t.value');
    expect(diagnostics[0]).toMatchObject({ code: 'unknown-port', message: expect.stringContaining('it has no inputs') });
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
    expect(run.get('outer.inner.shout')!.inputs[0]!.source).toEqual({ node: 'src', port: 'value' });
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

  it('fills a group input from the group config when nothing is wired', () => {
    const { graph, diagnostics } = compileWeft(lines(
      'g = Group(x: Number) {',
      '  x: 5',
      '  show = Debug',
      '  show.data = self.x',
      '}',
    ));
    expect(diagnostics).toEqual([]);
    expect(graph!.executable.nodes.find((n) => n.id === 'g.show')!.inputs[0]).toMatchObject({ value: 5 });
  });

  it('finds a cycle that runs through a group', () => {
    const { diagnostics } = compileWeft(lines(
      'a = Template(x: String) { template: "{{x}}" }',
      'g = Group(i: String) -> (o: String) {',
      '  t = Template(x: String) { template: "{{x}}" }',
      '  t.x = self.i',
      '  self.o = t.text',
      '}',
      'g.i = a.text',
      'a.x = g.o',
    ));
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'cycle', message: 'cycle: a → g.t → a; a node cannot depend on its own output' })]);
  });

  it('runs lanes within lanes for a list of lists', () => {
    const { graph } = compileWeft(lines(
      'grid = List -> (value: List[List[Number]]) { value: [[1, 2], [3]] }',
      'cell = Template(n: Number) { template: "{{n}}" }',
      'cell.n = grid.value',
      'rows = ExecPython(cells: List[List[String]]) -> (o: String) { code: "x" }',
      'rows.cells = cell.text',
    ));
    const run = new Map(graph!.executable.nodes.map((n) => [n.id, n]));
    expect(run.get('cell')).toMatchObject({ laneDepth: 2, inputs: [{ lane: { mode: 'expand', depth: 2 } }] });
    expect(run.get('rows')).toMatchObject({ laneDepth: 0, inputs: [{ lane: { mode: 'gather', depth: 2 } }] });
  });

  it('broadcasts a value from outside the lanes', () => {
    const { graph } = compileWeft(lines(
      'names = List -> (value: List[String]) { value: ["a", "b"] }',
      'greeting = Text { value: "hi" }',
      't = Template(name: String, greeting: String) { template: "{{greeting}} {{name}}" }',
      't.name = names.value',
      't.greeting = greeting.value',
    ));
    const t = graph!.executable.nodes.find((n) => n.id === 't')!;
    expect(t.laneDepth).toBe(1);
    expect(t.inputs.map((i) => i.lane.mode)).toEqual(['expand', 'single']);
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
