import { describe, expect, it } from '@jest/globals';
import { parseProgram, programLines } from './parser';

const lines = (...text: string[]) => text.join('\n');

describe('the line parser', () => {
  it('reads nodes with their lines, ports, config and label', () => {
    const parsed = parseProgram(lines(
      '# Project: P',
      'p = ExecPython(a: String, b: Dict[String, Number]?) -> (out: List[Number | Null]) {',
      '  label: "Run"',
      '  code: "x"',
      '}',
    ));
    expect(parsed.errors).toEqual([]);
    expect(parsed.name).toBe('P');
    expect(parsed.nodes).toEqual([expect.objectContaining({
      id: 'p', type: 'ExecPython', label: 'Run', config: { code: 'x' }, startLine: 2, endLine: 5,
      inPorts: [
        { name: 'a', typeText: 'String', required: true, line: 2 },
        { name: 'b', typeText: 'Dict[String, Number]', required: false, line: 2 },
      ],
      outPorts: [{ name: 'out', typeText: 'List[Number | Null]', required: true, line: 2 }],
    })]);
  });

  it('reads connections, config-value wirings and inline nodes in source order', () => {
    const parsed = parseProgram(lines(
      'a = Text { value: "x" }',
      't = Template {',
      '  template: "{{x}}"',
      '  x: a.value',
      '}',
      'd = Debug',
      'd.data = Template { template: "y" }.text',
    ));
    expect(parsed.nodes.map((n) => n.id)).toEqual(['a', 't', 'd', 'd__data']);
    expect(parsed.connections.map((c) => [c.sourceId, c.sourcePort, c.targetId, c.targetPort, c.line])).toEqual([
      ['a', 'value', 't', 'x', 4], ['d__data', 'text', 'd', 'data', 7],
    ]);
  });

  it('scopes group children and self connections', () => {
    const parsed = parseProgram(lines('g = Group(x: String) -> (y: String) {', '  # about g', '  t = Template(v: String) { template: "{{v}}" }', '  t.v = self.x', '  self.y = t.text', '}'));
    expect(parsed.groups).toEqual([expect.objectContaining({ id: 'g', name: 'g', description: 'about g', startLine: 1, endLine: 6 })]);
    expect(parsed.groups[0]!.nodes.map((n) => [n.id, n.parentId])).toEqual([['g.t', 'g']]);
    expect(parsed.groups[0]!.connections.map((c) => [c.sourceId, c.sourceIsSelf, c.targetId, c.targetIsSelf])).toEqual([
      ['g', true, 'g.t', false], ['g.t', false, 'g', true],
    ]);
  });

  it('keeps going after a problem, reporting each with its line and column', () => {
    const parsed = parseProgram(lines('  what is this', 'a = Text {', '  nope', '}', 'b = Text'));
    expect(parsed.errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [1, 3, 'Unexpected line: what is this'], [3, 3, 'Invalid config line: nope'],
    ]);
    expect(parsed.nodes.map((n) => n.id)).toEqual(['a', 'b']);
  });

  it('ends the program at a line of four backticks and reads CRLF line ends', () => {
    expect(programLines('a = Text\r\nb = Text\r\n````\r\nc = Text')).toEqual(['a = Text', 'b = Text']);
  });
});
