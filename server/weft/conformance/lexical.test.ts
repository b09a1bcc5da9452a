/** LANGUAGE.md §0–§2: framing, lexical rules, values, heredocs, JSON, value positions, the header. */
import { describe, expect, it } from '@jest/globals';
import { accepted, compile, edges, input, node, program, rejected } from './support';

describe('§0 input framing', () => {
  it('§0 a line starting with four backticks ends the program', () => {
    const { graph } = accepted(program('a = Text { value: "x" }', '````', 'b = Nope'));
    expect(graph.nodes.map((n) => n.id)).toEqual(['a']);
  });

  it('§0 text holding a ````weft fence is read from its first block, lines numbered as in the file', () => {
    const { graph } = rejected(program('Here is the program:', '````weft', 'a = Text { value: "x" }', 'b = Nope', '````', 'c = Nope'), 4, 'Unknown node type: Nope');
    expect(graph.nodes.map((n) => n.id)).toEqual(['a']);
  });

  it('§0 the program is trimmed at its end: an inline body left open at the end is reported at the last line with text', () => {
    const code = program('d = Debug', 'd.data = Template {', '  template: "hi"', '', '   ', '');
    rejected(code, 3, 'Unclosed inline expression body');
    rejected(code, 3, "Inline expression missing required '.portName' after closing '}'");
  });

  it('§0 lines keep their place in the file: leading blank lines do not shift diagnostics', () => {
    rejected(program('', '', 'x = Nope'), 3, 'Unknown node type: Nope');
  });
});

describe('§1.1 comments', () => {
  it('§1.1 a line starting with # is a comment, indented or not', () => {
    accepted(program('# one', '   # two', 'a = Text { value: "x" }'));
  });

  it('§1.1 a trailing # in a config line is part of the value', () => {
    const { graph } = accepted(program('a = Text {', '  value: "a" # note', '}'));
    expect(node(graph, 'a').config.value).toBe('"a" # note');
  });

  it('§1.1 a connection line with a trailing comment is an unexpected line', () => {
    rejected(program('a = Text', 'd = Debug', 'd.data = a.value # feed'), 3, 'Unexpected line: d.data = a.value # feed');
  });

  it('§1.1 a # after the { of a header line is dropped', () => {
    const { graph } = accepted(program('a = Text { # the greeting', '  value: "hi"', '}'));
    expect(node(graph, 'a').config.value).toBe('hi');
  });

  it('§1.1 quirk: a # on a header line cuts the one-line body after it', () => {
    const { graph } = rejected('n = Template(x: String?) { template: "C#" }', 1, "required input port 'template' is not connected");
    expect(node(graph, 'n').config.template).toBeUndefined();
  });

  it('§1.1 a trailing comment in a signature item becomes part of the type (a mismatch once wired)', () => {
    rejected(program('t = Text { value: "x" }', 'p = ExecPython(x: String # note) -> (y: String) { code: "return {}" }', 'p.x = t.value'),
      3, 'Type mismatch');
  });
});

describe('§1.2 identifiers', () => {
  it('§1.2 self cannot be declared: it is an unexpected line', () => {
    rejected('self = Text', 1, 'Unexpected line: self = Text');
  });

  it('§1.2 quirk: the one-line form self = T { … } slips through', () => {
    const { graph } = accepted('self = Text { value: "x" }');
    expect(node(graph, 'self').type).toBe('Text');
  });

  it('§1.2 an uppercase source id is read as an inline expression of that type', () => {
    rejected(program('Src = Text { value: "x" }', 'd = Debug', 'd.data = Src.value'), 3, 'Unknown node type: Src');
  });

  it('§1.2 a type name must exist in the catalog', () => {
    rejected('a = Txt { value: "x" }', 1, "Unknown node type: Txt (did you mean 'Text'?)");
  });
});

describe('§1.3 scalar values', () => {
  const value = (text: string): unknown => accepted(`t = Template(x: String?) {\n  template: "t"\n  v: ${text}\n}`).graph.nodes[0]!.config.v;

  it.each([
    ['true', true], ['false', false], ['True', 'True'], ['null', null], ['7', 7], ['-3', -3], ['0.25', 0.25],
    ['1.', '1.'], ['.5', '.5'], ['1e3', '1e3'], ['+2', '+2'], ['"hi"', 'hi'], ["'hi'", "'hi'"], ['gpt-4o-mini', 'gpt-4o-mini'],
    ['"a" "b"', 'a" "b'], ['[1, 2]', [1, 2]], ['{"k": 1}', { k: 1 }],
  ])('§1.3 %s is read as %j', (text, expected) => {
    expect(value(text)).toEqual(expected);
  });
});

describe('§1.4 string escapes', () => {
  it('§1.4 \\n \\t \\r \\" \\\\ are decoded, other backslash pairs kept', () => {
    const { graph } = accepted(program('a = Text {', String.raw`  value: "one\ntwo \"q\" \\ \d+"`, '}'));
    expect(node(graph, 'a').config.value).toBe('one\ntwo "q" \\ \\d+');
  });
});

describe('§1.5 triple-backtick blocks', () => {
  it('§1.5 content is dedented, trailing space trimmed, escaped backticks unescaped', () => {
    const { graph } = accepted(program(
      'c = ExecPython(raw: String?) -> (clean: String) {',
      '  code: ```',
      '      text = raw.strip()',
      '      return {"clean": text.replace("\\`\\`\\`", "")}',
      '      ```',
      '}',
    ));
    expect(node(graph, 'c').config.code).toBe('text = raw.strip()\nreturn {"clean": text.replace("```", "")}');
  });

  it('§1.5 text after the opening backticks is the first line and disables dedent', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```python', '    x = 1', '  ```', '}'));
    expect(node(graph, 'a').config.value).toBe('python\n    x = 1');
  });

  it('§1.5 leading empty lines are dropped, whitespace-only lines kept', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```', '', '  one', '  ```', '}'));
    expect(node(graph, 'a').config.value).toBe('one');
  });

  it('§1.5 text before the closing backticks is kept as the last line', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```', '  one', '  two```', '}'));
    expect(node(graph, 'a').config.value).toBe('one\ntwo');
  });

  it('§1.5 a line ending in \\``` does not close the block', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```', '  a \\```', '  ```', '}'));
    expect(node(graph, 'a').config.value).toBe('a ```');
  });

  it('§1.5 the single-line form is verbatim', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```  \\` x```', '}'));
    expect(node(graph, 'a').config.value).toBe('  \\` x');
  });

  it('§1.5 quirk: in a one-line body a backtick value keeps its backticks', () => {
    const { graph } = accepted('a = Text { value: ```x``` }');
    expect(node(graph, 'a').config.value).toBe('```x```');
  });

  it('§1.5 a heredoc on a connection line takes its closing text trimmed', () => {
    const { graph } = accepted(program('a = Text', 'a.value = ```', '  one', '    two   ```'));
    expect(node(graph, 'a').config.value).toBe('  one\ntwo');
  });
});

describe('§1.6 JSON values', () => {
  it('§1.6 JSON that does not parse is an error and kept as text', () => {
    const { graph } = rejected(program('t = Template {', '  template: "x"', '  v: [a, b]', '}'), 3, 'Invalid JSON for "v"');
    expect(node(graph, 't').config.v).toBe('[a, b]');
  });

  it('§1.6 multi-line JSON is collected until the brackets balance', () => {
    const { graph } = accepted(program('rules = Dict -> (value: Dict[String, Number]) {', '  value: {', '    "low": 1,', '    "high": 3', '  }', '}'));
    expect(node(graph, 'rules').config.value).toEqual({ low: 1, high: 3 });
  });

  it('§1.6 a List value given as JSON text stays text for the List node to parse (its catalog output is MustOverride)', () => {
    const { graph } = accepted(program('l = List -> (value: List[String]) {', '  value: ```[ "a", "b" ]```', '}', 'd = Debug', 'd.data = l.value'));
    expect(node(graph, 'l').config.value).toBe('[ "a", "b" ]');
  });

  it('§8.6 a string config value of a number field becomes a number', () => {
    const { graph } = accepted(program('s = TavilySearch { query: "q", maxResults: "3" }', 'd = Debug', 'd.data = s.answer'));
    expect(node(graph, 's').config.maxResults).toBe(3);
  });

  it('§1.6 broken multi-line JSON gives back closing lines and is reported', () => {
    const { graph } = rejected(program('t = Template {', '  template: "x"', '  v: [', '    1,', '}', 'd = Debug'), 3, 'Broken JSON for "v"');
    expect(graph.nodes.map((n) => n.id)).toContain('d');
  });

  it('§1.6 collection stops at a line that looks like Weft', () => {
    rejected(program('t = Template {', '  template: "x"', '  v: [', '    1,', 'd = Debug'), 3, 'Broken JSON for "v"');
  });
});

describe('§1.7 how a value position is interpreted', () => {
  it('§1.7 rule 1: an uppercase word followed by ( is an inline expression', () => {
    rejected(program('t = Template {', '  template: "x"', '  title: Hello (world)', '}'), 3, "Expected '{' in inline expression");
  });

  it('§1.7 rule 2: node.port is an edge, 3.14 and a.b.c are not', () => {
    const { graph } = accepted(program(
      'api = Text { value: "x" }', 't = Template {', '  template: "{{host}}"', '  host: api.value', '  pi: 3.14', '  path: a.b.c', '}',
    ));
    expect(edges(graph)).toContain('api.value -> t.host');
    expect(node(graph, 't').config).toMatchObject({ pi: 3.14, path: 'a.b.c' });
  });

  it('§1.7 label is the node label, not config', () => {
    const { graph } = accepted(program('a = Text {', '  label: "Greeting"', '  value: "x"', '}'));
    expect(node(graph, 'a').label).toBe('Greeting');
    expect(node(graph, 'a').config.label).toBeUndefined();
  });
});

describe('§2 project header', () => {
  it('§2 # Project: and # Description: set the name and description; the last one wins', () => {
    const { graph } = accepted(program('# Project: First', '# Project: Ticket Triage', '# Description: Scores tickets', 'a = Text'));
    expect([graph.name, graph.description]).toEqual(['Ticket Triage', 'Scores tickets']);
  });

  it('§2 the defaults are Untitled Project and no description', () => {
    const { graph } = accepted('a = Text');
    expect([graph.name, graph.description]).toEqual(['Untitled Project', null]);
  });

  it('§2 quirk: the header is also read inside a root node block', () => {
    const { graph } = accepted(program('a = Text {', '# Project: Inside', '  value: "x"', '}'));
    expect(graph.name).toBe('Inside');
  });

  it('§2 inside groups the header comments are plain comments', () => {
    const { graph } = accepted(program('g = Group() {', '# Project: Nope', '}'));
    expect(graph.name).toBe('Untitled Project');
    expect(input(graph, 'g', 'x')).toBeUndefined();
  });
});

describe('line positions of diagnostics', () => {
  it('every diagnostic has a line and column of the file', () => {
    const { diagnostics } = compile(program('a = Text', '  b = Nope'));
    expect(diagnostics.find((d) => d.message.startsWith('Unknown node type'))).toMatchObject({ line: 2, column: 3 });
  });
});

describe('LANGUAGE.md §1 example blocks and remaining rules', () => {
  it('§1.4 example: a one-line body with \\n and escaped quotes inside the string', () => {
    const { graph } = accepted(program(String.raw`banner = Text { value: "Line one\nLine \"two\"" }`, 'd = Debug', 'd.data = banner.value'));
    expect(node(graph, 'banner').config.value).toBe('Line one\nLine "two"');
  });

  it('§1.5 dedent: a tab and a space each count as one column', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```', '\tone', '  two', '  ```', '}'));
    expect(node(graph, 'a').config.value).toBe('one\n two');
  });

  it('§1.5 a whitespace-only line inside the block is kept (and dedented with the rest)', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```', '    one', '      ', '    two', '    ```', '}'));
    expect(node(graph, 'a').config.value).toBe('one\n  \ntwo');
  });

  it('§1.5 a # line inside a triple-backtick block is content, not a comment', () => {
    const { graph } = accepted(program('a = Text {', '  value: ```', '    # heading', '    text', '    ```', '}'));
    expect(node(graph, 'a').config.value).toBe('# heading\ntext');
  });

  it('§1.6 bracket counting ignores quotes: a [ inside a string keeps the value open until the node brace, then it is broken', () => {
    const { graph } = rejected(program('t = Template {', '  template: "x"', '  v: [', '    "a[b",', '    "c"', '  ]', '}', 'd = Debug', 'd.data = t.text'),
      3, 'Broken JSON for "v"');
    expect(graph.nodes.map((n) => n.id)).toEqual(['t', 'd']);
  });

  it('§1.6 a multi-line JSON value whose strings hold balanced brackets parses', () => {
    const { graph } = accepted(program('t = Template {', '  template: "x"', '  v: [', '    "[a]",', '    "{b}"', '  ]', '}'));
    expect(node(graph, 't').config.v).toEqual(['[a]', '{b}']);
  });

  it('§1.6 multi-line JSON collection stops at a # line and an @ line', () => {
    rejected(program('t = Template {', '  template: "x"', '  v: [', '    1,', '# note', '}'), 3, 'Broken JSON for "v"');
    rejected(program('t = Template {', '  template: "x"', '  v: {', '    "a": 1,', '@require_one_of(a)', '}'), 3, 'Broken JSON for "v"');
  });

  it('§1.6 multi-line JSON collection stops after 500 lines', () => {
    const long = Array.from({ length: 520 }, (_, i) => `    ${i},`);
    rejected(program('t = Template {', '  template: "x"', '  v: [', ...long, '    0', '  ]', '}'), 3, 'Broken JSON for "v"');
    const fits = Array.from({ length: 400 }, (_, i) => `    ${i},`);
    const { graph } = accepted(program('t = Template {', '  template: "x"', '  v: [', ...fits, '    0', '  ]', '}'));
    expect((node(graph, 't').config.v as number[]).length).toBe(401);
  });

  it('§1.7 in a multi-line body label: is tested first, so an unquoted label that looks like an inline expression is a label', () => {
    const { graph } = accepted(program('a = Text {', '  label: Beta (v2)', '  value: "x"', '}'));
    expect(node(graph, 'a').label).toBe('Beta (v2)');
  });

  it('§1.7 rule 1 needs an uppercase first letter: a lowercase word with ( is a bare word', () => {
    const { graph } = accepted(program('t = Template {', '  template: "x"', '  title: hello (world)', '}'));
    expect(node(graph, 't').config.title).toBe('hello (world)');
  });

  it('§1.7 an uppercase word followed by .name is a bare inline expression (Type.port), not a reference', () => {
    const { graph } = accepted(program('t = Template {', '  template: "{{n}}"', '  n: Text.value', '}'));
    expect(node(graph, 't__n').type).toBe('Text');
    expect(edges(graph)).toEqual(['t__n.value -> t.n']);
  });
});
