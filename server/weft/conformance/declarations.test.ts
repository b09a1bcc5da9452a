/** LANGUAGE.md §3: node declarations — bare, signatures, @require_one_of, config blocks, one-line bodies, port lines, labels, keys, post-config outputs. */
import { describe, expect, it } from '@jest/globals';
import { accepted, compile, edges, input, node, output, ports, program, rejected } from './support';

describe('§3.1 bare declaration', () => {
  it('§3.1 id = Type declares a node with the catalog defaults and empty config', () => {
    const { graph } = accepted('today = Text');
    expect(node(graph, 'today')).toMatchObject({ type: 'Text', config: {} });
    expect(ports(node(graph, 'today').outputs)).toEqual(['value: String?']);
  });
});

describe('§3.2 port signatures', () => {
  it('§3.2 typed, optional, untyped and untyped-optional items', () => {
    const { graph } = compile('p = ExecPython(a: String, b: Number?, c, d?) -> (out: String) { code: "x" }');
    expect(ports(node(graph, 'p').inputs)).toEqual(['a: String', 'b: Number?', 'c: MustOverride', 'd: MustOverride?']);
  });

  it('§3.2 an untyped new port on a node that adds ports is an error', () => {
    rejected('p = ExecPython(c) { code: "x" }', 1, 'new input port "c" requires a type declaration (e.g. c: String)');
  });

  it('§3.2 items split on commas or newlines; trailing commas, blank lines and # items are ignored', () => {
    const { graph } = accepted(program(
      'scorer = ExecPython(', '  ticket: String', '', '  # the tier', '  tier: String?,', ') -> (', '  score: Number', ') {', '  code: "return {}"', '}',
      't = Text { value: "x" }', 'scorer.ticket = t.value', 'd = Debug', 'd.data = scorer.score',
    ));
    expect(ports(node(graph, 'scorer').inputs)).toEqual(['ticket: String', 'tier: String?']);
    expect(output(graph, 'scorer', 'score')?.type).toBe('Number');
  });

  it('§3.2 a malformed port name is an invalid port declaration', () => {
    rejected('p = ExecPython(1a: String) { code: "x" }', 1, "Invalid port declaration: '1a: String'");
  });

  it('§3.2 a repeated name is a duplicate in/out port', () => {
    rejected('p = ExecPython(a: String?, a: Number?) { code: "x" }', 1, 'Duplicate in port "a"');
    rejected('p = ExecPython -> (a: String, a: Number) { code: "x" }', 1, 'Duplicate out port "a"');
  });

  it('§3.2 an unknown type name is not checked at declaration, only once wired', () => {
    accepted('p = ExecPython(a: Strng?) { code: "x" }');
    rejected(program('t = Text { value: "x" }', 'p = ExecPython(a: Strng) { code: "x" }', 'p.a = t.value'), 3, 'Type mismatch: t.value outputs String but p.a expects Strng');
  });

  it('§3.2 -> ( may start the line after the inputs, and a lone { may follow', () => {
    const { graph } = accepted(program('p = ExecPython(a: String?)', '-> (b: Number)', '{', '  code: "x"', '}', 'd = Debug', 'd.data = p.b'));
    expect(output(graph, 'p', 'b')?.type).toBe('Number');
    expect(node(graph, 'p').config.code).toBe('x');
  });

  it('§3.2 after a bare Type, a lone { on the next line is an error', () => {
    rejected(program('a = Text', '{', '  value: "x"', '}'), 2, 'Unexpected line: {');
  });

  it('§3.2 two arrow clauses before the config block are an error', () => {
    rejected('a = LlmInference -> (response: String) -> (extra: String) { parseJson: false }', 1, 'Two arrow clauses before the config block');
  });
});

describe('§3.3 @require_one_of', () => {
  it('§3.3 as an item of the input list, merged with catalog groups', () => {
    const { graph } = accepted(program(
      'notify = ExecPython(email: String?, phone: String?, @require_one_of(email, phone)) -> (sent: Boolean) { code: "x" }',
      'e = Text { value: "a@b" }', 'notify.email = e.value', 'd = Debug', 'd.data = notify.sent',
    ));
    expect(node(graph, 'notify').requireOneOf).toEqual([['email', 'phone']]);
  });

  it('§3.3 as a line of a root node config block', () => {
    const { graph } = accepted(program(
      'notify = ExecPython(email: String?, phone: String?) -> (sent: Boolean) {', '  @require_one_of(email, phone)', '  code: "x"', '}',
      'e = Text { value: "a@b" }', 'notify.email = e.value', 'd = Debug', 'd.data = notify.sent',
    ));
    expect(node(graph, 'notify').requireOneOf).toEqual([['email', 'phone']]);
  });

  it('§3.3 in an output list it is an error', () => {
    rejected('p = ExecPython -> (a: String, @require_one_of(a)) { code: "x" }', 1, '@require_one_of is only valid in input port lists, not outputs');
  });

  it('§3.3 in a group child config block it is silently ignored', () => {
    const { graph } = accepted(program(
      'g = Group(x: String) {', '  n = ExecPython(a: String?, b: String?) -> (o: String) {', '    @require_one_of(a, b)', '    code: "x"', '  }',
      '  n.a = self.x', '}', 't = Text { value: "v" }', 'g.x = t.value',
    ));
    expect(node(graph, 'g.n').requireOneOf).toEqual([]);
  });

  it('§3.3 on its own line in a group body it is an unexpected line', () => {
    rejected(program('g = Group(a: String?) {', '  @require_one_of(a)', '}'), 2, 'Unexpected line: @require_one_of(a)');
  });

  it('§3.3 catalog oneOfRequired and the program\'s groups are merged, without repeats', () => {
    const { graph } = compile('s = SlackSend(@require_one_of(text, media), @require_one_of(channelId, text))');
    expect(node(graph, 's').requireOneOf).toEqual([['text', 'media'], ['channelId', 'text']]);
  });
});

describe('§3.4 multi-line config block', () => {
  it('§3.4 one entry per line; a trailing comma is part of the value', () => {
    const { graph } = accepted(program('a = Text {', '  value: "x",', '}'));
    expect(node(graph, 'a').config.value).toBe('"x",');
  });

  it('§3.4 a: 1, b: 2 on one line is one entry', () => {
    const { graph } = accepted(program('t = Template {', '  template: "x"', '  a: 1, b: 2', '}'));
    expect(node(graph, 't').config.a).toBe('1, b: 2');
  });

  it('§3.4 at the root a line that is no entry is an invalid config line', () => {
    rejected(program('a = Text {', '  value: "x"', '  what is this', '}'), 3, 'Invalid config line: what is this');
  });

  it('§3.4 inside a group an unknown line in a child block is skipped', () => {
    accepted(program('g = Group() {', '  a = Text {', '    what is this', '    value: "x"', '  }', '}'));
  });

  it('§3.4 quirk: a declaration inside an unclosed root block ends it and starts a new node', () => {
    const { graph } = compile(program('a = Text {', '  value: "x"', 'b = Text { value: "y" }'));
    expect(graph.nodes.map((n) => n.id)).toEqual(['a', 'b']);
  });

  it('§3.4 quirk: an unclosed group child block swallows lines until a line that is exactly }', () => {
    const { graph } = accepted(program('g = Group() {', '  a = Text {', '    value: "x"', '  b = Text', '  }', '}'));
    expect(graph.nodes.map((n) => n.id)).toEqual(['g', 'g.a']);
  });
});

describe('§3.5 one-line bodies', () => {
  it('§3.5 flavour A: commas outside quotes and brackets split pairs; values follow all of §1.7', () => {
    const { graph } = accepted(program(
      'greet = Text { value: "hello, you", label: "Greeting" }',
      'mix = Template { template: "{{a}} and {{b}}", a: greet.value, b: "tea", list: [1, 2] }',
    ));
    expect(node(graph, 'greet')).toMatchObject({ label: 'Greeting', config: { value: 'hello, you' } });
    expect(node(graph, 'mix').config).toMatchObject({ b: 'tea', list: [1, 2] });
    expect(edges(graph)).toEqual(['greet.value -> mix.a']);
    expect(input(graph, 'mix', 'a')).toMatchObject({ type: 'String', optional: false });
    expect(input(graph, 'mix', 'b')).toMatchObject({ type: 'String', optional: true });
  });

  it('§3.5 flavour A: a pair without : is an invalid config pair', () => {
    rejected('a = Text { value: "x", oops }', 1, "Invalid config pair: 'oops'");
  });

  it('§3.5 flavour B: with a signature, k: src.port is the string "src.port" and pairs split on commas outside quotes only', () => {
    const { graph } = rejected(program('s = Text { value: "x" }', 't = Template(a: String?) { template: "{{a}}", b: s.value, c: [1, 2] }'),
      2, 'Invalid JSON for "c"');
    expect(node(graph, 't').config).toMatchObject({ b: 's.value', c: '[1' });
    expect(edges(graph)).toEqual([]);
  });

  it('§3.5 flavour B: a pair without : is ignored', () => {
    accepted('t = Template(a: String?) { template: "x", oops }');
  });

  it('§3.5 quirk (groups): flavour A wiring is recorded against the unscoped host id', () => {
    rejected(program('s = Text { value: "x" }', 'g = Group() {', '  t = Template { template: "x", a: s.value }', '}'), 3,
      'Connection references unknown target node: t');
  });
});

describe('§3.6 multi-line one-liner body', () => {
  it('§3.6 content after { on the header line collects lines until the brace closes; backtick values are dedented', () => {
    const { graph } = accepted(program(
      'render = ExecPython(rows: List[String]?) -> (html: String) { code: ```',
      '  return {"html": "<br>".join(rows)}',
      '  ```, dependencies: "" }',
      'd = Debug', 'd.data = render.html',
    ));
    expect(node(graph, 'render').config).toEqual({ code: 'return {"html": "<br>".join(rows)}', dependencies: '' });
  });

  it('§3.6 quirk: a label pair there is discarded', () => {
    const { graph } = accepted(program('a = Text { value: "x",', '  label: "L" }'));
    expect(node(graph, 'a').label).toBeUndefined();
    expect(node(graph, 'a').config.value).toBe('x');
  });
});

describe('§3.7 in(…) / out(…) lines', () => {
  it('§3.7 one-line and multi-line port lists in a node body', () => {
    const { graph } = accepted(program(
      'p = ExecPython {', '  in(a: String?, b: Number?)', '  out(', '    r: String,', '    # comment', '    s: Number  # trailing', '  )', '  code: "x"', '}',
      'd = Debug', 'd.data = p.r', 'e = Debug', 'e.data = p.s',
    ));
    expect(ports(node(graph, 'p').inputs)).toEqual(['a: String?', 'b: Number?']);
    expect(ports(node(graph, 'p').outputs)).toEqual(['stdout: String?', 'stderr: String?', 'r: String?', 's: Number?']);
  });

  it('§3.7 anything else inside the list is an error', () => {
    rejected(program('p = ExecPython {', '  in(', '    a = b', '  )', '  code: "x"', '}'), 3, 'Unexpected line inside in() block: a = b');
  });

  it('§3.7 in a group body they declare interface ports', () => {
    const { graph } = accepted(program('g = Group {', '  in(x: String?)', '  out(y: String)', '  self.y = self.x', '}'));
    expect(ports(node(graph, 'g').inputs)).toEqual(['x: String?']);
    expect(ports(node(graph, 'g').outputs)).toEqual(['y: String?']);
  });
});

describe('§3.8 label', () => {
  it('§3.8 quoted labels are unescaped, unquoted taken as-is', () => {
    const { graph } = accepted(program('a = Text {', '  label: Plain words', '}', 'b = Text {', '  label: "Say \\"hi\\""', '}'));
    expect([node(graph, 'a').label, node(graph, 'b').label]).toEqual(['Plain words', 'Say "hi"']);
  });

  it('§3.8 an unquoted label that looks like an inline expression is misparsed in a one-liner', () => {
    rejected('a = Text { label: Beta (v2) }', 1, "Expected '{' in inline expression");
  });
});

describe('§3.9 refused and reserved config keys', () => {
  it('§3.9 mock and mocked are refused', () => {
    rejected(program('a = Text {', '  mock: "x"', '}'), 2, "'mock' is not a valid config key. Use test configs for mocking.");
    rejected('a = Text { mocked: true }', 1, "'mocked' is not a valid config key");
  });

  it('§3.9 quirk: a connection-line literal n.mock = 1 bypasses the check (then is a fixed-signature key)', () => {
    const { errors } = compile(program('a = Template { template: "x" }', 'a.mock = 1'));
    expect(errors).toEqual([]);
  });

  it('§3.9 metadata keys are never ports and never an error', () => {
    const { graph } = accepted('a = Text { description: "d", width: 300, height: 200, expanded: true, textareaHeights: {}, parentId: "x" }');
    expect(node(graph, 'a').inputs).toEqual([]);
  });
});

describe('§3.10 post-config outputs', () => {
  it('§3.10 on the } line, on the next line, and after a one-line body, merged with the signature', () => {
    const { graph } = accepted(program(
      'ask = LlmInference -> (response: String) {', '  prompt: "q"', '} -> (confidence: Number?)',
      'two = ExecPython {', '  code: "x"', '}', '', '-> (a: String)',
      'three = ExecPython { code: "x" } -> (b: String)',
      'd1 = Debug', 'd1.data = ask.confidence', 'd2 = Debug', 'd2.data = two.a', 'd3 = Debug', 'd3.data = three.b',
    ));
    expect(ports(node(graph, 'ask').outputs)).toEqual(['response: String?', 'confidence: Number?']);
    expect(output(graph, 'two', 'a')?.type).toBe('String');
    expect(output(graph, 'three', 'b')?.type).toBe('String');
  });

  it('§3.10 repeating a signature output is an error', () => {
    rejected(program('p = ExecPython -> (a: String) {', '  code: "x"', '} -> (a: Number)'), 3,
      'Duplicate output port "a", already declared in the signature before the config block');
    rejected('p = ExecPython -> (a: String) { code: "x" } -> (a: Number)', 1, 'Duplicate output port "a", already declared before the config block');
  });

  it('§3.10 }-> without a space is not recognised', () => {
    rejected(program('p = ExecPython {', '  code: "x"', '}-> (a: String)'), 3, 'Invalid config line: }-> (a: String)');
  });
});

describe('LANGUAGE.md §3 example blocks and remaining rules', () => {
  it('§3.2 example: a signature over several lines with the body after it', () => {
    const { graph } = accepted(program(
      'scorer = ExecPython(', '  ticket: String', '  tier: String?', ') -> (', '  score: Number', ') {', '  code: "return {\'score\': len(ticket) % 5}"', '}',
      't = Text { value: "x" }', 'scorer.ticket = t.value', 'd = Debug', 'd.data = scorer.score',
    ));
    expect(ports(node(graph, 'scorer').inputs)).toEqual(['ticket: String', 'tier: String?']);
    expect(output(graph, 'scorer', 'score')?.type).toBe('Number');
    expect(node(graph, 'scorer').config.code).toBe("return {'score': len(ticket) % 5}");
  });

  it('§3.2 -> ( on the next line is not allowed after a bare Type: that line is unexpected', () => {
    rejected(program('ask = LlmInference', '-> (response: String) {', '  prompt: "q"', '}'), 2, 'Unexpected line: -> (response: String) {');
  });

  it('§3.2 a signature with no inputs: () -> (…) and -> (…) alone', () => {
    const { graph } = accepted(program('a = ExecPython() -> (r: String) {', '  code: "x"', '}', 'b = ExecPython -> (r: String)', 'd = Debug', 'd.data = a.r', 'e = Debug', 'e.data = b.r'));
    expect(node(graph, 'a').inputs).toEqual([]);
    expect(output(graph, 'b', 'r')?.type).toBe('String');
  });

  it('§3.3 inside a multi-line in( block of a group child @require_one_of is consumed and ignored, and it closes the block', () => {
    const { graph } = accepted(program(
      'g = Group() {', '  p = ExecPython {', '    in(', '      a: String?', '      @require_one_of(a, b)', '      b: String?', '    )', '    code: "x"', '  }', '}',
    ));
    expect(node(graph, 'g.p').requireOneOf).toEqual([]);
    // the list closed on the directive, so `b: String?` is a config entry (the bare word "String?"), which makes a literal port
    expect(node(graph, 'g.p').config).toMatchObject({ b: 'String?', code: 'x' });
    expect(node(graph, 'g.p').inputs.map((p) => [p.name, p.origin])).toEqual([['a', 'declared'], ['b', 'literal']]);
  });

  it('§3.3 ambiguity: in a root node block the directive is read before port lines (as the reference orders them), so it counts there', () => {
    const { graph } = rejected(program(
      'p = ExecPython {', '  in(', '    a: String?', '    @require_one_of(a, b)', '    b: String?', '  )', '  code: "x"', '}',
    ), 1, 'Node p: at least one of [a, b] must be connected');
    expect(node(graph, 'p').requireOneOf).toEqual([['a', 'b']]);
    expect(ports(node(graph, 'p').inputs)).toEqual(['a: String?', 'b: String?']);
  });

  it('§3.3 inside an inline expression signature @require_one_of is ignored', () => {
    const { graph } = accepted(program('d = Debug', 'd.data = ExecPython(a: String?, b: String?, @require_one_of(a, b)) -> (r: String) { code: "x" }.r'));
    expect(node(graph, 'd__data').requireOneOf).toEqual([]);
    expect(ports(node(graph, 'd__data').inputs)).toEqual(['a: String?', 'b: String?']);
  });

  it('§3.5 flavour B also holds for a one-line body followed by -> (…): k: src.port is a string there', () => {
    const { graph } = accepted(program('s = Text { value: "x" }', 'p = ExecPython { code: "x", note: s.value } -> (r: String)', 'd = Debug', 'd.data = p.r', 'e = Debug', 'e.data = s.value'));
    expect(node(graph, 'p').config).toEqual({ code: 'x', note: 's.value' });
    expect(edges(graph)).not.toContain('s.value -> p.note');
  });

  it('§3.5 flavour B takes no inline expression either: Type.port is text there', () => {
    const { graph } = accepted(program('t = Template(a: String?) { template: "{{a}}", a: Text.value }', 'd = Debug', 'd.data = t.text'));
    expect(node(graph, 't').config.a).toBe('Text.value');
    expect(graph.nodes.map((n) => n.id)).toEqual(['t', 'd']);
  });

  it('§3.7 in(…) and out(…) lines inside an inline body are silently ignored', () => {
    const { graph } = accepted(program('d = Debug', 'd.data = ExecPython -> (r: String) {', '  in(x: String)', '  code: "x"', '}.r'));
    expect(node(graph, 'd__data').inputs).toEqual([]);
    expect(node(graph, 'd__data').config).toEqual({ code: 'x' });
  });

  it('§3.10 example: post-config outputs after an LlmInference body', () => {
    const { graph } = accepted(program(
      't = Text { value: "q" }', 'ask = LlmInference -> (response: String) {', '  parseJson: false', '} -> (confidence: Number?)', 'ask.prompt = t.value',
      'd = Debug', 'd.data = ask.confidence', 'e = Debug', 'e.data = ask.response',
    ));
    expect(node(graph, 'ask').outputs.map((p) => `${p.name}: ${p.type}`)).toEqual(['response: String', 'confidence: Number']);
    expect(node(graph, 'ask').config).toEqual({ parseJson: false });
  });

  it('§3.10 a post-config output list may span lines; its lines are joined with spaces, so items need commas', () => {
    const { graph } = accepted(program('p = ExecPython {', '  code: "x"', '} -> (', '  a: String,', '  b: Number', ')', 'd = Debug', 'd.data = p.b', 'e = Debug', 'e.data = p.a'));
    expect(node(graph, 'p').outputs.map((o) => `${o.name}: ${o.type}`)).toEqual(['stdout: String', 'stderr: String', 'a: String', 'b: Number']);
  });

  it('§3.10 quirk: a comment line inside a multi-line post-config list swallows the item after it, up to the next comma', () => {
    const { graph } = rejected(program('p = ExecPython {', '  code: "x"', '} -> (', '  a: String,', '  # the count', '  b: Number', ')', 'd = Debug', 'd.data = p.b'),
      9, "Node p has no output port: b");
    expect(node(graph, 'p').outputs.map((o) => o.name)).toEqual(['stdout', 'stderr', 'a']);
  });

  it('§3.10 quirk: without commas the joined lines are one item (a name and a type text that is no type)', () => {
    const { graph } = compile(program('p = ExecPython {', '  code: "x"', '}', '-> (', '  a: String', '  b: Number', ')'));
    expect(node(graph, 'p').outputs.map((o) => o.name)).toEqual(['stdout', 'stderr', 'a']);
  });

  it('§3.10 the ? on an output changes nothing: outputs are never required', () => {
    const { graph } = accepted(program('p = ExecPython -> (a: String?, b: String) {', '  code: "x"', '}', 'd = Debug', 'd.data = p.a', 'e = Debug', 'e.data = p.b'));
    expect(node(graph, 'p').outputs.filter((o) => ['a', 'b'].includes(o.name)).map((o) => o.optional)).toEqual([true, true]);
  });
});

describe('§12 unexpected lines', () => {
  it('§12 an unexpected line ending in { swallows the } that follows it when no statement comes between', () => {
    const { graph } = rejected(program('oops {', '  x: 1', '}', 'n = Template {', '  template: "t"', '}', 'd = Debug', 'd.data = n.text'), 1, 'Unexpected line: oops {');
    expect(graph.nodes.map((n) => n.id)).toEqual(['n', 'd']);
  });

  it('§12 a declaration after an unexpected line ending in { ends that block: the node\'s own } closes the node', () => {
    const { errors, graph } = compile(program('oops {', 'n = Template {', '  template: "{{v}}"', '}', 'n.v = "lit"', 'd = Debug', 'd.data = n.text'));
    expect(errors.map((d) => [d.line, d.message])).toEqual([[1, 'Unexpected line: oops {']]);
    expect(node(graph, 'n').config).toEqual({ template: '{{v}}', v: 'lit' });
    expect(node(graph, 'n').code).toMatchObject({ line: 2, endLine: 4 });
  });
});
