/** LANGUAGE.md §4–§7: connections, literal assignments, inline expressions, config-value wiring, groups. */
import { describe, expect, it } from '@jest/globals';
import { accepted, compile, edges, input, node, output, ports, program, rejected } from './support';

describe('§4.1 edges', () => {
  it('§4.1 target.input = source.output creates an edge, forward references allowed', () => {
    const { graph } = accepted(program('d = Debug', 'd.data = a.value', 'a = Text { value: "x" }'));
    expect(edges(graph)).toEqual(['a.value -> d.data']);
  });

  it('§4.1 self means nothing at the root', () => {
    rejected(program('d = Debug', 'd.data = self.value'), 2, 'Connection references unknown source node: self');
  });

  it('§4.1 an input accepts at most one edge', () => {
    const { graph } = rejected(program('a = Text', 'b = Text', 'd = Debug', 'd.data = a.value', 'd.data = b.value'), 5,
      'Input port d.data already has a connection');
    expect(edges(graph)).toEqual(['a.value -> d.data']);
  });

  it('§4.1 every non-group node has an implicit _raw output (typed T: it binds nothing)', () => {
    const { graph } = accepted(program('a = Text { value: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = a._raw', 'd = Debug', 'd.data = t.text'));
    expect(edges(graph)).toContain('a._raw -> t.x');
    rejected(program('a = Text { value: "x" }', 'd = Debug', 'd.data = a._raw'), 2, `Node d: input port "data" has unresolved type variable in 'T'`);
  });

  it('§4.1 an output feeds any number of inputs', () => {
    const { graph } = accepted(program('a = Text', 'd = Debug', 'e = Debug', 'd.data = a.value', 'e.data = a.value'));
    expect(edges(graph)).toHaveLength(2);
  });
});

describe('§4.2 literal right-hand side', () => {
  it('§4.2 a literal on a connection line sets config', () => {
    const { graph } = accepted(program(
      'ask = LlmInference -> (response: String) { prompt: "q" }', 'ask.temperature = 0.2', 'ask.systemPrompt = ```', '  Be brief.', '  Answer in French.', '  ```',
      'd = Debug', 'd.data = ask.response',
    ));
    expect(node(graph, 'ask').config).toMatchObject({ temperature: 0.2, systemPrompt: 'Be brief.\nAnswer in French.' });
    expect(edges(graph)).toEqual(['ask.response -> d.data']);
  });

  it('§4.2 a later assignment wins over the body', () => {
    const { graph } = accepted(program('a = Text { value: "one" }', 'a.value = "two"'));
    expect(node(graph, 'a').config.value).toBe('two');
  });

  it('§4.2 an assignment to a node declared below is silently dropped', () => {
    const { graph } = accepted(program('a.value = "two"', 'a = Text { value: "one" }'));
    expect(node(graph, 'a').config.value).toBe('one');
  });

  it('§4.2 JSON and null literals', () => {
    const { graph, warnings } = accepted(program('t = Template { template: "x" }', 't.items = [1, 2]', 't.nothing = null'));
    expect(input(graph, 't', 'items')).toMatchObject({ type: 'List[Number]', optional: true });
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringContaining("literal 'nothing: null' is ignored"));
  });

  it('§4.2 multi-line JSON on a connection line that does not balance is kept as a raw string without an error', () => {
    const { graph } = accepted(program('t = Template { template: "x" }', 't.v = [', '  1,', 'd = Debug', 'd.data = t.text'));
    expect(node(graph, 't').config.v).toBe('[\n1,');
  });

  it('§4.2 a bare word on a connection line is an unexpected line', () => {
    rejected(program('a = Text', 'a.value = hello'), 2, 'Unexpected line: a.value = hello');
  });

  it('§4.2 in a group child.key = literal works, self.key = literal is an unexpected line', () => {
    const { graph } = rejected(program('g = Group(x: String?) {', '  a = Text', '  a.value = "in"', '  self.x = "no"', '}'), 4, 'Unexpected line: self.x = "no"');
    expect(node(graph, 'g.a').config.value).toBe('in');
  });
});

describe('§5 inline node expressions', () => {
  it('§5 an inline expression as a connection source creates <host>__<key> and its edge', () => {
    const { graph } = accepted(program(
      'who = Text { value: "Ada" }', 'd = Debug', 'd.data = Template { template: "Hi {{n}}", n: who.value }.text',
    ));
    expect(node(graph, 'd__data')).toMatchObject({ type: 'Template', inline: true, config: { template: 'Hi {{n}}' } });
    expect(edges(graph)).toEqual(['who.value -> d__data.n', 'd__data.text -> d.data']);
  });

  it('§5 bare, ports-only and full forms', () => {
    const { graph } = accepted(program(
      'a = Debug', 'a.data = Text.value',
      'b = Debug', 'b.data = ExecPython() -> (y: Number).y',
      'c = Debug', 'c.data = ExecPython(x: Number?) -> (y: Number) { code: "return {}" }.y',
    ));
    expect(node(graph, 'a__data').type).toBe('Text');
    expect(output(graph, 'b__data', 'y')?.type).toBe('Number');
    expect(node(graph, 'c__data').config.code).toBe('return {}');
  });

  it('§5 an inline expression as a config value, nested inline ids', () => {
    const { graph } = accepted(program(
      'ticket = Text { value: "t" }',
      'digest = LlmInference -> (response: String) {',
      '  prompt: Template {',
      '    template: "Summarise for {{team}}: {{body}} {{intro}}"',
      '    team: "support"',
      '    body: ticket.value',
      '    intro: Template { template: "hello" }.text',
      '  }.text',
      '}',
      'd = Debug', 'd.data = digest.response',
    ));
    expect(graph.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['digest__prompt', 'digest__prompt__intro']));
    expect(edges(graph)).toEqual(expect.arrayContaining([
      'ticket.value -> digest__prompt.body', 'digest__prompt__intro.text -> digest__prompt.intro', 'digest__prompt.text -> digest.prompt',
    ]));
  });

  it('§5 the multi-line form may put .port on the line after }', () => {
    const { graph } = accepted(program('d = Debug', 'd.data = Template {', '  template: "x"', '}', '.text'));
    expect(edges(graph)).toEqual(['d__data.text -> d.data']);
  });

  it('§5 inline expressions in a flavour-A one-liner', () => {
    const { graph } = accepted(program('d = Template { template: "{{x}}", x: Text { value: "v" }.value }', 'e = Debug', 'e.data = d.text'));
    expect(edges(graph)).toContain('d__x.value -> d.x');
  });

  it('§5 in a one-line inline body, an inline expression is not recognised (Type.port reads as a reference to node Type)', () => {
    rejected(program('d = Debug', 'd.data = Template { template: "x", inner: Text.value }.text'), 2, 'Connection references unknown source node: Text');
    const { graph } = accepted(program('d = Debug', 'd.data = Template { template: "x", inner: Text { value: "v" }.value }.text'));
    expect(node(graph, 'd__data').config.inner).toBe('Text { value: "v" }.value');
  });

  it('§5 two inlines on the same host and key collide', () => {
    rejected(program('d = Debug', 'd.data = Text.value', 'd.data = Text.value'), 3, 'Duplicate node ID: d__data');
  });

  it('§5 errors of inline expressions', () => {
    rejected(program('d = Debug', 'd.data = Group { }.x'), 2, 'Groups cannot be inlined');
    rejected(program('d = Debug', 'd.data = Text { value: "x" } -> (a: String)'), 2, 'Inline expressions cannot declare post-config outputs');
    rejected(program('d = Debug', 'd.data = Text {', '  value: "x"', '}', 'e = Debug'), 4, "Inline expression missing required '.portName' after closing '}'");
    rejected(program('d = Debug', 'd.data = Text(a: String) value'), 2, "Expected '{' in inline expression, got: value");
    rejected(program('d = Debug', 'd.data = Text.value more'), 2, "Expected '.portName' in bare inline expression, got: '.value more'");
    rejected(program('d = Debug', 'd.data = Text { value: "x" '), 2, 'Unclosed inline expression body');
    rejected(program('d = Debug', 'd.data = Text {', '  value: "x"'), 3, 'Unclosed inline expression body');
    rejected('d = Template { template: "x", a: ExecPython(x: String }', 1, 'Unclosed input port list in inline expression');
  });
});

describe('§6 wiring from a config value', () => {
  it('§6 key: node.port in a multi-line body is an edge, no config stored', () => {
    const { graph } = accepted(program('src = Text { value: "x" }', 't = Template {', '  template: "{{a}}"', '  a: src.value', '}'));
    expect(edges(graph)).toEqual(['src.value -> t.a']);
    expect(node(graph, 't').config.a).toBeUndefined();
  });

  it('§6 a key that is not an input (and cannot be created) fails', () => {
    rejected(program('src = Text { value: "x" }', 'h = Http {', '  url: "http://x"', '  nope: src.value', '}'), 4,
      "Node h has no input port: nope (did you mean 'body'?)");
    rejected(program('src = Text { value: "x" }', 'h = Http {', '  url: "http://x"', '  zzzzzzzzzz: src.value', '}'), 4,
      'Node h has no input port: zzzzzzzzzz (available: body, headers)');
  });

  it('§6 inside a group, key: self.x reads the group input and key: root.port crosses the boundary', () => {
    const { graph } = accepted(program(
      'root = Text { value: "r" }',
      'g = Group(x: String) -> (o: String) {', '  t = Template {', '    template: "{{a}}{{b}}"', '    a: self.x', '    b: root.value', '  }',
      '  self.o = t.text', '}', 'g.x = root.value', 'd = Debug', 'd.data = g.o',
    ));
    expect(edges(graph)).toEqual(expect.arrayContaining(['g.x -> g.t.a', 'root.value -> g.t.b', 'g.t.text -> g.o']));
  });
});

describe('§7 groups', () => {
  const GROUP = program(
    'ticket = Text { value: "t" }',
    'per_ticket = Group(text: String, tier: String?) -> (reply: String?) {',
    '  # Drafts one reply per ticket',
    '  # politely',
    '  draft = LlmInference -> (response: String) {',
    '    systemPrompt: "You are a polite support agent."',
    '  }',
    '  draft.prompt = self.text',
    '  self.reply = draft.response',
    '}',
    'per_ticket.text = ticket.value',
    'd = Debug', 'd.data = per_ticket.reply',
  );

  it('§7 children are group.child with parentId and scope; the group keeps its interface and description', () => {
    const { graph } = accepted(GROUP);
    expect(node(graph, 'per_ticket.draft')).toMatchObject({ parent: 'per_ticket', scope: ['per_ticket'], localId: 'draft' });
    expect(node(graph, 'per_ticket.draft').config.parentId).toBe('per_ticket');
    expect(node(graph, 'per_ticket')).toMatchObject({ kind: 'group', description: 'Drafts one reply per ticket\npolitely' });
    expect(ports(node(graph, 'per_ticket').inputs)).toEqual(['text: String', 'tier: String?']);
    expect(ports(node(graph, 'per_ticket').outputs)).toEqual(['reply: String?']);
    expect(graph.edges.map((e) => e.kind)).toEqual(['flow', 'flow', 'groupInput', 'groupOutput']);
  });

  it('§7 the executor sees the child wired straight to the producer, through the group', () => {
    const { graph } = accepted(GROUP);
    const draft = graph.executable.nodes.find((n) => n.id === 'per_ticket.draft')!;
    expect(draft.inputs.find((i) => i.name === 'prompt')?.source).toEqual({ node: 'ticket', port: 'value' });
    expect(graph.executable.nodes.find((n) => n.id === 'd')!.inputs[0]!.source).toEqual({ node: 'per_ticket.draft', port: 'response' });
    expect(graph.executable.nodes.map((n) => n.id)).not.toContain('per_ticket');
  });

  it('§7 nested groups: g.h and g.h.d', () => {
    const { graph } = accepted(program('g = Group() {', '  h = Group() {', '    d = Text', '  }', '}'));
    expect(node(graph, 'g.h.d')).toMatchObject({ parent: 'g.h', scope: ['g', 'g.h'] });
  });

  it('§7 = Group(…) with no body, or {}', () => {
    const { graph } = accepted(program('a = Group(x: String?)', 'b = Group() {}'));
    expect(node(graph, 'a').kind).toBe('group');
    expect(node(graph, 'b').kind).toBe('group');
  });

  it('§7 anything else after the header is an error; a missing } is an unclosed group', () => {
    rejected('g = Group() oops', 1, 'Unexpected after group declaration: oops');
    rejected(program('g = Group() {', '  a = Text'), 1, "Unclosed group 'g'");
  });

  it('§7 quirk: if the header lists inputs, body in(…) inputs are discarded', () => {
    const { graph } = accepted(program('g = Group(a: String?) {', '  in(b: String?)', '}'));
    expect(ports(node(graph, 'g').inputs)).toEqual(['a: String?']);
  });

  it('§7 } -> (…) on the closing line declares group outputs; on the next line it is not recognised', () => {
    const { graph } = accepted(program('g = Group(a: String?) {', '  self.o = self.a', '} -> (o: String?)'));
    expect(ports(node(graph, 'g').outputs)).toEqual(['o: String?']);
    rejected(program('h = Group() {', '}', '-> (o: String)'), 3, 'Unexpected line: -> (o: String)');
  });

  it('§7 self.y = self.x passes an input straight through', () => {
    const { graph } = accepted(program('g = Group(a: String?) -> (o: String?) {', '  self.o = self.a', '}', 't = Text', 'g.a = t.value', 'd = Debug', 'd.data = g.o'));
    expect(graph.edges.find((e) => e.kind === 'groupThrough')).toBeDefined();
    expect(graph.executable.nodes.find((n) => n.id === 'd')!.inputs[0]!.source).toEqual({ node: 't', port: 'value' });
  });

  it('§7 self.p = Type{…}.q is the inline form inside a group', () => {
    const { graph } = accepted(program('g = Group() -> (o: String) {', '  self.o = Text { value: "x" }.value', '}', 'd = Debug', 'd.data = g.o'));
    expect(node(graph, 'g.self__o').type).toBe('Text');
    expect(edges(graph)).toContain('g.self__o.value -> g.o');
  });

  it('§7 the same local name may be reused in different groups', () => {
    const { graph } = accepted(program('a = Group() {', '  t = Text', '}', 'b = Group() {', '  t = Text', '}'));
    expect(graph.nodes.map((n) => n.id)).toEqual(['a', 'a.t', 'b', 'b.t']);
  });

  it('§7 two groups with the same name in the same scope are all rejected', () => {
    const { errors } = compile(program('g = Group() {', '}', 'g = Group() {', '}'));
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [1, "Duplicate group name 'g' in same scope"], [3, "Duplicate group name 'g' in same scope"],
    ]);
  });

  it('§7 quirk: duplicate node ids inside a group are not reported (the graph keeps the first)', () => {
    const { graph } = accepted(program('g = Group() {', '  t = Text { value: "one" }', '  t = Text { value: "two" }', '}'));
    expect(graph.nodes.filter((n) => n.id === 'g.t').map((n) => n.config.value)).toEqual(['one']);
  });

  it('§7 an edge into an undeclared group input creates it; reading an undeclared output is an error', () => {
    const { graph } = accepted(program('g = Group() {', '}', 't = Text { value: "x" }', 'g.extra = t.value'));
    expect(input(graph, 'g', 'extra')).toMatchObject({ optional: false });
    rejected(program('g = Group() {', '}', 'd = Debug', 'd.data = g.nothing'), 4, 'Group g has no output port: nothing');
  });

  it('§7 the root cannot address g.c directly', () => {
    rejected(program('g = Group() {', '  c = Text', '}', 'd = Debug', 'd.data = g.c.value'), 5, 'Unexpected line: d.data = g.c.value');
  });

  it('§4.4 in a group a connection line may only name self and the group\'s children', () => {
    rejected(program('root = Text', 'g = Group() {', '  d = Debug', '  d.data = root.value', '}'), 4, 'Connection references unknown source node: g.root');
  });

  it('§4.4 in a group, a side without a dot is an invalid connection target/source', () => {
    rejected(program('g = Group() {', '  x = y', '}'), 2, "Invalid connection target: 'x'. Use 'self.port' for group output or 'child.port' for a child node");
    rejected(program('g = Group() {', '  d = Debug', '  d.data = y', '}'), 3, "Invalid connection source: 'y'. Use 'self.port' for group input or 'child.port' for a child node");
  });

  it('§7 a Passthrough declared by the user is an unknown node type', () => {
    rejected('p = Passthrough', 1, 'Unknown node type: Passthrough');
  });

  it('§7 an unknown type inside a group', () => {
    rejected(program('g = Group() {', '  x = Nope', '}'), 2, 'Unknown node type in group: Nope');
  });

  it('§6 config-value wiring in a group to another group reads that group, whose child is not an output', () => {
    rejected(program('a = Group() {', '  t = Text { value: "x" }', '}', 'b = Group() {', '  d = Template {', '    template: "x"', '    v: a.t', '  }', '}'), 7,
      'Group a has no output port: t');
  });
});

describe('LANGUAGE.md §4–§7 example blocks and remaining rules', () => {
  it('§5 example: an LlmInference whose prompt is an inline Template fed by a root node', () => {
    const { graph } = accepted(program(
      'ticket = Text { value: "Printer on fire" }',
      'digest = LlmInference -> (response: String) {', '  prompt: Template {', '    template: "Summarise for {{team}}: {{body}}"', '    team: "support"',
      '    body: ticket.value', '  }.text', '}', 'd = Debug', 'd.data = digest.response',
    ));
    expect(node(graph, 'digest__prompt')).toMatchObject({ type: 'Template', inline: true, config: { template: 'Summarise for {{team}}: {{body}}', team: 'support' } });
    expect(edges(graph).sort()).toEqual(['digest.response -> d.data', 'digest__prompt.text -> digest.prompt', 'ticket.value -> digest__prompt.body']);
    expect(ports(node(graph, 'digest__prompt').inputs)).toEqual(['template: String', 'team: String?', 'body: String']);
  });

  it('§7 example: a group with a described body, a child wired from self, and its output read at the root', () => {
    const { graph } = accepted(program(
      'ticket = Text { value: "Help" }',
      'per_ticket = Group(text: String, tier: String?) -> (reply: String?) {', '  # Drafts one reply per ticket',
      '  draft = LlmInference -> (response: String) {', '    systemPrompt: "You are a polite support agent."', '  }',
      '  draft.prompt = self.text', '  self.reply = draft.response', '}', 'per_ticket.text = ticket.value', 'd = Debug', 'd.data = per_ticket.reply',
    ));
    expect(node(graph, 'per_ticket')).toMatchObject({ kind: 'group', description: 'Drafts one reply per ticket' });
    expect(node(graph, 'per_ticket.draft')).toMatchObject({ parent: 'per_ticket', config: { systemPrompt: 'You are a polite support agent.' } });
    expect(edges(graph).sort()).toEqual(['per_ticket.draft.response -> per_ticket.reply', 'per_ticket.reply -> d.data', 'per_ticket.text -> per_ticket.draft.prompt',
      'ticket.value -> per_ticket.text']);
  });

  it('§7 quirk: when the header lists outputs, } -> (…) outputs on the closing line are discarded', () => {
    const { graph } = accepted(program('g = Group(a: String?) -> (o: String?) {', '  self.o = self.a', '} -> (extra: String?)'));
    expect(node(graph, 'g').outputs.map((p) => p.name)).toEqual(['o']);
  });

  it('§7 quirk: a node and a group sharing an id are not reported', () => {
    const { errors } = compile(program('x = Text { value: "v" }', 'x = Group() {', '}'));
    expect(errors.filter((d) => /Duplicate/.test(d.message))).toEqual([]);
  });

  it('§4.4 a connection line in a group naming a root node is read as the group\'s own child and fails as an unknown source', () => {
    rejected(program('root = Text { value: "x" }', 'g = Group() -> (o: String?) {', '  t = Template { template: "{{v}}" }', '  t.v = root.value', '  self.o = t.text', '}'),
      4, 'Connection references unknown source node: g.root');
  });

  it('§4.2 example: number and multi-line heredoc literals on connection lines', () => {
    const { graph } = accepted(program(
      'ask = LlmInference -> (response: String) {', '  prompt: "Hi"', '}', 'ask.temperature = 0.2', 'ask.systemPrompt = ```', '  Be brief.', '  Answer in French.', '  ```',
      'd = Debug', 'd.data = ask.response',
    ));
    expect(node(graph, 'ask').config).toEqual({ prompt: 'Hi', temperature: 0.2, systemPrompt: 'Be brief.\nAnswer in French.' });
  });
});
