/** LANGUAGE.md §8–§10: how a node's port set is built, the types, type resolution and lane inference. */
import { describe, expect, it } from '@jest/globals';
import { weftCatalogEntries } from '../../nodes/weftCatalog';
import { formatType, isCompatible, parseWeftType, typeOf } from '../types';
import { accepted, compile, input, node, output, ports, program, rejected, warned } from './support';

describe('§8.1 ports start from the catalog', () => {
  it.each(weftCatalogEntries().map((e) => e.type).filter((t) => t !== 'Group'))('§8.1 %s is known, with its catalog ports', (type) => {
    const entry = weftCatalogEntries().find((e) => e.type === type)!;
    const { graph, errors } = compile(`n = ${type}`);
    expect(errors.map((e) => e.message)).not.toContainEqual(expect.stringContaining('Unknown node type'));
    expect(node(graph, 'n').inputs.map((p) => [p.name, p.type, !p.optional])).toEqual(entry.defaultInputs.map((p) => [p.name, p.portType, p.required]));
    expect(node(graph, 'n').outputs.map((p) => [p.name, p.type])).toEqual(entry.defaultOutputs.map((p) => [p.name, p.portType]));
    expect(node(graph, 'n').isTrigger).toBe(entry.features.isTrigger ?? false);
    expect(node(graph, 'n').requireOneOf).toEqual(entry.features.oneOfRequired ?? []);
  });
});

describe('§8.2 form-schema nodes', () => {
  const FIELDS = '[{"fieldType": "display", "key": "summary"}, {"fieldType": "approve_reject", "key": "ok"}, ' +
    '{"fieldType": "editable_textarea", "key": "reply", "required": false}, {"fieldType": "multi_select", "key": "tags"}, ' +
    '{"fieldType": "select_input", "key": "pick"}, {"fieldType": "display_image", "key": "pic"}, {"fieldType": "mystery", "key": "m"}]';

  it('§8.2 ports are derived from fields: display is T__<key>, approve_reject gives _approved/_rejected, required: false makes inputs optional', () => {
    const { graph } = compile(program('q = HumanQuery {', `  fields: ${FIELDS}`, '}'));
    expect(ports(node(graph, 'q').inputs)).toEqual(['context: String?', 'summary: T__summary', 'reply: String?', 'pick: List[String]', 'pic: Image']);
    expect(ports(node(graph, 'q').outputs)).toEqual([
      'ok_approved: Boolean?', 'ok_rejected: Boolean?', 'reply: String?', 'tags: List[String]?', 'pick: String?',
    ]);
  });

  it('§8.2 fields given as a JSON string are parsed', () => {
    const { graph } = compile(program('q = HumanTrigger {', `  fields: "[{\\"fieldType\\": \\"text_input\\", \\"key\\": \\"name\\"}]"`, '}'));
    expect(ports(node(graph, 'q').outputs)).toEqual(['name: String?']);
  });

  it('§8.2 a field key that clashes with a catalog port is an error', () => {
    rejected(program('q = HumanQuery {', '  fields: [{"fieldType": "display", "key": "context"}]', '}'), 1,
      'Node q: form field key "context" conflicts with an existing input port. Use a different key.');
  });

  it('§8.2 a field with an empty key or an unknown fieldType adds no port', () => {
    const { graph } = compile(program('q = HumanQuery {', '  fields: [{"fieldType": "text_input", "key": ""}, {"fieldType": "mystery", "key": "m"}, {"fieldType": "textarea", "key": "note"}]', '}'));
    expect(ports(node(graph, 'q').inputs)).toEqual(['context: String?']);
    expect(ports(node(graph, 'q').outputs)).toEqual(['note: String?']);
  });

  it('§8.2 hasFormSchema alone does not allow declared ports', () => {
    rejected('q = HumanQuery(extra: String?)', 1, 'Node q (HumanQuery): cannot add input port "extra", node does not support custom input ports');
  });
});

describe('§8.3 declared ports', () => {
  it('§8.3 listing a catalog input without ? makes it required; untyped keeps the catalog type', () => {
    const { graph } = compile('l = LlmInference(systemPrompt)');
    expect(input(graph, 'l', 'systemPrompt')).toMatchObject({ type: 'String', optional: false, declared: true });
  });

  it('§8.3 a compatible type narrows, a type variable is pinned, MustOverride is replaced', () => {
    const { graph } = compile(program('g = Gate(value: String)', 'l = LlmInference -> (response: Dict[String, Number])', 'h = Http(body: Dict[String, String]?)'));
    expect(input(graph, 'g', 'value')?.type).toBe('String');
    expect(output(graph, 'l', 'response')?.type).toBe('Dict[String, Number]');
    expect(input(graph, 'h', 'body')?.type).toBe('Dict[String, String]');
  });

  it('§8.3 an incompatible type is an error', () => {
    rejected('h = Http -> (status: String)', 1, 'Node h: output port "status" has catalog type Number but Weft declares incompatible type String');
    rejected('h = Http(headers: Number?)', 1, 'Node h: input port "headers" has catalog type Dict[String, String] but Weft declares incompatible type Number');
  });

  it('§8.3 a new port on a fixed node is an error, in either direction', () => {
    rejected('t = Text(x: String)', 1, 'Node t (Text): cannot add input port "x", node does not support custom input ports');
    rejected('t = Text -> (x: String)', 1, 'Node t (Text): cannot add output port "x", node does not support custom output ports');
  });

  it('§8.3 port lists on fixed catalog nodes that only restate catalog ports are accepted', () => {
    const { graph } = accepted(program('h = Http(body: JsonDict?, headers: Dict[String, String]?) -> (body: String, status: Number) {', '  url: "http://x"', '}',
      'd = Debug', 'd.data = h.status'));
    expect(ports(node(graph, 'h').outputs)).toEqual(['body: String?', 'status: Number?', 'success: Boolean?']);
  });

  it('§8.3 an untyped new output is an error', () => {
    rejected('l = LlmInference -> (response: String, extra)', 1, 'new output port "extra" requires a type declaration (e.g. extra: String)');
  });
});

describe('§8.4 literal-driven ports', () => {
  it('§8.4 on a node that adds inputs, an unknown key becomes an optional input typed from its value', () => {
    const { graph } = accepted(program('t = Template { template: "{{n}} {{l}}", n: 4, l: ["a"], e: [], o: {} }', 'd = Debug', 'd.data = t.text'));
    expect(ports(node(graph, 't').inputs)).toEqual(['template: String', 'n: Number?', 'l: List[String]?', 'e: List[Empty]?', 'o: Dict[String, Empty]?']);
  });

  it('§8.4 an unknown config key on a fixed-signature node is an error, with a suggestion', () => {
    rejected('t = Text { vaule: "x" }', 1,
      "Node t (Text): cannot add custom input port 'vaule' because this node type has a fixed port signature. Remove the assignment or use a node type that supports custom input ports. (did you mean 'value'?)");
  });

  it('§8.4 a literal to an output port is an error', () => {
    rejected('p = ExecPython -> (o: String) { code: "x", o: "v" }', 1, "Node p (ExecPython): cannot assign a literal to output port 'o'");
  });

  it('§8.4 a null literal is ignored with a warning', () => {
    warned('t = Template { template: "x", n: null }', 1, "Node t (Template): literal 'n: null' is ignored. Null carries no value.");
  });

  it('§8.4 catalog field keys are never ports (ExecPython with no code is accepted)', () => {
    const { graph } = accepted(program('p = ExecPython(a: String?) -> (o: String) { dependencies: "numpy" }', 'd = Debug', 'd.data = p.o'));
    expect(ports(node(graph, 'p').inputs)).toEqual(['a: String?']);
  });
});

describe('§8.5 edge-driven ports', () => {
  it('§8.5 an edge into an undeclared input creates a required port typed from the source', () => {
    const { graph } = accepted(program('ticket = Text { value: "t" }', 'card = Template { template: "{{who}} scored {{n}}" }', 'card.who = ticket.value', 'card.n = 4',
      'd = Debug', 'd.data = card.text'));
    expect(input(graph, 'card', 'who')).toMatchObject({ type: 'String', optional: false, origin: 'edge' });
    expect(input(graph, 'card', 'n')).toMatchObject({ type: 'Number', optional: true, origin: 'literal' });
  });

  it('§8.5 a port created from a literal stays optional when an edge arrives later', () => {
    const { graph } = accepted(program('s = Number { value: 1 }', 'card = Template { template: "{{n}}", n: 4 }', 'card.n = s.value', 'd = Debug', 'd.data = card.text'));
    expect(input(graph, 'card', 'n')).toMatchObject({ optional: true });
  });

  it('§8.5 an edge to a catalog field that is not a port, or on a fixed node, has no input port', () => {
    rejected(program('s = Text { value: "x" }', 'h = Http { url: "http://x" }', 'h.url = s.value'), 3, 'Node h has no input port: url');
    rejected(program('s = Text { value: "x" }', 'p = ExecPython { code: "x" }', 'p.code = s.value'), 3, 'Node p has no input port: code');
  });

  it('§8.5 ExecPython gets inputs from edges (typed from the source)', () => {
    const { graph } = accepted(program('s = Text { value: "x" }', 'p = ExecPython -> (o: String) { code: "x" }', 'p.raw = s.value', 'd = Debug', 'd.data = p.o'));
    expect(input(graph, 'p', 'raw')).toMatchObject({ type: 'String', optional: false });
  });
});

describe('§8.6 config fields vs same-named inputs', () => {
  it('§8.6 config fills an unwired port; an edge wins', () => {
    const { graph } = accepted(program('u = Text { value: "x" }', 't = Template { template: "a" }', 'v = Template { template: "b" }', 'v.template = u.value',
      'd = Debug', 'd.data = t.text', 'e = Debug', 'e.data = v.text'));
    const run = (id: string) => graph.executable.nodes.find((n) => n.id === id)!.inputs.find((i) => i.name === 'template');
    expect(run('t')).toMatchObject({ value: 'a', configurable: true });
    expect(run('v')?.source).toEqual({ node: 'u', port: 'value' });
    expect(run('v')?.value).toBeUndefined();
  });

  it('§8.6 media, type variables and MustOverride ports are wired-only; the catalog flag decides when present', () => {
    rejected(program('w = WhatsAppSendMedia { endpointUrl: "u", to: "x", media: "m" }'), 1, "input port 'media' is wired-only and cannot be set from config");
    rejected(program('g = Gate { pass: true, value: "x" }', 'd = Debug', 'd.data = g.value'), 1, "Node g: input port 'value' is wired-only");
    rejected('l = LlmInference { prompt: "p", config: {"model": "m"} }', 1, "Node l: input port 'config' is wired-only and cannot be set from config. Wire an edge instead.");
  });
});

describe('§9 types', () => {
  it.each([
    ['String', 'String | Number', true], ['String | Number', 'String', false], ['List[Image]', 'List[Media]', true], ['Media', 'Image', false],
    ['Dict[String, Number]', 'JsonDict', true], ['Dict[Number, String]', 'JsonDict', false], ['List[String]', 'String', false],
    ['Empty', 'Number', true], ['T', 'String', true], ['MustOverride', 'Number', true], ['JsonDict', 'Dict[String, Number]', true],
    ['Dict[String, Number]', 'Dict[String, String]', false], ['List[Empty]', 'List[String]', true],
  ])('§9.2 %s flows into %s: %s', (source, target, expected) => {
    expect(isCompatible(typeOf(source), typeOf(target))).toBe(expected);
  });

  it('§9.1 unions are flattened and de-duplicated; Media is the four media types', () => {
    expect(formatType(typeOf('String | Number | String'))).toBe('String | Number');
    expect(formatType(typeOf('Media | String'))).toBe('Image | Video | Audio | Document | String');
  });

  it('§9.1 there is no Any, no bare List or Dict, Dict takes exactly two parameters', () => {
    for (const text of ['Any', 'List', 'Dict', 'Dict[String]', 'List[String', 'Strng']) expect(parseWeftType(text)).toBeNull();
    for (const text of ['T', 'T1', 'T_Auto', 'T__hook', 'MustOverride', 'Empty']) expect(parseWeftType(text)).not.toBeNull();
  });

  it('§9.2 a String | Null source flows into a String port (Null stripped for the edge check only)', () => {
    accepted(program('p = ExecPython -> (o: String | Null) { code: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = p.o', 'd = Debug', 'd.data = t.text'));
  });

  it('§9.2 a bare Null source is not stripped', () => {
    rejected(program('p = ExecPython -> (o: Null) { code: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = p.o', 'd = Debug', 'd.data = t.text'), 3,
      'Type mismatch: p.o outputs Null but t.x expects String');
  });

  it('§9.3 MustOverride is an error only once connected', () => {
    accepted('l = LlmInference { prompt: "q" }');
    rejected(program('l = LlmInference { prompt: "q" }', 'd = Debug', 'd.data = l.response'), 1,
      'Node l: output port "response" requires a type declaration (e.g. response: String)');
  });

  it('§9.5 a config value must fit a concrete port type', () => {
    rejected('t = Template { template: 42 }', 1, "Node t: config field 'template' has type Number but the port expects String");
  });
});

describe('§10 type resolution and lane inference', () => {
  it('§10 step 1: Pack out becomes a Dict of its input types; Unpack in a Dict of its outputs', () => {
    const { graph } = accepted(program('a = Text { value: "x" }', 'n = Number { value: 1 }', 'p = Pack(a: String, n: Number)', 'p.a = a.value', 'p.n = n.value',
      'u = Unpack -> (a: String, n: Number)', 'u.in = p.out', 'd = Debug', 'd.data = u.a', 'e = Debug', 'e.data = u.n'));
    expect(output(graph, 'p', 'out')?.type).toBe('Dict[String, String | Number]');
    expect(input(graph, 'u', 'in')?.type).toBe('Dict[String, String | Number]');
  });

  it('§10 step 2: a type variable binds from the source and applies to all ports of the node', () => {
    const { graph } = accepted(program('t = Text { value: "x" }', 'b = Boolean { value: true }', 'g = Gate', 'g.value = t.value', 'g.pass = b.value', 'd = Debug', 'd.data = g.value'));
    expect(output(graph, 'g', 'value')?.type).toBe('String');
    expect(input(graph, 'd', 'data')?.type).toBe('String');
  });

  it('§10 step 2: a type variable binds from the target on an output', () => {
    const { graph } = accepted(program('p = ExecPython(x: T?) -> (y: T) { code: "x" }', 't = Template(v: Number) { template: "{{v}}" }', 't.v = p.y', 'd = Debug', 'd.data = t.text'));
    expect(output(graph, 'p', 'y')?.type).toBe('Number');
    expect(input(graph, 'p', 'x')?.type).toBe('Number');
  });

  it('§10 step 2: a union pattern with a variable takes the leftover members', () => {
    const { graph } = accepted(program('p = ExecPython -> (o: String | Number | Null) { code: "x" }', 'q = ExecPython(i: T | Null) -> (r: T) { code: "x" }', 'q.i = p.o',
      'd = Debug', 'd.data = q.r'));
    expect(output(graph, 'q', 'r')?.type).toBe('String | Number');
  });

  it('§10 quirk: type variables resolve in one pass, so a chain resolves only when the upstream node is declared first', () => {
    const chain = ['g1.value = t.value', 'g1.pass = b.value', 'g2.value = g1.value', 'g2.pass = b.value', 'd = Debug', 'd.data = g2.value'];
    accepted(program('t = Text { value: "x" }', 'b = Boolean { value: true }', 'g1 = Gate', 'g2 = Gate', ...chain));
    rejected(program('g2 = Gate', 'g1 = Gate', 't = Text { value: "x" }', 'b = Boolean { value: true }', ...chain), 1,
      `Node g2: input port "value" has unresolved type variable in 'T', could not infer type from connections`);
  });

  it('§10 step 2: conflicting bindings are an error', () => {
    rejected(program('t = Text { value: "x" }', 'n = Number { value: 1 }', 'p = ExecPython(a: T, b: T) -> (o: String) { code: "x" }', 'p.a = t.value', 'p.b = n.value',
      'd = Debug', 'd.data = p.o'), 5, 'Node p: type variable T has conflicting bindings: String vs Number');
  });

  it('§10 step 2.05: a group boundary output takes the type that feeds it', () => {
    const { graph } = accepted(program('t = Text { value: "x" }', 'g = Group(x: String | Number) -> (o: String) {',
      '  c = Template(v: String) { template: "{{v}}" }', '  c.v = self.x', '  self.o = c.text', '}', 'g.x = t.value', 'd = Debug', 'd.data = g.o'));
    expect(input(graph, 'g.c', 'v')?.type).toBe('String');
  });

  it('§7 quirk: self.y = self.x is not type-checked, and the output keeps its declared type', () => {
    rejected(program('t = Text { value: "x" }', 'g = Group(x: String | Number) -> (o: String | Number) {', '  self.o = self.x', '}', 'g.x = t.value',
      's = Template(v: String) { template: "{{v}}" }', 's.v = g.o', 'd = Debug', 'd.data = s.text'), 7, 'Type mismatch: g__out.o outputs String | Number but s.v expects String');
  });

  it('§10 step 2.5: List into a single declared port expands (no warning); a single value into a List port gathers', () => {
    const { graph, warnings } = accepted(program(
      'topic = Text { value: "rust async" }', 'search = TavilySearch { maxResults: 3 }', 'search.query = topic.value',
      'page = Template(u: String) { template: "Read {{u}}" }', 'page.u = search.urls',
      'bundle = ExecPython(parts: List[String | Null]) -> (all: String) {', '  code: "x"', '}', 'bundle.parts = page.text',
      'd = Debug', 'd.data = bundle.all',
    ));
    expect(input(graph, 'page', 'u')?.lane).toEqual({ mode: 'expand', depth: 1 });
    expect(input(graph, 'bundle', 'parts')?.lane).toEqual({ mode: 'gather', depth: 1 });
    expect(node(graph, 'page').laneDepth).toBe(1);
    expect(node(graph, 'bundle').laneDepth).toBe(0);
    expect(warnings.map((w) => w.message)).not.toContainEqual(expect.stringContaining('Implicit'));
  });

  it('§10 step 2.5: nested lists expand with depth 2', () => {
    const { graph } = accepted(program('p = ExecPython -> (rows: List[List[Number]]) { code: "x" }', 't = Template(n: Number) { template: "{{n}}" }', 't.n = p.rows',
      'd = Debug', 'd.data = t.text'));
    expect(input(graph, 't', 'n')?.lane).toEqual({ mode: 'expand', depth: 2 });
    expect(node(graph, 't').laneDepth).toBe(2);
  });

  it('§10 step 2.5: inference on a catalog port warns', () => {
    warned(program('p = ExecPython -> (items: List[String]) { code: "x" }', 't = Template', 't.template = p.items', 'd = Debug', 'd.data = t.text'), 3,
      'Implicit expand: p.items (List[String]) feeds t.template (String)');
    warned(program('p = ExecPython -> (items: List[String]) { code: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = p.items',
      'a = ApolloSearch', 'a.personTitles = t.text', 'd = Debug', 'd.data = a.ids'), 5,
      'Implicit gather: t.text (String) feeds a.personTitles (List[String])');
  });

  it('§10 step 3: gathering more levels than the depth is an error', () => {
    rejected(program('topic = Text { value: "x" }', 'b = ExecPython(parts: List[String | Null]) -> (all: String) { code: "x" }', 'b.parts = topic.value',
      'd = Debug', 'd.data = b.all'), 3, 'Gather error: b.parts tries to gather 1 level(s) but current depth is only 0.');
  });

  it('§10 step 4: incompatible types are a type mismatch, naming group boundaries g__in/g__out', () => {
    rejected(program('n = Number { value: 1 }', 't = Template(x: String) { template: "{{x}}" }', 't.x = n.value', 'd = Debug', 'd.data = t.text'), 3,
      'Type mismatch: n.value outputs Number but t.x expects String');
    rejected(program('n = Number { value: 1 }', 'g = Group(x: String) {', '}', 'g.x = n.value'), 4, 'Type mismatch: n.value outputs Number but g__in.x expects String');
  });

  it('§10 step 4b: a connected untyped interface port is an error', () => {
    rejected(program('n = Number { value: 1 }', 'g = Group(x) {', '}', 'g.x = n.value'), 2, 'Node g__in: input port "x" requires a type declaration (e.g. x: String)');
  });

  it('§10 step 5: a gather typed List[X] without Null warns; unconnected outputs warn; never-skipping nodes warn', () => {
    warned(program('p = ExecPython -> (items: List[String]) { code: "x" }', 'g = Group(i: String) -> (o: String) {',
      '  c = Template(v: String) { template: "{{v}}" }', '  c.v = self.i', '  self.o = c.text', '}', 'g.i = p.items',
      'b = ExecPython(all: List[String]) -> (r: String) { code: "x" }', 'b.all = g.o', 'd = Debug', 'd.data = b.r'), 8,
      "b.all gathers data but its type List[String] doesn't handle null lanes. Consider using List[String | Null]");
    warned('t = Text { value: "x" }', 1, "Node t (Text): has outputs (value) but none are connected to other nodes.");
    warned(program('t = Text { value: "x" }', 'p = ExecPython(a: String?) -> (o: String) { code: "x" }', 'p.a = t.value', 'd = Debug', 'd.data = p.o'), 2,
      'Node p: no connected input will cause a skip if null (a).');
  });

  it('§10 quirk: the never-skip warning never matches groups', () => {
    const { warnings } = accepted(program('t = Text { value: "x" }', 'g = Group(a: String?) -> (o: String?) {', '  self.o = self.a', '}', 'g.a = t.value', 'd = Debug', 'd.data = g.o'));
    expect(warnings.map((w) => w.message)).not.toContainEqual(expect.stringContaining('Group g: no connected input'));
  });

  it('§10 quirk: a catalog Gather fed single elements does not bind T (declare it)', () => {
    rejected(program('p = ExecPython -> (items: List[String]) { code: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = p.items',
      's = StackDepth', 's.value = t.text', 'd = Debug', 'd.data = s.depth'), 4, 'Node s: input port "value" has unresolved type variable');
    accepted(program('p = ExecPython -> (items: List[String]) { code: "x" }', 't = Template(x: String) { template: "{{x}}" }', 't.x = p.items',
      's = StackDepth(value: List[String | Null])', 's.value = t.text', 'd = Debug', 'd.data = s.depth'));
  });

  it('§10 cycles are accepted and never visited', () => {
    const { graph } = accepted(program('a = Template(x: String) { template: "{{x}}" }', 'b = Template(y: String) { template: "{{y}}" }', 'a.x = b.text', 'b.y = a.text'));
    expect(graph.executable.order).toHaveLength(2);
  });
});
