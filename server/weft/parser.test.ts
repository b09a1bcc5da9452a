import { describe, expect, it } from '@jest/globals';
import type { Connection, NodeDecl } from './ast';
import { parseWeft } from './parser';
import { toJson } from './values';

function parseOk(source: string) {
  const { program, diagnostics } = parseWeft(source);
  expect(diagnostics).toEqual([]);
  return program.statements;
}
const firstNode = (source: string) => parseOk(source)[0] as NodeDecl;

describe('parser', () => {
  it('reads a node with config separated by spaces or newlines', () => {
    const node = firstNode('t = Text { label: "Greeting" value: "hi"\n  extra: 3 }');
    expect(node).toMatchObject({ id: 't', type: 'Text' });
    expect(node.config.map((e) => [e.key, toJson(e.value)])).toEqual([['label', 'Greeting'], ['value', 'hi'], ['extra', 3]]);
  });

  it('reads a node with no config at all', () => {
    const node = firstNode('d = Debug');
    expect(node).toMatchObject({ id: 'd', type: 'Debug', config: [], body: [] });
    expect(node.inputs).toBeUndefined();
    expect(node.outputs).toBeUndefined();
  });

  it('reads JSON values in config: lists, objects, true, false, null, nested', () => {
    const node = firstNode('x = Dict { value: {"a": [1, 2.5, -3], "b": {"c": null, d: true}, "e": false} }');
    expect(toJson(node.config[0]!.value)).toEqual({ a: [1, 2.5, -3], b: { c: null, d: true }, e: false });
  });

  it('reads declared inputs and outputs, optional ports and types with brackets and unions', () => {
    const node = firstNode('p = ExecPython(a: String, b: Dict[String, Number]?) -> (out: List[Number | Null]) { code: "x" }');
    expect(node.inputs!.ports.map((p) => [p.name, p.typeText, p.optional])).toEqual([
      ['a', 'String', false], ['b', 'Dict[String, Number]', true],
    ]);
    expect(node.outputs!.ports.map((p) => [p.name, p.typeText])).toEqual([['out', 'List[Number | Null]']]);
  });

  it('reads a port list over several lines, with or without commas', () => {
    const node = firstNode('p = Pack(\n  a: String?\n  b: Number?,\n  c: Boolean?\n)');
    expect(node.inputs!.ports.map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });

  it('reads outputs only', () => {
    const node = firstNode('o = ExecPython -> (value: List[String]) { code: "x" }');
    expect(node.inputs).toBeUndefined();
    expect(node.outputs!.ports[0]).toMatchObject({ name: 'value', typeText: 'List[String]' });
  });

  it('reads @require_one_of inside the input list', () => {
    const node = firstNode('p = Pack(a: String?, b: String?, @require_one_of(a, b))');
    expect(node.inputs!.requireOneOf[0]!.ports.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('reads connections with the position of each part', () => {
    const connection = parseOk('t = Text\n  d.data = t.value')[1] as Connection;
    expect(connection.target.path).toEqual(['d', 'data']);
    expect(connection.source.path).toEqual(['t', 'value']);
    expect(connection.span.start).toEqual({ line: 2, column: 3 });
    expect(connection.source.pathSpans[1]!.start).toEqual({ line: 2, column: 14 });
  });

  it('reads nested groups with self, children kept in the body', () => {
    const outer = firstNode(
      'outer = Group(x: String) -> (y: String) {\n  inner = Group(x: String) -> (y: String) {\n    self.y = self.x\n  }\n  inner.x = self.x\n  self.y = inner.y\n}',
    );
    const inner = outer.body[0] as NodeDecl;
    expect(inner).toMatchObject({ id: 'inner', type: 'Group' });
    expect((inner.body[0] as Connection).target.path).toEqual(['self', 'y']);
    expect(outer.body.map((s) => s.kind)).toEqual(['node', 'connection', 'connection']);
  });

  it('keeps positions of nodes, ports and config values', () => {
    const node = firstNode('\n  t = Template(who: String) {\n    template: "Hi {{who}}"\n  }');
    expect(node.idSpan.start).toEqual({ line: 2, column: 3 });
    expect(node.typeSpan.start).toEqual({ line: 2, column: 7 });
    expect(node.inputs!.ports[0]!.typeSpan.start).toEqual({ line: 2, column: 21 });
    expect(node.config[0]!.value.span.start).toEqual({ line: 3, column: 15 });
    expect(node.span.end).toEqual({ line: 4, column: 4 });
  });

  it('reads an Annotation like any node', () => {
    expect(firstNode('note = Annotation { content: ```\n  Remember\n  ``` }').config[0]!.key).toBe('content');
  });

  it('keeps parsing after a broken line and reports every problem', () => {
    const { program, diagnostics } = parseWeft('a = Text { value: }\nb = = Text\nc = Debug\nd = Text { value: "x" oops }');
    expect(diagnostics.map((d) => d.line)).toEqual([1, 2, 4]);
    expect(program.statements.map((s) => (s as NodeDecl).id)).toEqual(['a', 'c', 'd']);
  });
});
