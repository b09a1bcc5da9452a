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
  // ── lexical ──
  row('unterminated string', 'unterminated-string', [1, 19], 'not closed', ['a = Text { value: "oops', '}']),
  row('unknown escape', 'invalid-escape', [1, 22], 'unknown escape "\\q"', ['a = Text { value: "ab\\q" }']),
  row('unclosed ``` block', 'syntax', [1, 31], 'never closed', ['a = ExecPython -> (x: Number) {', '  code: ```', 'return 1'], 2),
  row('stray character', 'syntax', [1, 3], 'unexpected character "$"', ['a $ = Text']),
  // ── syntax ──
  row('config entry at top level', 'syntax', [1, 1], 'belongs inside a node', ['label: "x"']),
  row('missing type after =', 'syntax', [1, 5], 'expected a node type', ['a = { value: 1 }']),
  row('a path where a type belongs', 'syntax', [1, 5], 'to connect, write target.input', ['a = b.c']),
  row('missing "=" in a connection', 'syntax', [2, 8], 'expected "=" after d.data', ['t = Text { value: "x" }', 'd.data t.value', 'd = Debug'], 1),
  row('connection source without port', 'syntax', [2, 10], 'found "t" alone', ['t = Text { value: "x" }', 'd.data = t', 'd = Debug']),
  row('unclosed body', 'syntax', [1, 10], 'never closed', ['a = Text {', '  value: "x"']),
  row('unclosed port list', 'syntax', [1, 15], 'never closed with ")"', ['p = ExecPython(a: String {', '  code: "x"', '}']),
  row('port without type', 'syntax', [1, 17], 'expected ":" and a type after port "a"', ['p = ExecPython(a) -> (o: String) { code: "x" }']),
  row('unknown port-list annotation', 'syntax', [1, 35], 'unknown annotation "@require_two"', ['p = Pack(a: String?, b: Number?, @require_two(a, b))']),
  row('missing config value', 'syntax', [2, 10], 'expected a value', ['t = Text {', '  value: = 3', '}']),
  row('bare word as a value', 'syntax', [1, 19], 'expected a value', ['t = Text { value: hello }']),
  row('stray closing brace', 'syntax', [2, 1], 'closes nothing', ['t = Text { value: "x" }', '}']),
  // ── nodes ──
  row('unknown node type, with a suggestion', 'unknown-node-type', [1, 5], 'unknown node type "Tmplate" (did you mean "Template"?)', ['t = Tmplate { template: "x" }']),
  row('unknown node type in another case', 'unknown-node-type', [1, 5], '(did you mean "ExecPython"?)', ['t = execpython { code: "x" }']),
  row('duplicate id', 'duplicate-id', [2, 1], 'duplicate id "a": already declared at line 1:1', ['a = Text { value: "x" }', 'a = Number { value: 1 }']),
  row('self used as an id', 'reserved-id', [1, 1], '"self" is reserved', ['self = Text { value: "x" }']),
  row('nodes inside a non-group', 'nodes-outside-group', [2, 3], 'only a Group holds nodes', ['t = Text {', '  inner = Text { value: "x" }', '}']),
  row('declared inputs on a fixed node', 'declared-ports-not-allowed', [1, 10], 'Debug does not take declared inputs', ['d = Debug(x: String)']),
  row('declared output a data node lacks', 'unknown-port', [1, 14], 'Text has no output "val" to narrow (did you mean "value"?)', ['t = Text -> (val: String) { value: "x" }']),
  row('narrowing to a type that does not fit', 'type-mismatch', [1, 23], 'can only narrow it', ['n = Number -> (value: String)']),
  row('port declared twice', 'duplicate-port', [1, 28], 'port "a" is declared twice', ['p = ExecPython(a: String?, a: Number?) -> (o: String) { code: "x" }']),
  row('unknown type, with a suggestion', 'invalid-type', [1, 19], 'unknown type "Strin" (did you mean "String"?)', ['p = ExecPython(a: Strin?) -> (o: String) { code: "x" }']),
  row('Any does not exist', 'invalid-type', [1, 19], 'no Any type', ['p = ExecPython(a: Any?) -> (o: String) { code: "x" }']),
  row('Dict keys are String', 'invalid-type', [1, 19], 'Dict keys are always String', ['p = ExecPython(a: Dict[Number, String]?) -> (o: String) { code: "x" }']),
  row('@require_one_of on a required port', 'require-one-of', [1, 49], '"a" in @require_one_of must be optional', ['p = Pack(a: String, b: Number?, @require_one_of(a, b)) { a: "x" }']),
  row('@require_one_of on an unknown port', 'require-one-of', [1, 53], 'names "c", which is not an input of p', ['p = Pack(a: String?, b: Number?, @require_one_of(a, c))']),
  // ── config ──
  row('config value of the wrong type for an input', 'type-mismatch', [1, 17], 'config url of h is a Number, but the input h.url is String', ['h = Http { url: 80  method: "GET" }']),
  row('data node value of the wrong type', 'type-mismatch', [1, 21], 'config value of n is a String, but the output n.value is Number', ['n = Number { value: "1" }']),
  row('label must be text', 'invalid-config', [1, 19], 'label of t is text', ['t = Text { label: 3 value: "x" }']),
  row('key set twice', 'duplicate-config-key', [1, 23], 'config key "value" is set twice', ['t = Text { value: "a" value: "b" }']),
  row('missing required setting', 'invalid-config', [1, 5], 'a Template needs a template', ['t = Template']),
  row('invalid cron expression', 'invalid-config', [1, 18], 'config cron of c: invalid cron expression "61 * * * *"', ['c = Cron { cron: "61 * * * *" }']),
  row('cron with six fields', 'invalid-config', [1, 18], 'has 5 fields', ['c = Cron { cron: "0 0 0 * * *" }']),
  row('HumanQuery: unknown fieldType', 'invalid-config', [3, 19], 'unknown fieldType "selct" (did you mean "select"?)', [
    'q = HumanQuery {', '  fields: [', '    {"fieldType": "selct", "key": "tone", "config": {"options": ["a"]}}', '  ]', '}']),
  row('HumanQuery: field without key', 'invalid-config', [3, 5], 'every field needs a key', ['q = HumanQuery {', '  fields: [', '    {"fieldType": "text_input"}', '  ]', '}']),
  row('HumanQuery: duplicate key', 'invalid-config', [4, 38], 'port "note" is already taken by field 1 (note)', [
    'q = HumanQuery {', '  fields: [', '    {"fieldType": "text_input", "key": "note"},', '    {"fieldType": "textarea", "key": "note"}', '  ]', '}']),
  row('HumanQuery: select without options', 'invalid-config', [3, 5], 'needs config.options', ['q = HumanQuery {', '  fields: [', '    {"fieldType": "select", "key": "tone"}', '  ]', '}']),
  row('HumanTrigger: a field that needs an input', 'invalid-config', [1, 43], 'a HumanTrigger form has none', ['h = HumanTrigger { fields: [{"fieldType": "display", "key": "x"}] }']),
  row('LlmInference: several outputs without parseJson', 'invalid-config', [2, 5], 'need parseJson: true', [
    'c = LlmConfig { model: "m" }', 'l = LlmInference -> (a: String, b: String) { prompt: "p" }', 'l.config = c.config']),
  // ── connections ──
  row('unknown node, with a suggestion', 'unknown-node', [3, 10], 'unknown node "txt" (did you mean "text"?)', ['text = Text { value: "x" }', 'd = Debug', 'd.data = txt.value']),
  row('unknown input, with a suggestion and the list', 'unknown-port', [3, 3], 'd (Debug) has no input "dat" (did you mean "data"?); its inputs are data', ['t = Text { value: "x" }', 'd = Debug', 'd.dat = t.value']),
  row('unknown output', 'unknown-port', [3, 12], 't (Text) has no output "text"; its outputs are value', ['t = Text { value: "x" }', 'd = Debug', 'd.data = t.text']),
  row('an output on the left of =', 'wrong-port-direction', [2, 3], 't.value is an output', ['t = Text { value: "x" }', 't.value = t.value']),
  row('an input on the right of =', 'wrong-port-direction', [3, 12], 'd.data is an input', ['d = Debug', 'e = Debug', 'e.data = d.data']),
  row('two connections into one input', 'duplicate-connection', [4, 1], 'd.data is already connected at line 3:1', ['a = Text { value: "a" }', 'b = Text { value: "b" }', 'd.data = a.value', 'd.data = b.value', 'd = Debug']),
  row('type mismatch at an edge', 'type-mismatch', [3, 1], 'type mismatch: t.x takes Number, but s.value gives String', [
    's = Text { value: "x" }', 't = Template(x: Number) { template: "{{x}}" }', 't.x = s.value']),
  row('type mismatch between unions', 'type-mismatch', [3, 1], 'takes String, but p.o gives String | Number', [
    'p = ExecPython -> (o: String | Number) { code: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = p.o']),
  row('list of the wrong item type does not expand', 'type-mismatch', [3, 1], 'takes Number, but l.value gives List[String]', [
    'l = List -> (value: List[String]) { value: ["a"] }', 't = Template(x: Number) { template: "{{x}}" }', 't.x = l.value']),
  row('gather outside any lanes', 'gather-outside-lanes', [3, 1], 'nothing to gather', [
    'n = Number { value: 1 }', 'p = ExecPython(xs: List[Number]) -> (o: Number) { code: "x" }', 'p.xs = n.value']),
  row('required input left unfilled', 'missing-input', [2, 1], 't needs its input "x" (String)', ['d = Debug', 't = Template(x: String) { template: "{{x}}" }', 'd.data = t.text']),
  row('placeholder without declared input is required too', 'missing-input', [1, 1], 't needs its input "who"', ['t = Template { template: "Hi {{who}}" }']),
  row('cycle', 'cycle', [3, 1], 'cycle: a → b → a', [
    'a = Template(x: String) { template: "{{x}}" }', 'b = Template(y: String) { template: "{{y}}" }', 'a.x = b.text', 'b.y = a.text']),
  row('a node wired to itself', 'cycle', [2, 1], 'cycle: a → a', ['a = Template(x: String) { template: "{{x}}" }', 'a.x = a.text']),
  // ── groups ──
  row('self outside a group', 'self-outside-group', [2, 10], '"self" means the enclosing group', ['d = Debug', 'd.data = self.x']),
  row('reaching into a group from outside', 'past-group-interface', [6, 10], 'g.inner is inside group g', [
    'g = Group() -> (o: String) {', '  inner = Text { value: "x" }', '  self.o = inner.value', '}', 'd = Debug', 'd.data = g.inner.value']),
  row('a group child reaching outside', 'past-group-interface', [4, 13], 'source is outside group g', [
    'source = Text { value: "x" }', 'g = Group() -> (o: String) {', '  inner = Template(t: String) { template: "{{t}}" }', '  inner.t = source.value', '  self.o = inner.text', '}']),
  row('a group child seen from outside by its bare id', 'past-group-interface', [5, 10], 'inner is inside group g', [
    'g = Group() -> (o: String) {', '  inner = Text { value: "x" }', '  self.o = inner.value', '}', 'd.data = inner.value', 'd = Debug']),
  row('self.input written inside the group', 'wrong-port-direction', [2, 8], 'self.x is an input of group g', [
    'g = Group(x: String?) {', '  self.x = t.value', '  t = Text { value: "x" }', '}']),
  row('unknown group input read through self', 'unknown-port', [3, 18], 'group g has no input "tckt" (did you mean "ticket"?)', [
    'g = Group(ticket: String?) -> (o: String) {', '  inner = Template(t: String) { template: "{{t}}" }', '  inner.t = self.tckt', '  self.o = inner.text', '}']),
  row('required group input left unfilled', 'missing-input', [1, 1], 'g needs its input "ticket"', [
    'g = Group(ticket: String) -> (o: String) {', '  inner = Template(t: String) { template: "{{t}}" }', '  inner.t = self.ticket', '  self.o = inner.text', '}']),
];

function errorsOf(code: string) {
  return compileWeft(code).diagnostics.filter((d) => d.severity === 'error');
}

describe('the checker rejects broken programs with the right message at the right place', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const errors = errorsOf(c.code.join('\n'));
    const first = errors[0];
    expect(first).toBeDefined();
    expect({ code: first!.code, at: [first!.line, first!.column] }).toEqual({ code: c.code_, at: c.at });
    expect(first!.message).toContain(c.says);
    expect(errors).toHaveLength(c.errors ?? 1);
  });

  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
});
