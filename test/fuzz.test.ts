import { describe, expect, it, beforeAll } from '@jest/globals';
import net from 'node:net';
import { print, type DocumentNode } from 'graphql';
import WebSocket from 'ws';
import * as spaDocuments from '../web/src/graphql/generated/graphql';
import { createProject, readExample, runProject, waitForStatus } from './support/executions';
import { graphqlData } from './support/graphql';
import { usePlatform } from './support/usePlatform';

/**
 * Bad input, generated from a fixed seed: malformed GraphQL (mutated SPA operations), malformed
 * JSON, wrong content types, oversized and deeply nested payloads, malformed graphql-ws frames and
 * SSE requests, invalid form answers and invalid Weft. The server must stay up, answer each with
 * a clear error (a 4xx with `extensions.code`, a typed Problem, or a graphql-ws close code), and
 * change no stored data. FUZZ_SEED picks another seed; a failure names the seed and the case.
 */
const seed = Number(process.env.FUZZ_SEED ?? 20261124);
const maxRequestBytes = 100_000;
/** An error may quote a malformed body (a JSON syntax error does), so an answer is bounded by the body limit. */
const maxEchoBytes = maxRequestBytes + 2_000;

/** mulberry32: small, seedable, good enough to pick mutations. */
function random(seedValue: number) {
  let state = seedValue >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const spaOperations = Object.entries(spaDocuments)
  .filter(([name]) => name.endsWith('Document'))
  .map(([name, document]) => ({ name, text: print(document as DocumentNode) }));

const junk = ['{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '=', '"', '"""', '...', ',', '#', '\\', '\u0000', '\uffff', '😀', ' on ', 'fragment', 'mutation', 'subscription', '__schema', '-1e999', '0x1', '\n'];

/** One random change of a valid document: truncation, deletion, insertion, duplication or a swap. */
function mutateDocument(rng: Random, text: string): string {
  const at = rng.int(text.length);
  switch (rng.int(6)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + text.slice(at + 1 + rng.int(8));
    case 2: return text.slice(0, at) + rng.pick(junk) + text.slice(at);
    case 3: return text.slice(0, at) + text.slice(at, at + 1 + rng.int(40)).repeat(2 + rng.int(3)) + text.slice(at);
    case 4: {
      const other = rng.int(text.length);
      const [a, b] = [Math.min(at, other), Math.max(at, other)];
      return text.slice(0, a) + text[b] + text.slice(a + 1, b) + text[a] + text.slice(b + 1);
    }
    default: return text.replace(/[A-Za-z_]\w*/g, (word) => (rng.next() < 0.1 ? `${word}${rng.pick(['x', '_', '1', ''])}` : word));
  }
}

/** Variables that no SPA operation accepts: wrong types, wrong ids, oversized and nested values. */
function badVariables(rng: Random): unknown {
  const value = () => rng.pick<unknown>([42, -1.5, true, null, 'not-a-uuid', '00000000-0000-4000-8000-000000000000', [], {}, [1, 'a'], { id: 1 }, 'x'.repeat(2_000)]);
  const keys = ['id', 'projectId', 'name', 'code', 'first', 'after', 'filter', 'inputs', 'executionId', 'content', 'layout', 'afterSeq'];
  if (rng.next() < 0.1) return rng.pick<unknown>(['a string', 7, [1, 2], null]);
  return Object.fromEntries(keys.filter(() => rng.next() < 0.5).map((key) => [key, value()]));
}

function nested(depth: number, open: string, close: string, inner = ''): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

interface HttpCase {
  label: string;
  body?: string | Uint8Array;
  method?: string;
  headers?: Record<string, string>;
  /** Send the body without a content-length (chunked), as a streaming client may. */
  chunked?: boolean;
  query?: string;
}

interface Outcome { status: number; contentType: string; text: string; acceptable?: string }

const graphqlAccept = 'application/graphql-response+json, application/json;q=0.9';

function chunkedBody(body: string | Uint8Array): ReadableStream<Uint8Array> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 16_384));
      offset += 16_384;
    },
  });
}

async function send(graphqlUrl: string, request: HttpCase): Promise<Outcome> {
  const url = request.query === undefined ? graphqlUrl : `${graphqlUrl}?${request.query}`;
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method ?? 'POST',
    headers: { accept: graphqlAccept, ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
    signal: AbortSignal.timeout(20_000),
  };
  if (request.body !== undefined) {
    init.body = (request.chunked ? chunkedBody(request.body) : request.body) as BodyInit;
    if (request.chunked) init.duplex = 'half';
  }
  const response = await fetch(url, init);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text(), acceptable: response.headers.get('accept') ?? undefined };
}

type GraphQLErrorBody = { errors?: { message?: unknown; extensions?: { code?: unknown } }[]; data?: Record<string, unknown> | null };

/** Problems with how the server answered bad input over HTTP; none is the only good answer. */
function problemsWithAnswer(outcome: Outcome, maxEchoBytes: number): string[] {
  const problems: string[] = [];
  // GraphQL over HTTP: a result no accepted media type can carry (a subscription asked for as JSON)
  // is 406 Not Acceptable, with no body and the media types the server could send in its accept header.
  if (outcome.status === 406) return outcome.acceptable ? [] : ['406 without an accept header'];
  if (outcome.status >= 500) problems.push(`status ${outcome.status}`);
  if (outcome.text.length > maxEchoBytes) problems.push(`answer of ${outcome.text.length} bytes (the input is echoed back)`);
  let body: GraphQLErrorBody;
  try {
    body = JSON.parse(outcome.text) as GraphQLErrorBody;
  } catch {
    return [...problems, `not JSON (${outcome.status} ${outcome.contentType}): ${outcome.text.slice(0, 200)}`];
  }
  const errors = body.errors ?? [];
  const uncoded = errors.filter((error) => typeof error.extensions?.code !== 'string' || typeof error.message !== 'string');
  if (uncoded.length > 0) problems.push(`errors without extensions.code: ${JSON.stringify(uncoded).slice(0, 300)}`);
  if (outcome.status >= 400 && outcome.status < 500) {
    if (errors.length === 0) problems.push(`${outcome.status} without errors`);
  } else if (outcome.status === 200) {
    // A field error of an operation that ran (e.g. an id that is not a UUID) is a 200 with the field null.
    if (errors.length === 0 && !hasProblem(body.data)) problems.push(`accepted: ${outcome.text.slice(0, 200)}`);
  } else problems.push(`status ${outcome.status}`);
  return problems;
}

/** A typed refusal of a mutation: `{ __typename, code, message }` under the mutation field. */
function hasProblem(data: Record<string, unknown> | null | undefined): boolean {
  return Object.values(data ?? {}).some((value) => {
    const problem = value as { code?: unknown; message?: unknown } | null;
    return typeof problem?.code === 'string' && typeof problem.message === 'string';
  });
}

/** Everything the API can tell about stored data, in a stable order. */
async function snapshot(graphqlUrl: string) {
  const parts = await Promise.all([
    graphqlData(graphqlUrl, `{ projects(first: 10) { totalCount edges { node { id name description code updatedAt versions(first: 1) { totalCount } } } } }`),
    graphqlData(graphqlUrl, `{ executions(first: 20) { totalCount edges { node { id status lastSeq error completedAt } } } }`),
    graphqlData(graphqlUrl, `{ humanTasks(first: 20, filter: { state: [] }) { totalCount edges { node { id state answer answeredBy answeredAt } } } }`),
  ]);
  const executions = parts[1].executions.edges as { node: { id: string } }[];
  const runs = await Promise.all(executions.map(({ node }) =>
    graphqlData(graphqlUrl, `query($id: ID!) { execution(id: $id) { nodeRuns { nodeId status output error } } }`, { id: node.id })));
  return JSON.stringify([...parts, ...runs]);
}

describe(`bad input (seed ${seed})`, () => {
  const platform = usePlatform({ env: { MAX_REQUEST_BYTES: String(maxRequestBytes), LOG_LEVEL: 'warn' } });
  const url = () => platform.current.graphqlUrl;
  const rng = random(seed);
  let before = '';
  let taskId = '';
  let projectId = '';
  const tally: Record<string, Record<string, number>> = {};

  async function assertAlive(label: string) {
    expect({ label, exitCode: platform.current.process.exitCode }).toEqual({ label, exitCode: null });
    const health = await fetch(`${platform.current.url}/health`, { signal: AbortSignal.timeout(10_000) });
    expect({ label, health: health.status }).toEqual({ label, health: 200 });
  }

  async function sendAll(group: string, cases: HttpCase[], check: (outcome: Outcome, request: HttpCase) => string[] = (outcome) => problemsWithAnswer(outcome, maxEchoBytes)) {
    const failures: { label: string; problems: string[] }[] = [];
    tally[group] = {};
    for (const request of cases) {
      const outcome = await send(url(), request);
      tally[group]![outcome.status] = (tally[group]![outcome.status] ?? 0) + 1;
      const problems = check(outcome, request);
      if (problems.length > 0) failures.push({ label: request.label, problems });
    }
    await assertAlive(group);
    expect(failures.slice(0, 5)).toEqual([]);
  }

  beforeAll(async () => {
    projectId = await createProject(url(), 'approval', await readExample('approval'));
    const executionId = await runProject(url(), projectId);
    const waiting = await waitForStatus(url(), executionId, ['waiting_for_input'], 60_000);
    taskId = waiting.openTasks[0]!.id;
    before = await snapshot(url());
  }, 90_000);

  it('answers malformed GraphQL documents (mutated SPA operations) with a coded error', async () => {
    expect(spaOperations.length).toBeGreaterThan(5);
    const cases: HttpCase[] = [];
    for (let i = 0; i < 150; i++) {
      const operation = rng.pick(spaOperations);
      let text = operation.text;
      for (let changes = 1 + rng.int(3); changes > 0; changes--) text = mutateDocument(rng, text);
      cases.push({ label: `${operation.name} #${i}: ${JSON.stringify(text).slice(0, 120)}`, body: JSON.stringify({ query: text, variables: badVariables(rng) }) });
    }
    await sendAll('documents', cases, (outcome, request) => {
      // A mutation can leave a document valid; with the bad variables it still must not succeed.
      return problemsWithAnswer(outcome, maxEchoBytes).filter((problem) => !(problem.startsWith('accepted') && isHarmlessQuery(request)));
    });
  });

  it('answers malformed JSON bodies, wrong methods and wrong content types with a coded 4xx', async () => {
    const valid = JSON.stringify({ query: '{ projects(first: 1) { totalCount } }' });
    const cases: HttpCase[] = [
      { label: 'empty body', body: '' },
      { label: 'null', body: 'null' },
      { label: 'array (batching)', body: '[]' },
      { label: 'batch of one', body: `[${valid}]` },
      { label: 'number', body: '12' },
      { label: 'query is a number', body: '{"query": 1}' },
      { label: 'query is an object', body: '{"query": {"a": 1}}' },
      { label: 'variables a string', body: '{"query": "{ __typename }", "variables": "x"}' },
      { label: 'extensions a number', body: '{"query": "{ __typename }", "extensions": 5}' },
      { label: 'operationName a number', body: '{"query": "{ __typename }", "operationName": 5}' },
      { label: 'unknown operationName', body: '{"query": "query A { __typename }", "operationName": "B"}' },
      { label: 'two operations, no name', body: '{"query": "query A { __typename } query B { __typename }"}' },
      { label: 'invalid UTF-8', body: new Uint8Array([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
      { label: '__proto__ variables', body: '{"query": "query($first: Int) { projects(first: $first) { totalCount } }", "variables": {"__proto__": {"first": 1}, "first": "x"}}' },
      { label: 'huge number variable', body: '{"query": "query($first: Int) { projects(first: $first) { totalCount } }", "variables": {"first": 1e400}}' },
      { label: 'PUT', method: 'PUT', body: valid },
      { label: 'DELETE', method: 'DELETE' },
      { label: 'PATCH', method: 'PATCH', body: valid },
      { label: 'GET without CSRF header', method: 'GET', query: 'query=%7B__typename%7D' },
      { label: 'GET without query', method: 'GET', headers: { 'x-graphql-csrf': '1' }, query: '' },
      { label: 'GET mutation', method: 'GET', headers: { 'x-graphql-csrf': '1' }, query: `query=${encodeURIComponent('mutation { deleteTestConfig(id: "x") }')}` },
      { label: 'GET bad variables JSON', method: 'GET', headers: { 'x-graphql-csrf': '1' }, query: `query=${encodeURIComponent('{ __typename }')}&variables=%7Bx` },
      { label: 'GET truncated', method: 'GET', headers: { 'x-graphql-csrf': '1' }, query: 'query=%7Bprojects' },
    ];
    for (const contentType of ['text/plain', 'application/xml', 'garbage', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/graphql', 'application/octet-stream', '']) {
      cases.push({ label: `content-type ${contentType || '(none)'}`, body: valid, headers: { 'content-type': contentType } });
      cases.push({ label: `content-type ${contentType || '(none)'} with CSRF header`, body: valid, headers: { 'content-type': contentType, 'x-graphql-csrf': '1' } });
    }
    for (let i = 0; i < 60; i++) {
      const at = rng.int(valid.length);
      const body = rng.next() < 0.5 ? valid.slice(0, at) : valid.slice(0, at) + rng.pick(['"', '{', '}', ',', '\\', '\u0000', ']', ':']) + valid.slice(at + 1);
      cases.push({ label: `mutated JSON #${i}: ${body}`, body });
    }
    await sendAll('json', cases, (outcome, request) => {
      const problems = problemsWithAnswer(outcome, maxEchoBytes);
      // A mutated JSON body can still be the valid query; that is a fine answer.
      return problems.filter((problem) => !(problem.startsWith('accepted') && request.label.startsWith('mutated JSON')));
    });
  });

  it('refuses oversized bodies (with or without content-length) and deeply nested queries and variables', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(maxRequestBytes) } });
    const deepJson = (depth: number) => JSON.stringify({ query: 'query($v: JSON) { checkWeft(code: "") { ok } }', variables: { v: 1 } }).replace('1}', `${nested(depth, '[', ']')}}`);
    const cases: HttpCase[] = [
      { label: 'over MAX_REQUEST_BYTES with content-length', body: big },
      { label: 'over MAX_REQUEST_BYTES, chunked', body: big, chunked: true },
      { label: 'over MAX_REQUEST_BYTES of garbage, chunked', body: 'a'.repeat(maxRequestBytes * 3), chunked: true },
      { label: '10x MAX_REQUEST_BYTES, chunked', body: `{"query": "${'{'.repeat(maxRequestBytes * 10)}"}`, chunked: true },
      { label: 'just under the limit, chunked, invalid', body: `${'['.repeat(maxRequestBytes - 100)}`, chunked: true },
      { label: 'nested selections (10,000 deep)', body: JSON.stringify({ query: nested(10_000, '{ projects ', '}') }) },
      { label: 'nested braces (40,000)', body: JSON.stringify({ query: nested(40_000, '{', '}') }) },
      { label: 'nested list literal (20,000)', body: JSON.stringify({ query: `{ checkWeft(code: ${nested(20_000, '[', ']', '"x"')}) { ok } }` }) },
      { label: 'nested object literal (10,000)', body: JSON.stringify({ query: `mutation { runProject(projectId: "${projectId}", inputs: ${nested(10_000, '{a:', '}', '1')}) { __typename } }` }) },
      { label: 'nested fragments (cycle)', body: JSON.stringify({ query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }) },
      { label: 'many fragments spread', body: JSON.stringify({ query: `{ ...F0 } ${Array.from({ length: 300 }, (_, i) => `fragment F${i} on Query { ${i < 299 ? `...F${i + 1} ` : ''}nodeTypes { type } }`).join(' ')}` }) },
      { label: 'nested JSON variable (40,000), unused', body: deepJson(40_000) },
      { label: 'nested JSON inputs for runProject of an unknown project', body: JSON.stringify({ query: 'mutation($i: JSON) { runProject(projectId: "00000000-0000-4000-8000-000000000000", inputs: $i) { __typename ... on Problem { code message } } }', variables: { i: 0 } }).replace('"i":0', `"i":${nested(40_000, '{"a":', '}', '1')}`) },
      { label: 'nested JSON answer for the open task', body: JSON.stringify({ query: 'mutation($id: ID!, $a: JSON!) { answerHumanTask(id: $id, answer: $a) { __typename ... on Problem { code message } } }', variables: { id: taskId, a: 0 } }).replace('"a":0', `"a":${nested(40_000, '[', ']')}`) },
      { label: 'nested JSON mocks for createTestConfig', body: JSON.stringify({ query: 'mutation($p: ID!, $m: JSON!) { createTestConfig(projectId: $p, name: "n", mocks: $m) { __typename ... on Problem { code message } } }', variables: { p: projectId, m: 0 } }).replace('"m":0', `"m":${nested(40_000, '{"a":', '}', '1')}`) },
      { label: '5,000 aliases', body: JSON.stringify({ query: `{ ${Array.from({ length: 5_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }) },
      { label: '3,000 directives', body: JSON.stringify({ query: `{ __typename ${'@skip(if: false) '.repeat(3_000)}}` }) },
      { label: 'NUL in a literal', body: JSON.stringify({ query: `mutation { createProject(name: "a\\u0000b") { __typename } }` }) },
      { label: 'NUL in a variable', body: JSON.stringify({ query: 'mutation($c: String) { createProject(name: "n", code: $c) { __typename } }', variables: { c: 'a\u0000b' } }) },
      { label: 'NUL in a form answer', body: JSON.stringify({ query: 'mutation($id: ID!, $a: JSON!) { answerHumanTask(id: $id, answer: $a) { __typename } }', variables: { id: taskId, a: { reply: 'ok\u0000' } } }) },
      { label: 'NUL in a JSON key', body: JSON.stringify({ query: 'mutation($id: ID!, $a: JSON!) { answerHumanTask(id: $id, answer: $a) { __typename } }', variables: { id: taskId, a: { 'reply\u0000': 'ok' } } }) },
    ];
    await sendAll('size and depth', cases);
  });

  it('closes malformed graphql-ws conversations with a protocol close code and keeps serving', async () => {
    const wsUrl = url().replace(/^http/, 'ws');
    type Step = string | Buffer;
    const scripts: { label: string; protocol?: string; steps: Step[]; expect: (number | string)[] }[] = [
      { label: 'garbage text first', steps: ['hello'], expect: [4400] },
      { label: 'binary first', steps: [Buffer.from([0, 1, 2, 255])], expect: [4400, 1003] },
      { label: 'JSON that is not a message', steps: ['[1,2,3]'], expect: [4400] },
      { label: 'unknown message type', steps: ['{"type":"shout"}'], expect: [4400] },
      { label: 'subscribe before connection_init', steps: ['{"id":"1","type":"subscribe","payload":{"query":"{ __typename }"}}'], expect: [4401] },
      { label: 'connection_init twice', steps: ['{"type":"connection_init"}', '{"type":"connection_init"}'], expect: [4429] },
      { label: 'connection_init with a string payload', steps: ['{"type":"connection_init","payload":"x"}'], expect: [4400] },
      { label: 'duplicate subscription ids', steps: ['{"type":"connection_init"}', `{"id":"a","type":"subscribe","payload":{"query":"subscription { executionsFeed { seq } }"}}`, `{"id":"a","type":"subscribe","payload":{"query":"subscription { executionsFeed { seq } }"}}`], expect: [4409] },
      { label: 'subscribe without id', steps: ['{"type":"connection_init"}', '{"type":"subscribe","payload":{"query":"{ __typename }"}}'], expect: [4400] },
      { label: 'subscribe with a number query', steps: ['{"type":"connection_init"}', '{"id":"q","type":"subscribe","payload":{"query":5}}'], expect: [4400] },
      { label: 'subscribe with variables a string', steps: ['{"type":"connection_init"}', '{"id":"q","type":"subscribe","payload":{"query":"{ __typename }","variables":"x"}}'], expect: [4400] },
      { label: 'garbage after init', steps: ['{"type":"connection_init"}', '}{'], expect: [4400] },
      { label: 'binary after init', steps: ['{"type":"connection_init"}', Buffer.from('{"type":"ping"}\u0000\u00ff')], expect: [4400, 1003, 1007] },
      { label: 'server-only message from a client', steps: ['{"type":"connection_init"}', '{"id":"1","type":"next","payload":{}}'], expect: [4400] },
      { label: 'frame over MAX_REQUEST_BYTES', steps: ['{"type":"connection_init"}', JSON.stringify({ id: 'big', type: 'subscribe', payload: { query: `{ __typename } # ${'z'.repeat(maxRequestBytes * 2)}` } })], expect: [1009] },
      { label: 'no subprotocol', protocol: '', steps: ['{"type":"connection_init"}'], expect: [4406] },
      // The server does not select an unknown subprotocol, so the client itself gives up the handshake.
      { label: 'unknown subprotocol', protocol: 'chat', steps: ['{"type":"connection_init"}'], expect: ['handshake refused'] },
    ];
    for (let i = 0; i < 25; i++) {
      const message = JSON.stringify({ type: 'connection_init' });
      const at = rng.int(message.length);
      const mutated = message.slice(0, at) + rng.pick(['"', '{', '}', ':', '\u0000', 'x']) + message.slice(at + 1);
      if (mutated !== message) scripts.push({ label: `mutated connection_init #${i}: ${mutated}`, steps: [mutated], expect: [4400] });
    }
    const failures: { label: string; closed: number | string }[] = [];
    const codes: Record<number, number> = {};
    for (const script of scripts) {
      const closed = await new Promise<number | string>((resolve) => {
        const socket = script.protocol === '' ? new WebSocket(wsUrl) : new WebSocket(wsUrl, script.protocol ?? 'graphql-transport-ws');
        const timer = setTimeout(() => { socket.terminate(); resolve('no close within 10 s'); }, 10_000);
        const [first, ...rest] = script.steps;
        const waitForAck = first === '{"type":"connection_init"}' && rest.length > 0;
        socket.on('open', () => { for (const step of waitForAck ? [first!] : script.steps) socket.send(step); });
        socket.on('message', (data) => {
          if (waitForAck && (JSON.parse(String(data)) as { type?: string }).type === 'connection_ack') for (const step of rest) socket.send(step);
        });
        socket.on('close', (code) => { clearTimeout(timer); resolve(code); });
        socket.on('error', (error) => {
          if (error.message === 'Server sent no subprotocol') { clearTimeout(timer); resolve('handshake refused'); }
        });
        // A refused handshake: the upgrade is answered with an HTTP status instead.
        socket.on('unexpected-response', (_request, response) => { clearTimeout(timer); resolve(response.statusCode ?? 0); });
      });
      if (typeof closed === 'number') codes[closed] = (codes[closed] ?? 0) + 1;
      if (!script.expect.includes(closed)) failures.push({ label: `${script.label} (expected ${script.expect.join(' or ')})`, closed });
    }
    tally['graphql-ws close codes'] = codes;
    await assertAlive('graphql-ws');
    expect(failures).toEqual([]);
  });

  it('answers bad operations on a live graphql-ws connection with coded errors, then serves a good one', async () => {
    const socket = new WebSocket(url().replace(/^http/, 'ws'), 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as (typeof messages)[number]));
    const closeInfo: unknown[] = [];
    socket.on('close', (code, reason) => closeInfo.push(code, String(reason)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    for (let wait = 0; wait < 100 && !messages.some((m) => m.type === 'connection_ack'); wait++) await new Promise((r) => setTimeout(r, 50));
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const operation = rng.pick(spaOperations.filter((op) => op.text.startsWith('subscription')));
      const query = mutateDocument(rng, operation.text);
      ids.push(`bad${i}`);
      socket.send(JSON.stringify({ id: `bad${i}`, type: 'subscribe', payload: { query, variables: objectOf(badVariables(rng)) } }));
    }
    socket.send(JSON.stringify({ id: 'good', type: 'subscribe', payload: { query: '{ projects(first: 1) { totalCount } }' } }));
    const deadline = Date.now() + 5_000; // a mutation may leave a valid live subscription that never ends
    const settled = () => ids.every((id) => messages.some((m) => m.id === id && (m.type === 'error' || m.type === 'complete' || m.type === 'next')));
    while (!(settled() && messages.some((m) => m.id === 'good' && m.type === 'complete')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect({ readyState: socket.readyState, closeInfo }).toEqual({ readyState: WebSocket.OPEN, closeInfo: [] });
    const uncoded = messages.filter((m) => m.type === 'error').flatMap((m) => (m.payload as GraphQLErrorBody['errors']) ?? []).filter((e) => typeof e.extensions?.code !== 'string');
    const nextErrors = messages.filter((m) => m.type === 'next').flatMap((m) => (m.payload as GraphQLErrorBody).errors ?? []).filter((e) => typeof e.extensions?.code !== 'string');
    expect([...uncoded, ...nextErrors]).toEqual([]);
    expect(messages.find((m) => m.id === 'good' && m.type === 'next')?.payload).toMatchObject({ data: { projects: { totalCount: expect.any(Number) } } });
    // Subscriptions a mutation left valid are still running: stop them all.
    for (const id of ids) socket.send(JSON.stringify({ id, type: 'complete' }));
    socket.close(1000);
    await assertAlive('graphql-ws operations');
  });

  it('answers malformed SSE requests with coded errors and ends the stream', async () => {
    const cases: HttpCase[] = [];
    const sse = { accept: 'text/event-stream' };
    const subscriptions = spaOperations.filter((op) => op.text.startsWith('subscription'));
    for (let i = 0; i < 30; i++) {
      const operation = rng.pick(subscriptions);
      cases.push({ label: `mutated ${operation.name} #${i}`, headers: sse, body: JSON.stringify({ query: mutateDocument(rng, operation.text), variables: badVariables(rng) }) });
    }
    cases.push(
      { label: 'not an execution id', headers: sse, body: JSON.stringify({ query: 'subscription { executionEvents(executionId: "5") { seq } }' }) },
      { label: 'afterSeq a string', headers: sse, body: JSON.stringify({ query: 'subscription($a: Int) { executionEvents(executionId: "00000000-0000-4000-8000-000000000000", afterSeq: $a) { seq } }', variables: { a: 'x' } }) },
      { label: 'truncated JSON', headers: sse, body: '{"query":"subscription { execu' },
      { label: 'GET without CSRF header', method: 'GET', headers: sse, query: 'query=subscription%7BexecutionsFeed%7Bseq%7D%7D' },
      { label: 'PUT (single-connection reservation)', method: 'PUT', headers: sse },
      { label: 'event stream with a token header and no body', headers: { ...sse, 'x-graphql-event-stream-token': 'nope' }, body: '' },
      { label: 'over MAX_REQUEST_BYTES', headers: sse, body: JSON.stringify({ query: 'subscription { executionsFeed { seq } }', variables: { pad: 'x'.repeat(maxRequestBytes) } }) },
      { label: 'over MAX_REQUEST_BYTES, chunked', headers: sse, chunked: true, body: JSON.stringify({ query: 'subscription { executionsFeed { seq } }', variables: { pad: 'x'.repeat(maxRequestBytes) } }) },
    );
    tally.sse = {};
    const failures: { label: string; problem: string }[] = [];
    for (const request of cases) {
      const url_ = request.query === undefined ? url() : `${url()}?${request.query}`;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 3_000);
      const response = await fetch(url_, { method: request.method ?? 'POST', headers: { 'content-type': 'application/json', ...request.headers }, body: request.body === undefined ? undefined : request.chunked ? chunkedBody(request.body) : request.body, signal: controller.signal, ...(request.chunked ? { duplex: 'half' } : {}) } as RequestInit);
      tally.sse[response.status] = (tally.sse[response.status] ?? 0) + 1;
      const text = await response.text().catch(() => 'still streaming');
      clearTimeout(timer);
      if (response.status >= 500) failures.push({ label: request.label, problem: `status ${response.status}` });
      else if (text === 'still streaming') {
        // A mutation may leave a valid subscription: it streams until we hang up. Fine.
      } else if (response.headers.get('content-type')?.includes('text/event-stream')) {
        const payloads = [...text.matchAll(/^event: next\ndata: (.*)$/gm)].map((match) => JSON.parse(match[1]!) as GraphQLErrorBody);
        const errors = payloads.flatMap((payload) => payload.errors ?? []);
        if (errors.length === 0 || errors.some((error) => typeof error.extensions?.code !== 'string')) failures.push({ label: request.label, problem: text.slice(0, 300) });
        if (!/^event: complete$/m.test(text)) failures.push({ label: request.label, problem: 'stream did not complete' });
      } else {
        const problems = problemsWithAnswer({ status: response.status, contentType: response.headers.get('content-type') ?? '', text }, maxEchoBytes);
        if (problems.length > 0) failures.push({ label: request.label, problem: problems.join('; ') });
      }
    }
    await assertAlive('sse');
    expect(failures).toEqual([]);
  });

  it('refuses invalid answers to an open form and leaves it open', async () => {
    const invalidValue = () => rng.pick<unknown>([5, -1, 1e308, true, [], {}, ['warm'], 'loud', '', null, { nested: { deep: [1] } }, 'x'.repeat(5_000)]);
    const answers: unknown[] = ['a string', 12, null, true, [], [{ reply: 'hi' }], { tone: 'loud' }, { decision: 'maybe' }, { reply: 5 }, { reply: ['a'] }, { reply: { text: 'hi' } }, { unknownField: 1 }, { reply: 'ok', decision: 'approve', extra: true }];
    for (let i = 0; i < 40; i++) {
      const answer: Record<string, unknown> = {};
      for (const key of ['reply', 'tone', 'decision', 'customer']) if (rng.next() < 0.5) answer[key] = invalidValue();
      answer[rng.pick(['x', 'Reply', 'tone ', '__proto__x', 'decision_approved', ''])] = invalidValue();
      answers.push(answer);
    }
    const query = `mutation($id: ID!, $answer: JSON!, $by: String) {
      answerHumanTask(id: $id, answer: $answer, answeredBy: $by) { __typename ... on Problem { code message } ... on InvalidAnswer { problems { field message } } } }`;
    const cases: HttpCase[] = answers.map((answer, i) => ({ label: `answer #${i}: ${JSON.stringify(answer).slice(0, 100)}`, body: JSON.stringify({ query, variables: { id: taskId, answer, by: rng.pick([null, 'fuzzer', 5]) } }) }));
    cases.push(
      { label: 'answer missing', body: JSON.stringify({ query, variables: { id: taskId } }) },
      { label: 'id not a UUID', body: JSON.stringify({ query, variables: { id: 'task', answer: { reply: 'x' } } }) },
      { label: 'unknown task', body: JSON.stringify({ query, variables: { id: '00000000-0000-4000-8000-000000000000', answer: { reply: 'x' } } }) },
      { label: 'skip unknown task', body: JSON.stringify({ query: 'mutation { skipHumanTask(id: "00000000-0000-4000-8000-000000000000") { __typename ... on Problem { code message } } }' }) },
    );
    await sendAll('form answers', cases, (outcome) => {
      const problems = problemsWithAnswer(outcome, maxEchoBytes);
      const body = JSON.parse(outcome.text) as GraphQLErrorBody;
      const typename = (body.data?.answerHumanTask as { __typename?: string } | undefined)?.__typename;
      if (typename === 'HumanTask') problems.push('the answer was accepted');
      return problems;
    });
    const { humanTask } = await graphqlData(url(), `query($id: ID!) { humanTask(id: $id) { state } }`, { id: taskId });
    expect(humanTask.state).toBe('open');
  });

  it('reports invalid Weft as diagnostics, refuses to run it, and refuses bad project arguments', async () => {
    const example = await readExample('approval');
    const programs: string[] = ['}', '= = =', 'a = ', 'a = Nope {}', 'a = Text { value: }', 'a = Text { value: "x" }\na = Text { value: "y" }', 'a.b = c.d', 'x = Text { value: """ }', '\u0000', '😀 = Text {}', nested(2_000, '{', '}'), 'a = Text { value: "x" }\nb = Debug {}\nb.data = a.nothing'];
    for (let i = 0; i < 40; i++) programs.push(mutateDocument(rng, mutateDocument(rng, example)));
    const checkCases: HttpCase[] = programs.map((code, i) => ({ label: `checkWeft #${i}`, body: JSON.stringify({ query: 'query($c: String!) { checkWeft(code: $c) { ok diagnostics { message severity } } }', variables: { c: code } }) }));
    const invalidPrograms: string[] = [];
    await sendAll('checkWeft', checkCases, (outcome, request) => {
      if (outcome.status !== 200) return problemsWithAnswer(outcome, maxEchoBytes); // e.g. a NUL character: refused
      const check = (JSON.parse(outcome.text) as { data?: { checkWeft?: { ok: boolean; diagnostics: { message: string }[] } } }).data?.checkWeft;
      if (!check) return [`no checkWeft answer: ${outcome.text.slice(0, 200)}`];
      if (!check.ok) {
        if (check.diagnostics.length === 0 || check.diagnostics.some((d) => !d.message)) return ['not ok without a diagnostic message'];
        invalidPrograms.push(programs[Number(request.label.split('#')[1])]!);
      }
      return [];
    });
    expect(invalidPrograms.length).toBeGreaterThan(programs.length / 2);

    // Wrong arguments to the project mutations change nothing.
    const argumentCases: HttpCase[] = [
      { label: 'createProject without a name', body: JSON.stringify({ query: 'mutation { createProject(code: "a = Text {}") { __typename } }' }) },
      { label: 'createProject code a number', body: JSON.stringify({ query: 'mutation($c: String) { createProject(name: "n", code: $c) { __typename } }', variables: { c: 5 } }) },
      { label: 'createProject name an object', body: JSON.stringify({ query: 'mutation($n: String!) { createProject(name: $n) { __typename } }', variables: { n: { a: 1 } } }) },
      { label: 'createProject name a list', body: JSON.stringify({ query: 'mutation($n: String!) { createProject(name: $n) { __typename } }', variables: { n: ['a'] } }) },
      { label: 'updateProject id not a UUID', body: JSON.stringify({ query: 'mutation { updateProject(id: "p", code: "}") { __typename ... on Problem { code message } } }' }) },
      { label: 'updateProject unknown id', body: JSON.stringify({ query: 'mutation { updateProject(id: "00000000-0000-4000-8000-000000000000", code: "}") { __typename ... on Problem { code message } } }' }) },
      { label: 'updateProject code a list', body: JSON.stringify({ query: 'mutation($id: ID!, $c: String) { updateProject(id: $id, code: $c) { __typename } }', variables: { id: projectId, c: ['}'] } }) },
      { label: 'updateProject empty name', body: JSON.stringify({ query: 'mutation($id: ID!) { updateProject(id: $id, name: "") { __typename ... on Problem { code message } } }', variables: { id: projectId } }) },
      { label: 'createProject empty name', body: JSON.stringify({ query: 'mutation { createProject(name: "") { __typename ... on Problem { code message } } }' }) },
    ];
    await sendAll('project arguments', argumentCases);
    expect(await snapshot(url())).toBe(before);

    // By design, code that does not compile is saved (work in progress), but never runs.
    const scratch: string[] = [];
    for (const [i, code] of invalidPrograms.slice(0, 10).entries()) {
      const created = await graphqlData(url(), 'mutation($c: String!) { createProject(name: "fuzz scratch", code: $c) { ... on Project { id code } } }', { c: code });
      scratch.push(created.createProject.id);
      expect(created.createProject.code).toBe(code);
      const updated = await graphqlData(url(), 'mutation($id: ID!, $c: String!) { updateProject(id: $id, code: $c) { ... on Project { code } } }', { id: created.createProject.id, c: invalidPrograms[(i + 1) % invalidPrograms.length] });
      expect(updated.updateProject.code).toBe(invalidPrograms[(i + 1) % invalidPrograms.length]);
      const run = await graphqlData(url(), 'mutation($id: ID!) { runProject(projectId: $id) { __typename ... on Problem { code } } }', { id: created.createProject.id });
      expect(run.runProject.__typename).toBe('ProgramHasErrors');
    }
    for (const id of scratch) await graphqlData(url(), 'mutation($id: ID!) { deleteProject(id: $id) { __typename } }', { id });
    await assertAlive('weft');
  });

  it('answers malformed request lines, URLs, Host headers and oversized headers sent over a raw socket with 400, and keeps serving', async () => {
    const port = Number(new URL(platform.current.url).port);
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n';
    const cases: { label: string; bytes: string | Buffer; expect: number[] }[] = [
      { label: 'absolute-form URL with an invalid port', bytes: 'GET http://a:99999/ HTTP/1.1\r\nHost: x\r\n\r\n', expect: [400] },
      { label: 'absolute-form URL with an unclosed IPv6 host', bytes: 'GET http://[::1/graphql HTTP/1.1\r\nHost: localhost\r\n\r\n', expect: [400] },
      { label: 'absolute-form URL of another scheme', bytes: 'GET ftp://localhost/ HTTP/1.1\r\nHost: localhost\r\n\r\n', expect: [400] },
      { label: 'relative target', bytes: 'GET health HTTP/1.1\r\nHost: localhost\r\n\r\n', expect: [400] },
      { label: 'asterisk-form GET', bytes: 'GET * HTTP/1.1\r\nHost: localhost\r\n\r\n', expect: [400] },
      { label: 'bad percent-encoding in a webhook path', bytes: 'POST /webhooks/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', expect: [400] },
      { label: 'bad percent-encoding in /graphql', bytes: 'POST /graphql%zz HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', expect: [400] },
      { label: 'bad percent-encoding in an SPA path', bytes: 'GET /executions/%C0 HTTP/1.1\r\nHost: localhost\r\n\r\n', expect: [400] },
      { label: 'Host with an invalid port', bytes: 'GET /health HTTP/1.1\r\nHost: localhost:99999\r\n\r\n', expect: [400] },
      { label: 'Host with an unclosed IPv6 address', bytes: 'GET /health HTTP/1.1\r\nHost: [::1\r\n\r\n', expect: [400] },
      { label: 'Host with user info', bytes: 'GET /health HTTP/1.1\r\nHost: user@localhost\r\n\r\n', expect: [400] },
      { label: 'Host with a space', bytes: 'GET /health HTTP/1.1\r\nHost: local host\r\n\r\n', expect: [400] },
      { label: 'empty Host', bytes: 'GET /health HTTP/1.1\r\nHost: \r\n\r\n', expect: [400] },
      { label: 'no Host (HTTP/1.1)', bytes: 'GET /health HTTP/1.1\r\n\r\n', expect: [400] },
      { label: 'no Host (HTTP/1.0)', bytes: 'GET /health HTTP/1.0\r\n\r\n', expect: [400] },
      { label: 'oversized header', bytes: `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(70_000)}\r\n\r\n`, expect: [431, 400] },
      { label: 'oversized request line', bytes: `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`, expect: [431, 414, 400] },
      { label: 'garbage request line', bytes: 'HELLO\r\n\r\n', expect: [400] },
      { label: 'binary garbage', bytes: Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]), expect: [400] },
      { label: 'unknown HTTP version', bytes: 'GET / HTTP/9.9\r\nHost: localhost\r\n\r\n', expect: [400, 505] },
      { label: 'header without a colon', bytes: 'GET /health HTTP/1.1\r\nHost: localhost\r\nnonsense\r\n\r\n', expect: [400] },
      { label: 'content-length and chunked together', bytes: 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', expect: [400] },
      { label: 'WebSocket upgrade to an absolute-form URL with an invalid port', bytes: `GET http://a:99999/graphql HTTP/1.1\r\nHost: localhost\r\n${upgrade}\r\n`, expect: [400] },
      { label: 'WebSocket upgrade with bad percent-encoding', bytes: `GET /graphql%E0%A4%A HTTP/1.1\r\nHost: localhost\r\n${upgrade}\r\n`, expect: [400] },
      { label: 'WebSocket upgrade with a malformed Host', bytes: `GET /graphql HTTP/1.1\r\nHost: [::1\r\n${upgrade}\r\n`, expect: [400] },
      { label: 'WebSocket upgrade with a bad key', bytes: `GET /graphql HTTP/1.1\r\nHost: localhost\r\n${upgrade.replace('dGhlIHNhbXBsZSBub25jZQ==', '!!')}\r\n`, expect: [400] },
      { label: 'WebSocket upgrade of another path', bytes: `GET /%zz HTTP/1.1\r\nHost: localhost\r\n${upgrade}\r\n`, expect: [400] },
    ];
    const failures: { label: string; answer: number | string }[] = [];
    tally['raw requests'] = {};
    for (const rawCase of cases) {
      const answer = await sendRaw(port, rawCase.bytes);
      tally['raw requests']![answer] = (tally['raw requests']![answer] ?? 0) + 1;
      if (typeof answer !== 'number' || !rawCase.expect.includes(answer)) failures.push({ label: `${rawCase.label} (expected ${rawCase.expect.join(' or ')})`, answer });
      if (platform.current.process.exitCode !== null) {
        failures.push({ label: `${rawCase.label}: the server exited`, answer: platform.current.process.exitCode ?? 'signal' });
        break;
      }
    }
    expect(failures).toEqual([]);
    await assertAlive('raw requests');
    // restate-server is the platform's child: it answers as long as the platform did not die with it.
    const health = (await (await fetch(`${platform.current.url}/health`)).json()) as { restate: { ok: boolean } };
    expect(health.restate.ok).toBe(true);
    // A well-formed absolute-form request is served like its origin-form equivalent.
    expect(await sendRaw(port, `GET http://localhost:${port}/health HTTP/1.1\r\nHost: elsewhere\r\n\r\n`)).toBe(200);
  });

  it('changed no stored data and kept the server up throughout', async () => {
    const errorLines = platform.current.output().split('\n').filter((line) => line.includes('"level":"error"'));
    expect(errorLines.slice(0, 3)).toEqual([]);
    await assertAlive('end');
    expect(await snapshot(url())).toBe(before);
    if (process.env.FUZZ_REPORT) console.log(JSON.stringify({ seed, statuses: tally }));
  });
});

/** Writes bytes on a fresh TCP connection and returns the status of the first answer (or why there was none). */
function sendRaw(port: number, bytes: string | Buffer): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    const finish = (answer: number | string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(`no answer within 10 s: ${JSON.stringify(received.slice(0, 100))}`), 10_000);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (statusLine) finish(Number(statusLine[1]));
      else if (received.length > 12) finish(`not an HTTP answer: ${JSON.stringify(received.slice(0, 100))}`);
    });
    socket.on('error', (error) => finish(`connection failed: ${error.message}`));
    socket.on('close', () => finish(received ? `closed after ${JSON.stringify(received.slice(0, 100))}` : 'closed without an answer'));
  });
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A mutated document that still parses may run; queries are harmless, mutations are not accepted here. */
function isHarmlessQuery(request: HttpCase): boolean {
  const query = (JSON.parse(String(request.body)) as { query?: unknown }).query;
  return typeof query === 'string' && !/\bmutation\b/.test(query);
}
