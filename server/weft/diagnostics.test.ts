import { describe, expect, it } from '@jest/globals';
import { compileWeft } from './compile';

/** One broken program per row: the error it must give, where, and what the message says. */
interface Case {
  name: string;
  code: string[];
  code_: string;
  at: [number, number];
  says: string;
  /** How many errors the program has in all (1 unless stated). */
  errors?: number;
}

const row = (name: string, code_: string, at: [number, number], says: string, lines: string[], errors?: number): Case =>
  ({ name, code_, at, says, code: lines, errors });

const cases: Case[] = [
  // ── lines and syntax ──
  row('unexpected line', 'unexpected-line', [1, 1], 'Unexpected line: label: "x"', ['label: "x"']),
  row('a path where a type belongs', 'unexpected-line', [1, 1], 'Unexpected line: a = b.c', ['a = b.c']),
  row('missing "=" in a connection', 'unexpected-line', [2, 1], 'Unexpected line: d.data t.value', ['t = Text { value: "x" }', 'd.data t.value', 'd = Debug', 'd.data = t.value']),
  row('connection source without port', 'unexpected-line', [2, 1], 'Unexpected line: d.data = t', ['t = Text { value: "x" }', 'd.data = t', 'd = Debug', 'd.data = t.value']),
  row('invalid config line', 'invalid-config-line', [2, 3], 'Invalid config line: value = 3', ['t = Text {', '  value = 3', '}']),
  row('invalid config pair', 'syntax', [1, 1], "Invalid config pair: 'value'", ['t = Text { value }']),
  row('invalid port declaration', 'invalid-port', [1, 1], "Invalid port declaration: '2x: String'", ['p = ExecPython(2x: String) -> (o: String) { code: "x" }']),
  row('unexpected line inside in()', 'syntax', [3, 5], 'Unexpected line inside in() block: what?', ['p = ExecPython {', '  in(', '    what?', '  )', '}']),
  row('invalid JSON', 'invalid-json', [3, 3], 'Invalid JSON for "v": ', ['t = Template {', '  template: "x"', '  v: {oops}', '}']),
  row('mock key', 'mock-key', [1, 1], "'mock' is not a valid config key", ['t = Text { mock: "x" }']),
  row('mocked key', 'mock-key', [2, 3], "'mocked' is not a valid config key", ['t = Text {', '  mocked: true', '}']),
  row('unclosed group', 'unclosed-group', [1, 1], "Unclosed group 'g'", ['g = Group() {']),
  row('invalid connection target in a group', 'syntax', [2, 3], "Invalid connection target: 'x'", ['g = Group() {', '  x = y', '}'], 2),
  // ── nodes and ports ──
  row('unknown node type, with a suggestion', 'unknown-node-type', [1, 1], "Unknown node type: Tmplate (did you mean 'Template'?)", ['t = Tmplate { template: "x" }']),
  row('unknown node type in another case', 'unknown-node-type', [1, 1], "(did you mean 'ExecPython'?)", ['t = Execpython { code: "x" }']),
  row('duplicate id', 'duplicate-id', [2, 1], 'Duplicate node ID: a', ['a = Text { value: "x" }', 'a = Number { value: 1 }', 'd = Debug', 'd.data = a.value']),
  row('declared inputs on a fixed node', 'cannot-add-port', [1, 1], 'Node d (Debug): cannot add input port "x", node does not support custom input ports', ['d = Debug(data: String, x: String)', 't = Text', 'd.data = t.value']),
  row('declared output a data node lacks', 'cannot-add-port', [1, 1], 'cannot add output port "val"', ['t = Text -> (val: String) { value: "x" }']),
  row('narrowing to a type that does not fit', 'incompatible-declaration', [1, 1], 'output port "value" has catalog type Number but Weft declares incompatible type String', ['n = Number -> (value: String)']),
  row('port declared twice', 'duplicate-port', [1, 1], 'Duplicate in port "a"', ['p = ExecPython(a: String?, a: Number?) -> (o: String) { code: "x" }']),
  row('a literal to an output', 'literal-to-output', [1, 1], "cannot assign a literal to output port 'o'", ['p = ExecPython -> (o: String) { code: "x", o: 1 }']),
  row('fixed signature', 'fixed-signature', [1, 1], "cannot add custom input port 'vaule'", ['t = Text { vaule: "x" }']),
  // ── edges ──
  row('unknown node, with a suggestion', 'unknown-node', [3, 1], "Connection references unknown source node: txt (did you mean 'text'?)", ['text = Text { value: "x" }', 'd = Debug', 'd.data = txt.value'], 3),
  row('unknown input, with a suggestion', 'unknown-port', [3, 1], "Node d has no input port: dat (did you mean 'data'?)", ['t = Text { value: "x" }', 'd = Debug', 'd.dat = t.value'], 3),
  row('unknown output', 'unknown-port', [3, 1], 'Node t has no output port: text', ['t = Text { value: "x" }', 'd = Debug', 'd.data = t.text'], 3),
  row('two connections into one input', 'duplicate-connection', [4, 1], 'Input port d.data already has a connection', ['a = Text { value: "a" }', 'b = Text { value: "b" }', 'd.data = a.value', 'd.data = b.value', 'd = Debug']),
  // ── types ──
  row('type mismatch at an edge', 'type-mismatch', [3, 1], 'Type mismatch: s.value outputs String but t.x expects Number', [
    's = Text { value: "x" }', 't = Template(x: Number) { template: "{{x}}" }', 't.x = s.value', 'd = Debug', 'd.data = t.text']),
  row('type mismatch between unions', 'type-mismatch', [3, 1], 'Type mismatch: p.o outputs String | Number but t.x expects String', [
    'p = ExecPython -> (o: String | Number) { code: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = p.o', 'd = Debug', 'd.data = t.text']),
  row('list of the wrong item type does not expand', 'type-mismatch', [5, 1], 'outputs List[String] but t.x expects Number', [
    'l = List -> (value: List[String]) {', '  value: ["a"]', '}', 't = Template(x: Number) { template: "{{x}}" }', 't.x = l.value', 'd = Debug', 'd.data = t.text']),
  row('gather outside any lanes', 'gather-depth', [3, 1], 'Gather error: p.xs tries to gather 1 level(s) but current depth is only 0.', [
    'n = Number { value: 1 }', 'p = ExecPython(xs: List[Number | Null]) -> (o: Number) { code: "x" }', 'p.xs = n.value', 'd = Debug', 'd.data = p.o']),
  row('untyped output once connected', 'untyped-port', [1, 1], 'Node l: output port "response" requires a type declaration', ['l = LlmInference { prompt: "p" }', 'd = Debug', 'd.data = l.response'], 2),
  // ── config and required ──
  row('config value of the wrong type for an input', 'config-type', [1, 1], "Node t: config field 'template' has type Number but the port expects String", ['t = Template { template: 80 }', 'd = Debug', 'd.data = t.text']),
  row('wired-only port set from config', 'wired-only', [1, 1], "input port 'config' is wired-only", ['l = LlmInference -> (response: String) { prompt: "p", config: {} }', 'd = Debug', 'd.data = l.response']),
  row('required input left unfilled', 'missing-input', [2, 1], "Node t: required input port 'x' is not connected", ['d = Debug', 't = Template(x: String) { template: "{{x}}" }', 'd.data = t.text']),
  row('required group input left unfilled', 'missing-input', [1, 1], "Group g: required input port 'ticket' is not connected (wire an edge into this group input)", [
    'g = Group(ticket: String) -> (o: String) {', '  inner = Template(t: String) { template: "{{t}}" }', '  inner.t = self.ticket', '  self.o = inner.text', '}', 'd = Debug', 'd.data = g.o']),
  row('@require_one_of unsatisfied', 'require-one-of', [1, 1], 'Node p: at least one of [a, b] must be connected', ['p = Pack(a: String?, b: Number?, @require_one_of(a, b))', 'd = Debug', 'd.data = p.out']),
  // ── validators ──
  row('Cron without an expression', 'node-validator', [1, 1], 'c: Cron expression is required', ['c = Cron', 'd = Debug', 'd.data = c.actualTime']),
  row('Http without a url', 'node-validator', [1, 1], 'h: URL is required', ['h = Http', 'd = Debug', 'd.data = h.status']),
  row('LlmConfig without a model', 'node-validator', [1, 1], 'c: Model is required', ['c = LlmConfig', 'l = LlmInference -> (response: String) { prompt: "p" }', 'l.config = c.config', 'd = Debug', 'd.data = l.response']),
  row('Gate without pass', 'missing-input', [2, 1], "Node g: required input port 'pass' is not connected", ['t = Text { value: "x" }', 'g = Gate', 'g.value = t.value', 'd = Debug', 'd.data = g.value'], 2),
];

function errorsOf(code: string) {
  return compileWeft(code).diagnostics.filter((d) => d.severity === 'error');
}

describe('the checker rejects broken programs with the right message at the right place', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const errors = errorsOf(c.code.join('\n'));
    const found = errors.find((e) => e.code === c.code_ && e.message.includes(c.says));
    expect(found).toBeDefined();
    expect([found!.line, found!.column]).toEqual(c.at);
    expect(errors).toHaveLength(c.errors ?? 1);
  });

  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
});
