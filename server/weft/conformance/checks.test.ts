/** LANGUAGE.md §11–§13: checks after types, the rest of the diagnostics catalogue, what the reference tolerates; layout text (§0). */
import { describe, expect, it } from '@jest/globals';
import { Problems } from '../build';
import { layoutOf } from '../ir';
import type { NodeInstance } from '../model';
import { checkInfrastructure } from '../rules';
import { parseLayout, printLayout } from '../layout';
import { accepted, compile, edges, node, program, rejected, warned } from './support';

describe('§11 required inputs', () => {
  it('§11 a required input must be wired or filled from config', () => {
    rejected('t = Template', 1, "Node t: required input port 'template' is not connected (wire an edge or set a 'template' config value)");
    rejected('d = Debug', 1, "Node d: required input port 'data' is not connected (wire an edge, this port cannot be filled by config)");
  });

  it('§11 an empty string does not fill a required port', () => {
    rejected('t = Template { template: "" }', 1, "required input port 'template' is not connected");
  });

  it('§11 group inputs can never be filled from config', () => {
    const { errors } = compile(program('g = Group(x: String) {', '}'));
    expect(errors.map((e) => [e.line, e.message])).toEqual([[1, "Group g: required input port 'x' is not connected (wire an edge into this group input)"]]);
  });

  it('§11 each @require_one_of group needs one member satisfied (config counts)', () => {
    rejected('s = SlackSend(@require_one_of(channelId))', 1, 'Node s: at least one of [text, media] must be connected');
    const { errors } = compile(program('c = SlackConfig { botToken: "t" }', 's = SlackSend { channelId: "C1", text: "hi" }', 's.config = c.config', 'd = Debug', 'd.data = s.success'));
    expect(errors).toEqual([]);
  });

  it('§13 @require_one_of names that are not ports are never satisfiable', () => {
    rejected(program('t = Text { value: "x" }', 'p = ExecPython(a: String?, @require_one_of(zz)) -> (o: String) { code: "x" }', 'p.a = t.value', 'd = Debug', 'd.data = p.o'), 2,
      'Node p: at least one of [zz] must be connected');
  });
});

describe('§11 infrastructure subgraph', () => {
  it('§11 a trigger upstream of an infrastructure node is an error', () => {
    const instance = (id: string, type: string, flags: Partial<NodeInstance>): NodeInstance => ({
      id, type, kind: 'node', label: null, config: {}, scope: [], inputs: [], outputs: [], oneOfRequired: [], isTrigger: false,
      isInfrastructure: false, features: {}, line: 1, column: 1, endLine: 1, inline: false, ...flags,
    });
    const nodes = [instance('hook', 'ApiPost', { isTrigger: true, line: 1 }), instance('db', 'PostgresDatabase', { isInfrastructure: true, line: 2 })];
    const problems = new Problems();
    const edge = { source: 'hook', sourceHandle: 'receivedAt', target: 'db', targetHandle: 'x', sourceIsSelf: false, targetIsSelf: false, line: 3, column: 1 };
    checkInfrastructure(nodes, [edge], new Map(nodes.map((n) => [n.id, n])), problems);
    expect(problems.list.map((d) => [d.line, d.message])).toEqual([[1, expect.stringContaining('Trigger node "hook" (ApiPost) cannot be in the infrastructure subgraph')]]);
    const { errors } = compile(program('cron = Cron { cron: "* * * * *" }', 'b = WhatsAppBridge', 's = WhatsAppSend { to: "x" }', 's.endpointUrl = b.endpointUrl', 's.message = cron.scheduledTime',
      'd = Debug', 'd.data = s.success'));
    expect(errors).toEqual([]);
  });
});

describe('§11 per-type validators', () => {
  it.each([
    ['g = Gate', 'g: Pass condition is required'],
    ['t = Template', 't: Template is required'],
    ['d = Debug', 'd: Data input is required'],
    ['h = Http', 'h: URL is required'],
    ['r = Rss', 'r: URL is required'],
    ['c = Cron', 'c: Cron expression is required'],
    ['l = LlmConfig', 'l: Model is required'],
    ['l = LlmInference -> (response: String)', 'l: Prompt is required'],
    ['u = Unpack', 'u: Input is required'],
    ['e = ElevenLabsTranscribe { language: "english" }', 'e: Language must be an ISO-639-3 code'],
    ['b = Boolean { value: true }\ng = Gate\ng.pass = b.value', 'g: Value input is required'],
    ['s = DiscordSend { channelId: "C", message: "x" }', 's: Discord Config is required'],
    ['s = SlackSend { text: "x" }', 's: Channel ID is required'],
    ['c = SlackConfig { botToken: "t" }\ns = SlackSend { channelId: "C" }\ns.config = c.config', 's: Either text or media is required'],
  ])('§11 %s is rejected: %s', (code, message) => {
    rejected(code, code.split('\n').findIndex((line) => line.startsWith(message.slice(0, message.indexOf(':')) + ' =')) + 1, message);
  });

  it('§11 a messaging node with its config, channel and text is accepted', () => {
    accepted(program('c = SlackConfig { botToken: "t" }', 's = SlackSend { channelId: "C", text: "hi" }', 's.config = c.config', 'd = Debug', 'd.data = s.success'));
  });

  it('§11 LlmInference config must come from an LlmConfig; messaging config from the matching *Config', () => {
    rejected(program('x = Dict -> (value: JsonDict) { value: {} }', 'l = LlmInference -> (response: String) { prompt: "p" }', 'l.config = x.value',
      'd = Debug', 'd.data = l.response'), 2, 'l: Config must come from an LLM Config node');
    rejected(program('c = DiscordConfig { botToken: "t" }', 's = SlackSend { channelId: "C", text: "x" }', 's.config = c.config', 'd = Debug', 'd.data = s.success'), 2,
      's: Slack Config must come from a SlackConfig node');
    accepted(program('c = LlmConfig { model: "m" }', 'l = LlmInference -> (response: String) { prompt: "p" }', 'l.config = c.config', 'd = Debug', 'd.data = l.response'));
  });
});

describe('§12 diagnostics catalogue (the remaining items)', () => {
  it('§12 Duplicate node ID at the root: the second one is dropped', () => {
    const { graph } = rejected(program('a = Text { value: "one" }', 'a = Text { value: "two" }'), 2, 'Duplicate node ID: a');
    expect(node(graph, 'a').config.value).toBe('one');
  });

  it('§12 Unknown node type drops the node', () => {
    const { graph } = rejected('a = Nope', 1, 'Unknown node type: Nope');
    expect(graph.nodes).toEqual([]);
  });

  it('§12 Node has no output port, with a suggestion', () => {
    rejected(program('a = Text', 'd = Debug', 'd.data = a.vlaue'), 3, "Node a has no output port: vlaue (did you mean 'value'?)");
  });

  it('§12 Connection references unknown target node', () => {
    rejected(program('a = Text', 'zz.data = a.value'), 2, 'Connection references unknown target node: zz');
  });

  it("§12 Node 'id' is not in this scope", () => {
    rejected(program('t = Template { template: "x" }', 'g = Group() {', '  t = Template { template: "x", a: Text { value: "v" }.value }', '}'), 3,
      "Node 't__a' is not in this scope");
  });

  it('§12 Unexpected line for a stray line at the root and in a group', () => {
    rejected('just words', 1, 'Unexpected line: just words');
    rejected(program('g = Group() {', '  just words', '}'), 2, 'Unexpected line: just words');
  });

  it('§12 every error is an error and every warning a warning, each with line and column', () => {
    const { diagnostics } = compile(program('a = Nope', 't = Text { value: "x" }'));
    expect(diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([['error', 1, 1], ['warning', 2, 1]]);
  });
});

describe('§13 tolerated or ignored', () => {
  it('§13 blank lines, indentation, extra spaces around = and :', () => {
    const { graph } = accepted(program('', '    a   =   Text   {', '      value   :   "x"', '    }', '', 'd=Debug', 'd.data   =   a.value'));
    expect(edges(graph)).toEqual(['a.value -> d.data']);
  });

  it('§13 a stray } at the root', () => {
    accepted(program('a = Text', '}'));
  });

  it('§13 Annotation nodes are normal nodes with no ports', () => {
    const { graph } = accepted('note = Annotation { content: "Read me" }');
    expect(node(graph, 'note')).toMatchObject({ kind: 'annotation', inputs: [], outputs: [] });
    expect(graph.executable.nodes).toEqual([]);
  });

  it('§13 a group and a node sharing an id are not detected', () => {
    accepted(program('x = Text', 'x = Group() {', '}'));
  });

  it('§13 a connection-line mock key is tolerated on a node that adds ports', () => {
    accepted(program('t = Template { template: "x" }', 't.mock = 1', 'd = Debug', 'd.data = t.text'));
  });

  it('§13 comments and blank lines inside signatures and in( blocks', () => {
    accepted(program('p = ExecPython(', '  # one', '', '  a: String?', ') {', '  in(', '    # two', '', '    b: String?', '  )', '  code: "x"', '}'));
  });
});

describe('§0 layout text', () => {
  it('§0 <scopedId> @layout x y [WxH] [expanded|collapsed] is read and printed exactly', () => {
    const text = 'src @layout 10 20\ng @layout -5.5 40 600x300 expanded\ng.inner @layout 40 60\nh @layout 1 2 collapsed\n';
    const layout = parseLayout(text);
    expect(layout.diagnostics).toEqual([]);
    expect(printLayout(layout.entries)).toBe(text);
  });

  it('§0 a group is drawn open when the layout says expanded, and the layout of a graph names scoped ids', () => {
    const code = program('g = Group() {', '  t = Text { value: "x" }', '}', 'h = Group() {', '}');
    const { graph } = compile(code, 'g @layout 0 0 expanded\ng.t @layout 5 6\nh @layout 0 0 collapsed\n');
    expect(node(graph, 'g').expanded).toBe(true);
    expect(node(graph, 'h').expanded).toBe(false);
    expect(node(graph, 'g.t')).toMatchObject({ position: { x: 5, y: 6 }, placement: 'layout' });
    const printed = printLayout(layoutOf(graph));
    expect(printed).toContain('g.t @layout 5 6\n');
    expect(printed).toContain('h @layout 0 0 collapsed\n');
    expect(printed).toMatch(/^g @layout 0 0 \d+x\d+ expanded$/m);
  });

  it('§0 layout lines for ids that are no node of the program are reported as layout warnings', () => {
    const { warnings } = compile('a = Text { value: "x" }', 'b @layout 1 2\n');
    expect(warnings.map((w) => w.source)).toContain('layout');
  });
});

describe('warnings do not block', () => {
  it('a program with only warnings compiles to a graph', () => {
    const { graph } = warned('t = Text { value: "x" }', 1, 'has outputs (value) but none are connected');
    expect(graph.nodes).toHaveLength(1);
  });
});

describe('this platform\'s additions to catalog types (README, Differences from Weft)', () => {
  it('Cron timezone, Http and ExecPython timeoutSeconds, LlmConfig baseUrl are config fields, not refused keys', () => {
    accepted(program('c = Cron { cron: "* * * * *", timezone: "Europe/Oslo" }', 'h = Http { url: "http://x", timeoutSeconds: 5 }', 'q = ExecPython(t: String) -> (o: String) { code: "x" }', 'q.t = c.actualTime', 'f = Debug', 'f.data = q.o',
      'l = LlmConfig { model: "m", baseUrl: "http://llm" }', 'i = LlmInference -> (response: String) { prompt: "p" }', 'i.config = l.config',
      'p = ExecPython(r: String?) -> (o: String) { code: "x", timeoutSeconds: 2 }', 'p.r = i.response', 'd = Debug', 'd.data = p.o', 'e = Debug', 'e.data = h.status'));
  });
});
