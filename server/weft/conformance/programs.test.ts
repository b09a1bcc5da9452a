/**
 * Whole programs of the kind people publish (tutorial style), each read as LANGUAGE.md says the reference reads
 * it: the graph expected here (node ids, anonymous inline nodes, group.child, edges, port types, lanes) was
 * derived by hand from the spec, not printed by the compiler. Programs the reference rejects are refused at
 * the same line. Fixtures: server/weft/conformance/programs/*.weft (and one JSON export with its layout);
 * rejected ones in programs/rejected/.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileWeft } from '../compile';
import { accepted, compile, edges, node, ports, type Compiled } from './support';

const PROGRAMS = new URL('./programs/', import.meta.url).pathname;
const REJECTED = join(PROGRAMS, 'rejected');
const ROOT = new URL('../../..', import.meta.url).pathname;

const read = (file: string): string => readFileSync(join(PROGRAMS, file), 'utf8');
const ids = (c: Compiled): string[] => c.graph.nodes.map((n) => n.id).sort();
const sortedEdges = (c: Compiled): string[] => edges(c.graph).sort();
const lane = (c: Compiled, id: string, port: string): string => {
  const found = node(c.graph, id).inputs.find((p) => p.name === port)?.lane;
  return found ? `${found.mode} ${found.depth}` : 'none';
};
/** Outputs are never required (§3.10), so they are listed without `?`. */
const outputTypes = (c: Compiled, id: string): string[] => node(c.graph, id).outputs.map((p) => `${p.name}: ${p.type}`);
const warningsOf = (c: Compiled): [number, string][] => c.warnings.map((d) => [d.line, d.message]);

interface Expected {
  nodes: string[];
  edges: string[];
  /** Exact input/output lists (`name: Type`, optional ones ending in `?`) of some nodes. */
  inputs?: Record<string, string[]>;
  outputs?: Record<string, string[]>;
  config?: Record<string, Record<string, unknown>>;
  labels?: Record<string, string>;
  /** `node.port` → `expand 1` / `gather 1` (inputs not listed are single). */
  lanes?: Record<string, string>;
  /** Warnings, as [line, start of the message]; none other. */
  warnings?: [number, string][];
  name?: string;
  description?: string | null;
}

const PROGRAM_GRAPHS: Record<string, Expected> = {
  '01-llm-summary.weft': {
    name: 'Article Summarizer',
    description: 'Summarises an article with an LLM and shows the result',
    nodes: ['article', 'llm_config', 'output', 'prompt', 'summarizer'],
    edges: ['article.value -> prompt.article', 'llm_config.config -> summarizer.config', 'prompt.text -> summarizer.prompt',
      'summarizer.response -> output.data'],
    inputs: {
      prompt: ['template: String', 'article: String'],
      summarizer: ['prompt: String', 'systemPrompt: String?', 'config: JsonDict?'],
      output: ['data: String'],
    },
    outputs: { summarizer: ['response: String'], llm_config: ['config: JsonDict'] },
    config: {
      llm_config: { model: 'anthropic/claude-sonnet-4.6', temperature: 0.3, maxTokens: 400 },
      prompt: { template: 'Summarise in one sentence:\n\n{{article}}' },
      summarizer: { systemPrompt: 'You are a concise editor.' },
    },
    labels: { article: 'Article', summarizer: 'Summarizer', output: 'Summary' },
  },
  '02-webhook-http.weft': {
    description: null,
    nodes: ['answer', 'forward', 'hook', 'payload', 'status'],
    edges: ['forward.body -> answer.data', 'forward.status -> status.data', 'hook.amount -> payload.total', 'hook.orderId -> payload.id',
      'payload.out -> forward.body'],
    outputs: {
      hook: ['receivedAt: String', 'orderId: String', 'amount: Number'],
      payload: ['out: Dict[String, String | Number]'],
      forward: ['body: String', 'status: Number', 'success: Boolean'],
    },
    inputs: { payload: ['id: String', 'total: Number'], forward: ['body: JsonDict?', 'headers: Dict[String, String]?'], status: ['data: Number'] },
    config: { forward: { url: 'https://api.example.com/orders', method: 'POST' } },
    warnings: [[12, 'Node forward: no connected input will cause a skip if null (body)']],
  },
  '03-python-transform.weft': {
    nodes: ['show_count', 'show_longest', 'show_unique', 'stats', 'words'],
    edges: ['stats.count -> show_count.data', 'stats.longest -> show_longest.data', 'stats.unique -> show_unique.data', 'words.value -> stats.text'],
    outputs: { stats: ['stdout: String', 'stderr: String', 'count: Number', 'longest: String', 'unique: List[String]'] },
    inputs: { show_unique: ['data: List[String]'] },
    config: {
      stats: {
        code: 'parts = text.split()\nuniq = sorted(set(parts))\nreturn {\n    "count": len(parts),\n    "longest": max(parts, key=len),\n    "unique": uniq,\n}',
      },
    },
  },
  '04-inline-pipeline.weft': {
    nodes: ['name', 'shout', 'shout__data', 'tail', 'tail__data', 'writer', 'writer__config', 'writer__prompt', 'writer__prompt__topic'],
    edges: ['name.value -> tail__data.n', 'name.value -> writer__prompt.who', 'shout__data.loud -> shout.data', 'tail__data.text -> tail.data',
      'writer.response -> shout__data.poem', 'writer__config.config -> writer.config', 'writer__prompt.text -> writer.prompt',
      'writer__prompt__topic.value -> writer__prompt.topic'],
    inputs: {
      writer__prompt: ['template: String', 'who: String', 'topic: String'],
      shout__data: ['poem: String'],
      tail__data: ['template: String', 'n: String'],
    },
    outputs: { shout__data: ['stdout: String', 'stderr: String', 'loud: String'] },
    config: {
      writer: {},
      writer__prompt: { template: 'Write a haiku for {{who}} about {{topic}}' },
      writer__prompt__topic: { value: 'engines' },
      writer__config: { model: 'openai/gpt-4o-mini' },
      shout__data: { code: "return {'loud': poem.upper()}" },
    },
    labels: { writer: 'Writer' },
  },
  '05-approval.weft': {
    name: 'Refund approval',
    nodes: ['approved', 'request', 'review', 'review__summary'],
    edges: ['request.amount -> review__summary.amount', 'request.customer -> review__summary.who', 'review.decision_approved -> approved.data',
      'review__summary.text -> review.summary'],
    inputs: { review: ['context: String?', 'summary: String'], request: ['context: String?'], approved: ['data: Boolean'] },
    outputs: { request: ['customer: String', 'amount: String'], review: ['decision_approved: Boolean', 'decision_rejected: Boolean'] },
    config: {
      review: {
        title: 'Approve this refund?',
        fields: [{ fieldType: 'display', key: 'summary' }, { fieldType: 'approve_reject', key: 'decision' }],
      },
    },
  },
  '06-cron-digest.weft': {
    nodes: ['cfg', 'digest', 'digest__prompt', 'every_morning', 'feed_url', 'fetch', 'out'],
    edges: ['cfg.config -> digest.config', 'digest.response -> out.data', 'digest__prompt.text -> digest.prompt',
      'every_morning.scheduledTime -> digest__prompt.at', 'fetch.body -> digest__prompt.raw'],
    inputs: { digest__prompt: ['template: String', 'raw: String', 'at: String'] },
    config: {
      every_morning: { cron: '0 8 * * 1-5' },
      digest__prompt: { template: 'Summarise: {{raw}} (run at {{at}})' },
      cfg: { model: 'anthropic/claude-haiku-4.5', maxTokens: 300 },
    },
    labels: { every_morning: 'Weekdays 8am' },
    warnings: [[4, 'Node feed_url (Text): has outputs (value) but none are connected']],
  },
  '07-lanes.weft': {
    nodes: ['bundle', 'page', 'report', 'search', 'summarise', 'topic'],
    edges: ['bundle.all -> report.data', 'page.text -> summarise.p', 'search.urls -> page.u', 'summarise.short -> bundle.parts', 'topic.value -> search.query'],
    lanes: { 'page.u': 'expand 1', 'bundle.parts': 'gather 1', 'summarise.p': 'single 0', 'search.query': 'single 0' },
    inputs: { page: ['template: String', 'u: String'], bundle: ['parts: List[String | Null]'] },
  },
  '08-groups.weft': {
    nodes: ['llm', 'per_ticket', 'per_ticket.draft', 'per_ticket.scorer', 'show', 'show_score', 'ticket', 'tier'],
    edges: ['llm.config -> per_ticket.draft.config', 'per_ticket.draft.response -> per_ticket.reply', 'per_ticket.reply -> show.data',
      'per_ticket.score -> show_score.data', 'per_ticket.scorer.score -> per_ticket.score', 'per_ticket.text -> per_ticket.draft.prompt',
      'per_ticket.text -> per_ticket.scorer.t', 'per_ticket.tier -> per_ticket.scorer.tier', 'ticket.value -> per_ticket.text',
      'tier.value -> per_ticket.tier'],
    inputs: { per_ticket: ['text: String', 'tier: String?'], 'per_ticket.scorer': ['t: String', 'tier: String?'], show_score: ['data: Number'] },
    config: { 'per_ticket.draft': { systemPrompt: 'You are a polite support agent.' } },
  },
  '09-signatures.weft': {
    nodes: ['a', 'ask', 'b', 'c', 'd', 'echo', 'flag', 'passthrough', 'scorer', 'source'],
    edges: ['ask.answer -> b.data', 'ask.confidence -> c.data', 'echo.y -> passthrough.value', 'flag.value -> passthrough.pass',
      'passthrough.value -> ask.q', 'scorer.label -> d.data', 'scorer.score -> a.data', 'source.value -> echo.x', 'source.value -> scorer.text'],
    inputs: { scorer: ['text: String', 'tier: String?'], echo: ['x: String'], passthrough: ['pass: Boolean', 'value: String'] },
    outputs: {
      scorer: ['stdout: String', 'stderr: String', 'score: Number', 'label: String'],
      echo: ['stdout: String', 'stderr: String', 'y: String'],
      passthrough: ['value: String'],
      ask: ['stdout: String', 'stderr: String', 'answer: String', 'confidence: Number'],
    },
    config: { echo: { code: "return {'y': x}" } },
  },
  '10-require-one-of.weft': {
    nodes: ['done', 'done2', 'email', 'notify', 'notify2'],
    edges: ['email.value -> notify.email', 'email.value -> notify2.phone', 'notify.sent -> done.data', 'notify2.sent -> done2.data'],
    inputs: { notify: ['email: String?', 'phone: String?'], notify2: ['email: String?', 'phone: String?'] },
    config: { notify: { code: "return {'sent': True}" } },
  },
  '11-port-lines.weft': {
    nodes: ['r', 's', 'src', 'worker'],
    edges: ['src.value -> worker.text', 'worker.result -> r.data', 'worker.size -> s.data'],
    inputs: { worker: ['text: String', 'extra: Number?'] },
    outputs: { worker: ['stdout: String', 'stderr: String', 'result: String', 'size: Number'] },
  },
  '12-literals.weft': {
    nodes: ['ask', 'card', 'cfg', 'out'],
    edges: ['ask.response -> card.who', 'card.text -> out.data', 'cfg.config -> ask.config'],
    config: {
      ask: { prompt: 'Say hi', temperature: 0.2, parseJson: false, maxTokens: 256, systemPrompt: 'Be brief.\nAnswer in French.' },
      cfg: { model: 'gpt-4o-mini' },
      card: { n: 4, tags: ['a', 'b'], extra: { k: 1, on: true }, nothing: null },
    },
    inputs: { card: ['template: String', 'n: Number?', 'tags: List[String]?', 'extra: Dict[String, Number | Boolean]?', 'who: String'] },
    warnings: [[2, 'Node ask: no connected input will cause a skip if null (config)'], [15, "Node card (Template): literal 'nothing: null' is ignored"]],
  },
  '13-one-liners.weft': {
    nodes: ['bare', 'bare__t', 'both', 'both__p', 'fixed', 'greet', 'mix', 'nums', 'o1', 'o2', 'o3', 'o4', 'tail'],
    edges: ['bare.text -> o4.data', 'bare__t.value -> bare.t', 'both.text -> tail.v', 'both__p.text -> both.p', 'fixed.y -> o1.data',
      'greet.value -> both__p.q', 'greet.value -> mix.a', 'mix.text -> fixed.x', 'nums.value -> o2.data', 'tail.w -> o3.data'],
    inputs: { mix: ['template: String', 'b: String?', 'a: String'], fixed: ['x: String', 'note: String?'], bare: ['template: String', 't: String'] },
    outputs: { tail: ['stdout: String', 'stderr: String', 'w: String'], nums: ['value: List[Number]'] },
    config: {
      greet: { value: 'hello' }, mix: { template: '{{a}} and {{b}}', b: 'tea' }, nums: { value: [1, 2, 3] },
      fixed: { code: "return {'y': x}", note: 'greet.value' }, bare__t: {},
    },
    labels: { greet: 'Greeting', fixed: 'Fixed' },
  },
  '14-multiline-oneliner.weft': {
    nodes: ['clean', 'out', 'render', 'rows'],
    edges: ['clean.clean -> out.data', 'render.html -> clean.raw', 'rows.value -> render.rows'],
    config: {
      render: { code: 'return {"html": "<br>".join(rows)}', dependencies: '' },
      clean: { code: 'text = raw.strip()\nreturn {"clean": text.replace("```", "")}' },
    },
    warnings: [[5, 'Node render: no connected input will cause a skip if null (rows)']],
  },
  '15-crlf-tabs.weft': {
    name: 'Windows file',
    description: 'CRLF line ends and tabs',
    nodes: ['code', 'out', 'src'],
    edges: ['code.n -> out.data', 'src.value -> code.s'],
    config: { src: { value: 'tab indented' }, code: { code: 'n = len(s)\nreturn {"n": n}' } },
    inputs: { out: ['data: Number'] },
  },
  '16-nested-groups.weft': {
    nodes: ['input', 'outer', 'outer.inner', 'outer.inner.proc', 'outer.lower', 'show', 'through'],
    edges: ['input.value -> outer.data', 'outer.data -> outer.inner.x', 'outer.inner.proc.output -> outer.inner.y', 'outer.inner.x -> outer.inner.proc.input',
      'outer.inner.y -> outer.lower.s', 'outer.lower.out -> outer.result', 'outer.result -> through.v', 'through.v -> through.v2',
      'through.v2 -> show.data'],
    inputs: { 'outer.inner': ['x: String'], through: ['v: String'] },
  },
  '17-group-ports.weft': {
    nodes: ['count', 'empty', 'greeter', 'greeter.hello', 'name', 'relay', 'relay.fmt', 'show'],
    edges: ['count.value -> greeter.times', 'greeter.greeting -> relay.extra', 'greeter.hello.text -> greeter.greeting', 'greeter.times -> greeter.hello.n',
      'greeter.who -> greeter.hello.name', 'name.value -> greeter.who', 'relay.extra -> relay.fmt.v', 'relay.fmt.text -> relay.out', 'relay.out -> show.data'],
    inputs: { greeter: ['who: String', 'times: Number?'], empty: ['a: String?'], relay: ['extra: String'], 'greeter.hello': ['template: String', 'name: String', 'n: Number'] },
    outputs: { greeter: ['greeting: String'], empty: ['b: String'], relay: ['out: String'] },
    warnings: [[22, 'Node empty (Group): has outputs (b) but none are connected']],
  },
  '18-storage.weft': {
    nodes: ['bump', 'db', 'ok', 'read', 'save', 'visit'],
    edges: ['bump.next -> save.value', 'db.endpointUrl -> read.endpointUrl', 'db.endpointUrl -> save.endpointUrl', 'read.found -> bump.found',
      'read.value -> bump.counts', 'save.stored -> ok.data', 'visit.user -> read.pattern', 'visit.user -> save.key'],
    outputs: { read: ['value: Dict[String, Number]', 'found: Boolean', 'count: Number', 'keys: List[String]'], visit: ['receivedAt: String', 'user: String'] },
    inputs: { save: ['endpointUrl: String', 'key: String', 'value: Number'] },
    labels: { db: 'Store' },
  },
  '19-dict-unpack.weft': {
    nodes: ['enabled', 'limit', 'line', 'note', 'print', 'settings', 'split', 'when'],
    edges: ['enabled.value -> line.e', 'limit.value -> line.l', 'line.text -> print.data', 'settings.value -> split.in', 'split.region -> line.r',
      'split.tier -> line.t', 'when.value -> line.d'],
    config: { settings: { value: { region: 'eu-west-1', tier: 'gold' } }, note: { content: 'Settings are read once per run.' } },
    inputs: { split: ['in: Dict[String, String]'], line: ['template: String', 'r: String', 't: String', 'l: Number', 'e: Boolean', 'd: String'] },
    outputs: { split: ['region: String', 'tier: String'], note: [] },
  },
  '20-quirks-accepted.weft': {
    name: 'Renamed inside a block',
    description: 'first description',
    nodes: ['a', 'b', 'c', 'd', 'e'],
    edges: ['a.value -> c.in1', 'b.stdout -> e.data', 'c.stdout -> d.data'],
    config: {
      a: { value: 'hi' },
      b: { value: 'host.name is text', path: 'a.b.c', pi: 3.14, single: "'quoted'", word: 'True', bare: 'hello world' },
      c: {},
    },
    labels: { b: 'Plain label text' },
    inputs: { c: ['in1: String'], b: ['value: String?', 'path: String?', 'pi: Number?', 'single: String?', 'word: String?', 'bare: String?'] },
  },
  '21-heredocs.weft': {
    nodes: ['raw', 'show', 'strip', 'tags', 'wrap'],
    edges: ['raw.value -> strip.md', 'strip.plain -> wrap.body', 'tags.value -> wrap.t', 'wrap.text -> show.data'],
    config: {
      raw: { value: '# Title\n\nSome `code` and a fence:\n```\nx = 1\n```' },
      strip: { code: 'python\nimport re\nreturn {"plain": re.sub(r"```.*?```", "", md, flags=re.S)}' },
      tags: { value: '[ "docs", "md" ]' },
      wrap: { template: '{{body}} {{t}}', footer: '-- generated, do not edit `by hand`' },
    },
    inputs: { wrap: ['template: String', 'footer: String?', 'body: String', 't: List[String]'] },
  },
  '22-lanes-in-group.weft': {
    nodes: ['collect', 'count', 'enrich', 'enrich.upper', 'n', 'names', 'out'],
    edges: ['collect.joined -> out.data', 'count.depth -> n.data', 'enrich.line -> collect.lines', 'enrich.line -> count.value', 'enrich.name -> enrich.upper.n',
      'enrich.upper.u -> enrich.line', 'names.value -> enrich.name'],
    lanes: { 'enrich.name': 'expand 1', 'collect.lines': 'gather 1', 'count.value': 'gather 1', 'enrich.upper.n': 'single 0' },
    config: { names: { value: ['Ada', 'Grace', 'Linus'] } },
  },
  '23-type-variables.weft': {
    nodes: ['gate', 'open', 'pair', 'same', 'score', 'show', 'show2'],
    edges: ['gate.value -> show.data', 'open.value -> gate.pass', 'open.value -> pair.b', 'pair.first -> gate.value', 'pair.second -> show2.data',
      'same.y -> pair.a', 'score.value -> same.x'],
    inputs: { same: ['x: Number'], pair: ['a: Number', 'b: Boolean'], gate: ['pass: Boolean', 'value: Number'], show2: ['data: Boolean'] },
    outputs: { same: ['stdout: String', 'stderr: String', 'y: Number'], gate: ['value: Number'] },
  },
  '24-slack-bot.weft': {
    nodes: ['answer', 'incoming', 'llm', 'reply', 'sent', 'slack', 'ts'],
    edges: ['answer.response -> reply.text', 'incoming.channelId -> reply.channelId', 'incoming.text -> answer.prompt', 'incoming.timestamp -> reply.threadTs',
      'llm.config -> answer.config', 'reply.messageTs -> ts.data', 'reply.success -> sent.data', 'slack.config -> incoming.config', 'slack.config -> reply.config'],
    config: {
      incoming: { channelId: 'C0123' },
      llm: { model: 'anthropic/claude-sonnet-4.6', systemPrompt: 'You answer questions about our product.\nKeep it under 80 words.', temperature: 0.2 },
    },
  },
  '25-inline-in-groups.weft': {
    nodes: ['g', 'g.self__title', 'g.writer', 'g.writer__config', 'g.writer__prompt', 's', 't', 'who'],
    edges: ['g.self__title.text -> g.title', 'g.summary -> s.data', 'g.title -> t.data', 'g.topic -> g.self__title.t', 'g.topic -> g.writer__prompt.t',
      'g.writer.response -> g.summary', 'g.writer__config.config -> g.writer.config', 'g.writer__prompt.text -> g.writer.prompt',
      'who.value -> g.topic', 'who.value -> g.writer__prompt.w'],
    inputs: { 'g.writer__prompt': ['template: String', 't: String', 'w: String'] },
    config: { 'g.writer__config': { model: 'openai/gpt-4o-mini' }, 'g.self__title': { template: 'About {{t}}' } },
  },
  '26-comments.weft': {
    name: 'Commented pipeline',
    description: 'Comments in every place a comment may go',
    nodes: ['city', 'forecast', 'g', 'g.t', 'show'],
    edges: ['city.value -> forecast.city', 'forecast.summary -> g.s', 'g.out -> show.data', 'g.s -> g.t.s', 'g.t.text -> g.out'],
    config: { city: { value: 'Lisbon' }, forecast: { code: '# this line is Python, not a Weft comment\nreturn {"summary": f"Sunny in {city}"}' } },
    inputs: { forecast: ['city: String'] },
    outputs: { forecast: ['stdout: String', 'stderr: String', 'summary: String'] },
  },
  '27-rss-email.weft': {
    nodes: ['body', 'feed', 'id', 'mail', 'ok', 'send'],
    edges: ['body.text -> send.body', 'feed.link -> body.link', 'feed.summary -> body.summary', 'feed.title -> body.title', 'mail.config -> send.config',
      'send.messageId -> id.data', 'send.success -> ok.data'],
    config: {
      feed: { url: 'https://blog.example.com/feed.xml', pollIntervalSecs: 900 },
      mail: { protocol: 'smtp', host: 'smtp.example.com', port: '587', security: 'starttls' },
      body: { template: 'New post: {{title}}\n{{link}}\n\n{{summary}}' },
      send: { fromEmail: 'bot@example.com', subject: 'New blog post', to: ['team@example.com', 'lead@example.com'] },
    },
  },
  '28-telegram-lanes.weft': {
    nodes: ['chats', 'done', 'message', 'results', 'send', 'tg'],
    edges: ['chats.value -> send.chatId', 'message.value -> send.text', 'results.all_ok -> done.data', 'send.success -> results.ok', 'tg.config -> send.config'],
    lanes: { 'send.chatId': 'expand 1', 'send.text': 'single 0', 'results.ok': 'gather 1' },
    warnings: [[13, 'Implicit expand: chats.value (List[String]) feeds send.chatId (String)']],
  },
  '30-discord-moderation.weft': {
    nodes: ['confirm', 'delete', 'discord', 'judge', 'judge__config', 'log', 'message', 'only_toxic', 'removed'],
    edges: ['confirm.remove_approved -> removed.pass', 'delete.success -> removed.value', 'discord.config -> delete.config', 'discord.config -> message.config',
      'judge.reason -> confirm.reason', 'judge.toxic -> only_toxic.pass', 'judge__config.config -> judge.config', 'message.channelId -> delete.channelId',
      'message.content -> judge.prompt', 'message.messageId -> only_toxic.value', 'only_toxic.value -> delete.messageId', 'removed.value -> log.data'],
    outputs: { judge: ['response: JsonDict', 'toxic: Boolean', 'reason: String'], only_toxic: ['value: String'], removed: ['value: Boolean'] },
    inputs: { only_toxic: ['pass: Boolean', 'value: String'], confirm: ['context: String?', 'reason: String'], log: ['data: Boolean'] },
    config: {
      judge: { systemPrompt: 'Reply with JSON {"toxic": bool, "reason": string}', parseJson: true },
      judge__config: { model: 'openai/gpt-4o-mini', temperature: 0 },
    },
  },
  '31-media.weft': {
    nodes: ['banner', 'memo', 'ping', 'post', 'posted', 'transcribe', 'voice', 'x'],
    edges: ['banner.value -> post.media', 'memo.value -> transcribe.audio', 'post.postId -> posted.data', 'transcribe.transcription -> post.text',
      'voice.config -> transcribe.config', 'x.config -> post.config'],
    outputs: { memo: ['value: Audio'], banner: ['value: Image'] },
    inputs: { post: ['config: Dict[String, String]', 'text: String?', 'replyToPostId: String?', 'media: Media?'] },
    config: { memo: { media: 'https://files.example.com/memo.mp3' }, transcribe: { language: 'eng' }, ping: { url: 'https://hooks.example.com/posted' } },
    warnings: [[16, 'Node ping (Notify): has outputs (sent) but none are connected']],
  },
};

describe('published-style programs are accepted with the graph the spec gives', () => {
  it('every fixture program has its expected graph here', () => {
    expect(readdirSync(PROGRAMS).filter((f) => f.endsWith('.weft')).sort()).toEqual(Object.keys(PROGRAM_GRAPHS).sort());
    expect(Object.keys(PROGRAM_GRAPHS).length).toBeGreaterThanOrEqual(25);
  });

  it.each(Object.entries(PROGRAM_GRAPHS))('%s', (file, expected) => {
    const compiled = accepted(read(file));
    expect(ids(compiled)).toEqual([...expected.nodes].sort());
    expect(sortedEdges(compiled)).toEqual([...expected.edges].sort());
    for (const [id, list] of Object.entries(expected.inputs ?? {})) expect([id, ports(node(compiled.graph, id).inputs)]).toEqual([id, list]);
    for (const [id, list] of Object.entries(expected.outputs ?? {})) expect([id, outputTypes(compiled, id)]).toEqual([id, list]);
    for (const [id, config] of Object.entries(expected.config ?? {})) {
      const actual = node(compiled.graph, id).config;
      expect([id, actual]).toEqual([id, expect.objectContaining(config)]);
      if (Object.keys(config).length === 0) expect(Object.keys(actual).filter((k) => k !== 'parentId')).toEqual([]);
    }
    for (const [id, label] of Object.entries(expected.labels ?? {})) expect([id, node(compiled.graph, id).label]).toEqual([id, label]);
    for (const [endpoint, mode] of Object.entries(expected.lanes ?? {})) {
      const dot = endpoint.lastIndexOf('.');
      expect([endpoint, lane(compiled, endpoint.slice(0, dot), endpoint.slice(dot + 1))]).toEqual([endpoint, mode]);
    }
    const warnings = warningsOf(compiled);
    expect(warnings).toHaveLength((expected.warnings ?? []).length);
    for (const [line, text] of expected.warnings ?? []) expect(warnings).toContainEqual([line, expect.stringContaining(text)]);
    if (expected.name !== undefined) expect(compiled.graph.name).toBe(expected.name);
    if (expected.description !== undefined) expect(compiled.graph.description).toBe(expected.description);
  });

  it('the CRLF fixture really has CRLF line ends and tabs', () => {
    const text = read('15-crlf-tabs.weft');
    expect(text).toContain('\r\n');
    expect(text).toContain('\t');
  });

  it('inline nodes are marked inline and carry the host line; group children their group', () => {
    const { graph } = accepted(read('04-inline-pipeline.weft'));
    expect(graph.nodes.filter((n) => n.inline).map((n) => n.id).sort())
      .toEqual(['shout__data', 'tail__data', 'writer__config', 'writer__prompt', 'writer__prompt__topic']);
    expect(node(graph, 'writer__prompt').code.line).toBe(7);
    const groups = accepted(read('16-nested-groups.weft')).graph;
    expect(node(groups, 'outer.inner.proc')).toMatchObject({ parent: 'outer.inner', scope: ['outer', 'outer.inner'], localId: 'proc' });
    expect(node(groups, 'outer')).toMatchObject({ kind: 'group', description: 'Cleans text in two stages' });
  });
});

describe('what the executor runs from the fixture programs', () => {
  const wiring = (file: string): string[] =>
    accepted(read(file)).graph.executable.nodes.flatMap((n) => n.inputs.map((i) =>
      `${n.id}.${i.name} <- ${i.source ? `${i.source.node}.${i.source.port}` : i.value !== undefined ? JSON.stringify(i.value) : '-'} ${i.lane.mode} ${i.lane.depth}`));

  it('lanes through a group: the child runs per element, what reads the group gathers, groups themselves do not run', () => {
    const { graph } = accepted(read('22-lanes-in-group.weft'));
    expect(graph.executable.nodes.map((n) => [n.id, n.laneDepth])).toEqual(
      [['names', 0], ['enrich.upper', 1], ['collect', 0], ['count', 0], ['out', 0], ['n', 0]]);
    expect(wiring('22-lanes-in-group.weft')).toEqual([
      'enrich.upper.n <- names.value expand 1', 'collect.lines <- enrich.upper.u gather 1', 'count.value <- enrich.upper.u gather 1',
      'out.data <- collect.joined single 0', 'n.data <- count.depth single 0',
    ]);
  });

  it('nested groups and a pass-through group are traced to the producing nodes', () => {
    expect(wiring('16-nested-groups.weft')).toEqual([
      'outer.inner.proc.input <- input.value single 0', 'outer.lower.s <- outer.inner.proc.output single 0', 'show.data <- outer.lower.out single 0',
    ]);
  });

  it('inline nodes run before their hosts; config fills unwired inputs', () => {
    const { graph } = accepted(read('04-inline-pipeline.weft'));
    const order = graph.executable.order;
    expect(order.indexOf('writer__prompt__topic')).toBeLessThan(order.indexOf('writer__prompt'));
    expect(order.indexOf('writer__prompt')).toBeLessThan(order.indexOf('writer'));
    expect(order.indexOf('writer')).toBeLessThan(order.indexOf('shout__data'));
    expect(wiring('04-inline-pipeline.weft')).toContain('writer__prompt.template <- "Write a haiku for {{who}} about {{topic}}" single 0');
  });
});

describe('a JSON export with its layout code', () => {
  const exported = JSON.parse(read('29-export.json')) as { name: string; weftCode: string; layoutCode: string };

  it('compiles its weftCode and places the nodes its layoutCode names (scoped ids, size, expanded)', () => {
    const result = compileWeft(exported.weftCode, exported.layoutCode);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = result.graph!;
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(['greet', 'greet.t', 'name', 'show']);
    expect(edges(graph).sort()).toEqual(['greet.line -> show.data', 'greet.t.text -> greet.line', 'greet.who -> greet.t.w', 'name.value -> greet.who']);
    expect(node(graph, 'greet')).toMatchObject({ position: { x: 300, y: -40 }, size: { width: 420, height: 260 }, expanded: true, placement: 'layout' });
    expect(node(graph, 'greet.t')).toMatchObject({ position: { x: 40, y: 60 }, placement: 'layout' });
    expect(node(graph, 'show')).toMatchObject({ position: { x: 800.5, y: 12 }, expanded: false });
  });
});

/** [file, line, start of the message] — the error the reference reports for each rejected program. */
const REJECTED_PROGRAMS: [string, number, string][] = [
  // §3.5 flavour B splits pairs on commas outside quotes only: JSON with commas breaks.
  ['r01-oneliner-json-commas.weft', 2, 'Invalid JSON for "value"'],
  // §1.1 a comment in a signature item becomes part of the type, surfacing once wired.
  ['r02-comment-in-signature.weft', 11, 'Type mismatch: p.y outputs String # the result but shout.s expects String'],
  // §1.1 a connection line with a trailing comment.
  ['r03-trailing-comment-connection.weft', 3, 'Unexpected line: d.data = a.value # show it'],
  // §3.10 `}->` without a space is not recognised.
  ['r04-arrow-without-space.weft', 3, 'Invalid config line: }->(confidence: Number)'],
  // §3.2 two arrows before the body.
  ['r05-two-arrows.weft', 1, 'Two arrow clauses before the config block'],
  // §5 an inline expression cannot declare post-config outputs.
  ['r06-inline-post-outputs.weft', 4, 'Inline expressions cannot declare post-config outputs; declare the node with a name instead'],
  // §7 a group missing its closing brace.
  ['r07-unclosed-group.weft', 2, "Unclosed group 'g'"],
  ['r08-unknown-type.weft', 2, 'Unknown node type: Templat'],
  ['r09-duplicate-id.weft', 2, 'Duplicate node ID: source'],
  ['r10-two-edges.weft', 5, 'Input port d.data already has a connection'],
  ['r11-mock-key.weft', 4, "'mock' is not a valid config key. Use test configs for mocking."],
  // §8.4 an unknown key on a fixed-signature node.
  ['r12-fixed-signature-key.weft', 1, "Node t (Text): cannot add custom input port 'colour' because this node type has a fixed port signature"],
  // §8.5 an edge into a catalog field that is not a port.
  ['r13-edge-into-field.weft', 3, 'Node n has no input port: value'],
  ['r14-gather-depth.weft', 5, 'Gather error: bundle.parts tries to gather 1 level(s) but current depth is only 0.'],
  // §1.7 unquoted text with one dot is a port reference.
  ['r15-unquoted-dot.weft', 3, 'Connection references unknown source node: api'],
  // §1.7 unquoted text starting with a capital and ( is an inline expression.
  ['r16-unquoted-capital.weft', 3, "Expected '{' in inline expression, got: "],
  ['r17-require-one-of-outputs.weft', 1, '@require_one_of is only valid in input port lists, not outputs'],
  ['r18-duplicate-group.weft', 5, "Duplicate group name 'g' in same scope"],
  ['r19-self-literal.weft', 2, 'Unexpected line: self.x = "fixed"'],
  ['r20-broken-json.weft', 3, 'Broken JSON for "v": brackets not balanced'],
  // §9.3 a connected MustOverride output.
  ['r21-must-override.weft', 2, 'Node summarizer: output port "response" requires a type declaration (e.g. response: String)'],
  ['r22-type-mismatch.weft', 3, 'Type mismatch: revenue.value outputs Number but analyzer.prompt expects String'],
  // §7 a group body must start on the next line (or be {}).
  ['r23-group-trailing-text.weft', 2, 'Unexpected after group declaration: { self.b = self.a }'],
  // §4.4 a group line whose side has no dot.
  ['r24-group-line-without-dot.weft', 4, "Invalid connection target: 'result'. Use 'self.port' for group output or 'child.port' for a child node"],
  ['r25-invalid-port-name.weft', 1, "Invalid port declaration: 'first-name: String'"],
  ['r26-duplicate-port.weft', 1, 'Duplicate in port "a"'],
  ['r27-in-block-junk.weft', 4, 'Unexpected line inside in() block: b = 3'],
  // §5 the inline errors, each in a program that forgets one part.
  ['r28-inline-missing-port.weft', 4, "Inline expression missing required '.portName' after closing '}'"],
  ['r29-inline-bad-port.weft', 2, "Expected '.portName' in bare inline expression, got: '.value.more'"],
  // the file ends inside the body: reported at the last line with text (the reference trims the program)
  ['r30-inline-unclosed.weft', 3, 'Unclosed inline expression body'],
  ['r30-inline-unclosed.weft', 3, "Inline expression missing required '.portName' after closing '}'"],
  ['r31-inline-unclosed-ports.weft', 2, 'Unclosed input port list in inline expression'],
  ['r32-group-inlined.weft', 2, 'Groups cannot be inlined'],
  ['r33-invalid-config-pair.weft', 1, "Invalid config pair: 'loud'"],
  ['r34-inline-collision.weft', 3, 'Duplicate node ID: d__data'],
  ['r35-unknown-in-group.weft', 2, 'Unknown node type in group: Txt'],
  ['r36-new-port-untyped.weft', 2, 'Node p: new input port "x" requires a type declaration (e.g. x: String)'],
  // §8.3 a declared type replaces the catalog T of that input only: the output's T is left to bind from edges, and a Debug binds nothing
  ['r37-pinned-gate-output.weft', 3, 'Node removed: output port "value" has unresolved type variable in \'T\''],
];

describe('programs the reference rejects are rejected at the same line', () => {
  it('every rejected fixture is listed', () => {
    expect(readdirSync(REJECTED).filter((f) => f.endsWith('.weft')).sort()).toEqual([...new Set(REJECTED_PROGRAMS.map(([f]) => f))].sort());
  });

  it.each(REJECTED_PROGRAMS)('%s: line %i', (file, line, message) => {
    const { errors } = compile(readFileSync(join(REJECTED, file), 'utf8'));
    expect(errors.map((d) => [d.line, d.message])).toContainEqual([line, expect.stringContaining(message)]);
    const at = errors.find((d) => d.line === line && d.message.includes(message))!;
    expect(at.column).toBeGreaterThanOrEqual(1);
  });
});

describe('weft check on the fixtures', () => {
  const weft = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'server/cli/weft.js'), 'check', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('accepts every accepted program and the JSON export (exit 0, no error line)', () => {
    const files = [...Object.keys(PROGRAM_GRAPHS), '29-export.json'].map((f) => join(PROGRAMS, f));
    const run = weft(...files);
    expect(run.stdout).not.toContain(': error:');
    expect(run.status).toBe(0);
  });

  it('rejects the rejected programs (exit 1, the error of each at its line)', () => {
    const run = weft(...[...new Set(REJECTED_PROGRAMS.map(([file]) => join(REJECTED, file)))]);
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    for (const [file, line, message] of REJECTED_PROGRAMS) {
      const prefix = `${join(REJECTED, file)}:${line}:`;
      expect([file, lines.some((l) => l.startsWith(prefix) && l.includes(': error: ') && l.includes(message))]).toEqual([file, true]);
    }
  });
});
