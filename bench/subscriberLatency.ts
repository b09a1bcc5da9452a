/**
 * Commit-to-subscriber latency. Events are committed straight into the database a platform
 * process reads (each one statement that bumps lastSeq, stores the event and NOTIFYs, as the
 * platform's commit does; up to 8 in flight) at a fixed rate, while subscribers follow
 * `executionEvents` on the platform: graphql-ws clients each on their own WebSocket, as
 * browsers are, or GraphQL-over-SSE readers (each a connection of its own). Latency = receive
 * time minus the commit's return time (one machine, one clock).
 *
 * Scenarios: every subscriber on one execution (the worst case: each event goes to all),
 * and many subscribers spread over many executions, as dashboards are (10 per execution,
 * the events spread over the executions). Also: the RSS of the server and of
 * restate-server idle and at the end of each scenario, and memory per idle subscription.
 */
import { readFile } from 'node:fs/promises';
import http, { type ClientRequest } from 'node:http';
import path from 'node:path';
import { createClient as createWebSocketClient } from 'graphql-ws';
import WebSocket from 'ws';
import { openDatabase, type Database } from '../server/db/database';
import { commitExecutionChange, commitNewExecution } from '../server/events/record';
import { createLogger } from '../server/log';
import { commitEventDirectly } from '../test/support/directEvents';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform } from '../test/support/platform';
import { percentile, round } from './executionsPage';

type Transport = 'graphql-ws' | 'sse';

interface Scenario {
  transport: Transport;
  subscribers: number;
  /** How many executions the subscribers (and the events) are spread over. */
  executions: number;
  eventsPerSecond: number;
  seconds: number;
}

interface ScenarioResult extends Scenario {
  events: number;
  achievedEventsPerSecond: number;
  delivered: number;
  expected: number;
  /** Subscriptions the server refused or the client could not open. */
  failedSubscriptions: number;
  /** Why they failed, with how often. */
  failureReasons: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  rssMb: { server: number; restate: number };
  /** Share of one core used from the first commit until the last delivery: which side ran out. */
  cpuPercent: { server: number; benchProcess: number };
}

export interface SubscriberLatencyResult {
  idleRssMb: { server: number; restate: number };
  runs: ScenarioResult[];
  idleSubscriptionKb: number;
  platformCommitsPerSecond: number;
}

const subscribeQuery = `subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }`;
const socketsPerClientBatch = 200;
const subscriptionFailures = new Map<string, number>();

/**
 * SUBSCRIBER_LATENCY_SCENARIOS=graphql-ws:1000x1@100,sse:100x1@100 runs only those
 * (transport:subscribers x executions @ events per second), to measure one case while changing it.
 */
function chosenScenarios(spec: string, seconds: number): Scenario[] {
  return spec.split(',').map((item) => {
    const match = /^(graphql-ws|sse):(\d+)x(\d+)@(\d+)$/.exec(item.trim());
    if (!match) throw new Error(`SUBSCRIBER_LATENCY_SCENARIOS: "${item}" is not transport:subscribersxexecutions@eventsPerSecond`);
    return { transport: match[1] as Transport, subscribers: Number(match[2]), executions: Number(match[3]), eventsPerSecond: Number(match[4]), seconds };
  });
}

function scenarios(quick: boolean): Scenario[] {
  const seconds = quick ? 2 : 5;
  if (process.env.SUBSCRIBER_LATENCY_SCENARIOS) return chosenScenarios(process.env.SUBSCRIBER_LATENCY_SCENARIOS, seconds);
  if (quick) {
    return [
      { transport: 'graphql-ws', subscribers: 1, executions: 1, eventsPerSecond: 1_000, seconds },
      { transport: 'graphql-ws', subscribers: 100, executions: 1, eventsPerSecond: 100, seconds },
      { transport: 'sse', subscribers: 100, executions: 1, eventsPerSecond: 100, seconds },
      { transport: 'graphql-ws', subscribers: 1_000, executions: 100, eventsPerSecond: 100, seconds },
    ];
  }
  const rates = [100, 1_000];
  const transports: Transport[] = ['graphql-ws', 'sse'];
  const messagesPerSecond = (scenario: Scenario) => (scenario.subscribers / scenario.executions) * scenario.eventsPerSecond;
  return transports.flatMap((transport) =>
    [
      ...[1, 100, 1_000].flatMap((subscribers) => rates.map((eventsPerSecond) => ({ transport, subscribers, executions: 1, eventsPerSecond, seconds }))),
      // Dashboards: many subscribers, each following one of many executions.
      ...rates.map((eventsPerSecond) => ({ transport, subscribers: 10_000, executions: 1_000, eventsPerSecond, seconds })),
    ]
      // Lightest first: a saturated scenario leaves the next one a busier process.
      .sort((a, b) => messagesPerSecond(a) - messagesPerSecond(b)),
  );
}

export async function measureSubscriberLatency(quick: boolean): Promise<SubscriberLatencyResult | { skipped: string }> {
  if (!process.env.DATABASE_URL) return { skipped: 'needs DATABASE_URL: the bench commits events into the database the platform reads' };
  const testDatabase = await createTestDatabase();
  const dataDir = await makeDataDir();
  // 10,000 subscribers from one address, as one caller: above the default SUBSCRIPTIONS_PER_CALLER.
  // BENCH_SERVER_CPU_PROF_DIR=dir: each server process writes a V8 CPU profile there when it stops.
  const profileDir = process.env.BENCH_SERVER_CPU_PROF_DIR;
  const preload = path.join(import.meta.dirname, 'cpuProfilePreload.mjs');
  const profiling: Record<string, string> = profileDir
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(), BENCH_CPU_PROF_DIR: path.resolve(profileDir) }
    : {};
  const startServer = () => startPlatform({ dataDir, databaseUrl: testDatabase.url, env: { LOG_LEVEL: 'warn', SUBSCRIPTIONS_PER_CALLER: '20000', ...profiling } });
  const database = await openDatabase({ kind: 'server', url: testDatabase.url! }, createLogger('warn'));
  try {
    const project = await database.prisma.project.create({ data: { name: 'bench' } });
    const { idleRssMb, idleSubscriptionKb } = await withServer(startServer, async (platform) => ({
      idleRssMb: await processRss(platform),
      idleSubscriptionKb: await idleSubscriptionMemory(platform, database, project.id, quick ? 300 : 1_000),
    }));
    const runs: ScenarioResult[] = [];
    for (const scenario of scenarios(quick)) {
      // A fresh server process for each: a saturated scenario leaves a grown heap and a backlog
      // of writes behind, which would be measured as the next scenario's latency.
      const result = await withServer(startServer, (platform) => measureScenario(platform, database, project.id, scenario));
      console.log(`  ${describe(result)}`);
      runs.push(result);
    }
    return { idleRssMb, runs, idleSubscriptionKb, platformCommitsPerSecond: await platformCommitRate(database, project.id) };
  } finally {
    await database.close();
    await testDatabase.drop();
    await removeDataDir(dataDir);
  }
}

async function withServer<T>(start: () => Promise<RunningPlatform>, use: (platform: RunningPlatform) => Promise<T>): Promise<T> {
  const platform = await start();
  try {
    return await use(platform);
  } finally {
    await platform.stop();
  }
}

export function describe(run: ScenarioResult): string {
  const spread = run.executions > 1 ? ` over ${run.executions} executions` : ' on one execution';
  return `${run.subscribers} ${run.transport} subs${spread} @${run.achievedEventsPerSecond}/s: p50 ${run.latencyMs.p50} ms p99 ${run.latencyMs.p99} ms max ${run.latencyMs.max} ms` +
    (run.delivered < run.expected ? ` (only ${run.delivered} of ${run.expected} delivered in time)` : '') +
    (run.failedSubscriptions ? ` (${run.failedSubscriptions} subscriptions failed: ${JSON.stringify(run.failureReasons)})` : '') +
    `; RSS server ${run.rssMb.server} MB, restate ${run.rssMb.restate} MB; CPU server ${run.cpuPercent.server}%, bench (clients + commits) ${run.cpuPercent.benchProcess}%`;
}

interface Subscriber {
  /** Resolves true once live, false if the subscription failed. */
  subscribe(executionId: string, onSeq: (seq: number) => void): Promise<boolean>;
  close(): Promise<void>;
}

async function measureScenario(platform: RunningPlatform, database: Database, projectId: string, scenario: Scenario): Promise<ScenarioResult> {
  const executionIds: string[] = [];
  for (let i = 0; i < scenario.executions; i++) executionIds.push((await commitNewExecution(database.prisma, { projectId, status: 'running' })).id);
  // An event can reach a subscriber before this process has read its commit's answer: it is
  // counted as 0 ms once the answer comes. Indexed by seq, per execution: a thousand subscribers
  // of one execution look an event up a hundred thousand times a second.
  const committedAt = new Map(executionIds.map((id) => [id, [] as number[]]));
  const arrivedBeforeCommitAnswer = new Map(executionIds.map((id) => [id, [] as number[]]));
  const latencies: number[] = [];
  const recordLatency = (milliseconds: number) => {
    latencies.push(milliseconds);
    if (latencies.length === expected) allReceived();
  };
  const events = Math.round(scenario.eventsPerSecond * scenario.seconds);
  let expected = Infinity; // known once the subscriptions are open: events go round robin over the executions
  let allReceived!: () => void;
  const done = new Promise<void>((resolve) => (allReceived = resolve));

  const subscribers = await openSubscribers(platform, scenario.transport, scenario.subscribers);
  const subscribe = (subscriber: Subscriber, index: number) => {
    const executionId = executionIds[index % executionIds.length]!;
    const commits = committedAt.get(executionId)!;
    const early = arrivedBeforeCommitAnswer.get(executionId)!;
    return subscriber.subscribe(executionId, (seq) => {
      if (seq === 1) return; // the stored creation event
      const committed = commits[seq];
      if (committed === undefined) early[seq] = (early[seq] ?? 0) + 1;
      else recordLatency(performance.now() - committed);
    });
  };
  // In batches, like the connections: an SSE request connects only when it subscribes.
  const subscribed: boolean[] = [];
  for (let first = 0; first < subscribers.length; first += socketsPerClientBatch) {
    const batch = subscribers.slice(first, first + socketsPerClientBatch);
    subscribed.push(...(await Promise.all(batch.map((subscriber, offset) => subscribe(subscriber, first + offset)))));
  }
  const failedSubscriptions = subscribed.filter((live) => !live).length;
  const eventsOf = (execution: number) => Math.floor(events / executionIds.length) + (execution < events % executionIds.length ? 1 : 0);
  expected = subscribed.reduce((sum, live, index) => sum + (live ? eventsOf(index % executionIds.length) : 0), 0);

  // Measure the steady state: opening thousands of subscriptions leaves work (their storage
  // reads, garbage) that a dashboard pays once, not per event.
  await waitUntilIdle(platform.process.pid!);

  const payload = JSON.stringify({ kind: 'execution', execution: { status: 'running' } });
  const inFlight = new Set<Promise<void>>();
  const began = performance.now();
  const serverCpuBefore = await cpuMilliseconds(platform.process.pid!);
  const benchCpuBefore = process.cpuUsage();
  for (let i = 0; i < events; i++) {
    const wait = began + (i * 1000) / scenario.eventsPerSecond - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= 8) await Promise.race(inFlight);
    const executionId = executionIds[i % executionIds.length]!;
    const commit = commitEventDirectly(database, executionId, payload).then((seq) => {
      committedAt.get(executionId)![seq] = performance.now();
      for (let early = arrivedBeforeCommitAnswer.get(executionId)![seq] ?? 0; early > 0; early--) recordLatency(0);
    });
    inFlight.add(commit);
    void commit.finally(() => inFlight.delete(commit));
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - began;
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  const window = performance.now() - began;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const cpuPercent = {
    server: Math.round((100 * ((await cpuMilliseconds(platform.process.pid!)) - serverCpuBefore)) / window),
    benchProcess: Math.round((100 * (benchCpu.user + benchCpu.system)) / 1000 / window),
  };
  const rssMb = await processRss(platform);
  await Promise.all(subscribers.map((subscriber) => subscriber.close()));
  const failureReasons = Object.fromEntries(subscriptionFailures);
  subscriptionFailures.clear();
  latencies.sort((a, b) => a - b);
  return {
    ...scenario,
    events,
    achievedEventsPerSecond: Math.round((events * 1000) / elapsed),
    delivered: latencies.length,
    expected,
    failedSubscriptions,
    failureReasons,
    latencyMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN) },
    rssMb,
    cpuPercent,
  };
}

/** Subscribers, each with a connection of its own; opened in batches so the server is not flooded with handshakes. */
async function openSubscribers(platform: RunningPlatform, transport: Transport, count: number): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let opened = 0; opened < count; opened += socketsPerClientBatch) {
    const batch = Math.min(socketsPerClientBatch, count - opened);
    subscribers.push(...(await Promise.all(Array.from({ length: batch }, () => (transport === 'sse' ? sseSubscriber(platform) : webSocketSubscriber(platform))))));
  }
  return subscribers;
}

type Subscribe = (
  request: { query: string; variables: Record<string, unknown> },
  sink: { next(value: { data?: { executionEvents: { seq: number } } | null }): void; error(error: unknown): void; complete(): void },
) => unknown;

/** Follows one execution through a client's subscribe; resolves once the stored creation event arrived (the subscription is live). */
function followExecution(subscribe: Subscribe, executionId: string, onSeq: (seq: number) => void): Promise<boolean> {
  let live = false;
  return new Promise<boolean>((settle) => {
    subscribe(
      { query: subscribeQuery, variables: { id: executionId } },
      {
        next: ({ data }) => {
          const seq = data!.executionEvents.seq;
          if (seq === 1) settle((live = true));
          onSeq(seq);
        },
        error: (error) => {
          if (!live) countFailure(describeFailure(error));
          settle(false);
        },
        complete: () => undefined,
      },
    );
  });
}

function countFailure(reason: string): void {
  subscriptionFailures.set(reason, (subscriptionFailures.get(reason) ?? 0) + 1);
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return `${error.message}${error.cause ? ` (${String((error.cause as Error).message ?? error.cause)})` : ''}`;
  const close = error as { code?: number; reason?: string };
  return close.code ? `socket closed ${close.code} ${close.reason ?? ''}` : String(error);
}

async function webSocketSubscriber(platform: RunningPlatform): Promise<Subscriber> {
  const client = createWebSocketClient({ url: platform.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  await new Promise<void>((resolve) => client.on('connected', () => resolve()));
  return {
    subscribe: (executionId, onSeq) => followExecution((request, sink) => client.subscribe(request, sink as never), executionId, onSeq),
    close: async () => void (await client.dispose()),
  };
}

/**
 * A GraphQL-over-SSE reader on node:http: the request graphql-sse's client makes in its
 * distinct-connections mode (a POST with Accept: text/event-stream, a connection of its own),
 * its `event: next` frames parsed as they arrive. graphql-sse's client reads through fetch and
 * web streams, whose cost per message made this process, not the server, the limit at 1,000
 * readers (35–41 of the 100 events/s committed).
 */
async function sseSubscriber(platform: RunningPlatform): Promise<Subscriber> {
  let request: ClientRequest | undefined;
  const subscribe = (executionId: string, onSeq: (seq: number) => void) =>
    new Promise<boolean>((settle) => {
      let live = false;
      let failed = false;
      const fail = (reason: string) => {
        if (!live && !failed) countFailure(reason);
        failed = true;
        settle(false);
      };
      const body = JSON.stringify({ query: subscribeQuery, variables: { id: executionId } });
      request = http.request(platform.graphqlUrl, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'text/event-stream' } }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return fail(`HTTP ${response.statusCode}`);
        }
        response.setEncoding('utf8');
        let unread = '';
        response.on('data', (chunk: string) => {
          unread += chunk;
          for (let end = unread.indexOf('\n\n'); end !== -1; end = unread.indexOf('\n\n')) {
            const frame = unread.slice(0, end);
            unread = unread.slice(end + 2);
            if (!frame.startsWith('event: next\n')) continue;
            const result = JSON.parse(frame.slice(frame.indexOf('data: ') + 'data: '.length)) as { data?: { executionEvents: { seq: number } }; errors?: unknown };
            if (!result.data) return fail(JSON.stringify(result.errors));
            const seq = result.data.executionEvents.seq;
            if (seq === 1) settle((live = true));
            onSeq(seq);
          }
        });
        response.on('error', (error) => fail(describeFailure(error)));
        response.on('end', () => fail('stream ended'));
      });
      request.on('error', (error) => fail(describeFailure(error)));
      request.end(body);
    });
  return { subscribe, close: async () => void request?.destroy() };
}

/** Sequential node-run commits through the platform's own path, for comparison. */
async function platformCommitRate(database: Database, projectId: string): Promise<number> {
  const execution = await commitNewExecution(database.prisma, { projectId, status: 'running' });
  const count = 200;
  const began = performance.now();
  for (let i = 0; i < count; i++) {
    await commitExecutionChange(database.prisma, execution.id, {
      nodeRun: (tx, seq) => tx.nodeRun.create({ data: { executionId: execution.id, nodeId: `n${i}`, nodeType: 'Debug', status: 'completed', seq } }),
    });
  }
  return Math.round((count * 1000) / (performance.now() - began));
}

async function idleSubscriptionMemory(platform: RunningPlatform, database: Database, projectId: string, count: number): Promise<number> {
  const execution = await commitNewExecution(database.prisma, { projectId, status: 'running' });
  const before = await rssKb(platform.process.pid!);
  const subscribers = await openSubscribers(platform, 'graphql-ws', count);
  await Promise.all(subscribers.map((subscriber) => subscriber.subscribe(execution.id, () => undefined)));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const after = await rssKb(platform.process.pid!);
  await Promise.all(subscribers.map((subscriber) => subscriber.close()));
  return Math.round((after - before) / count);
}

/** RSS of the server process and of the restate-server it started (its pid file is in the data folder). */
async function processRss(platform: RunningPlatform): Promise<{ server: number; restate: number }> {
  const restatePid = Number(await readFile(path.join(platform.dataDir, 'restate', 'restate-server.pid'), 'utf8').catch(() => '0'));
  const toMb = (kb: number) => Math.round(kb / 1024);
  return { server: toMb(await rssKb(platform.process.pid!)), restate: restatePid ? toMb(await rssKb(restatePid)) : 0 };
}

/** Waits (at most two minutes) until the process uses under a fifth of a core. */
async function waitUntilIdle(pid: number): Promise<void> {
  for (let waited = 0; waited < 120; waited++) {
    const before = await cpuMilliseconds(pid);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if ((await cpuMilliseconds(pid)) - before < 200) return;
  }
}

/** CPU time a process has used (user + system). */
async function cpuMilliseconds(pid: number): Promise<number> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond; // utime + stime
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
}
