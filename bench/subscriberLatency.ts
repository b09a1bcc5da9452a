/**
 * Commit-to-subscriber latency. Events are committed straight into the database a platform
 * process reads (each one statement that bumps lastSeq, stores the event and NOTIFYs, as the
 * platform's commit does; up to 8 in flight) at a fixed rate, while subscribers follow
 * `executionEvents` on the platform: graphql-ws clients each on their own WebSocket, as
 * browsers are, or GraphQL-over-SSE clients. Latency = receive time minus the commit's
 * return time (one machine, one clock).
 *
 * Scenarios: every subscriber on one execution (the worst case: each event goes to all),
 * and many subscribers spread over many executions, as dashboards are (10 per execution,
 * the events spread over the executions). Also: the RSS of the server and of
 * restate-server idle and at the end of each scenario, and memory per idle subscription.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
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
  latencyMs: { p50: number; p99: number; max: number };
  rssMb: { server: number; restate: number };
}

export interface SubscriberLatencyResult {
  idleRssMb: { server: number; restate: number };
  runs: ScenarioResult[];
  idleSubscriptionKb: number;
  platformCommitsPerSecond: number;
}

const subscribeQuery = `subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }`;
const socketsPerClientBatch = 200;

function scenarios(quick: boolean): Scenario[] {
  const seconds = quick ? 2 : 5;
  if (quick) {
    return [
      { transport: 'graphql-ws', subscribers: 1, executions: 1, eventsPerSecond: 1_000, seconds },
      { transport: 'graphql-ws', subscribers: 100, executions: 1, eventsPerSecond: 100, seconds },
      { transport: 'sse', subscribers: 100, executions: 1, eventsPerSecond: 100, seconds },
      { transport: 'graphql-ws', subscribers: 1_000, executions: 100, eventsPerSecond: 100, seconds },
    ];
  }
  const onOne = [1, 100, 1_000].flatMap((subscribers) =>
    [100, 1_000].map((eventsPerSecond) => ({ transport: 'graphql-ws' as const, subscribers, executions: 1, eventsPerSecond, seconds })),
  );
  return [
    ...onOne,
    { transport: 'sse', subscribers: 1, executions: 1, eventsPerSecond: 1_000, seconds },
    { transport: 'sse', subscribers: 100, executions: 1, eventsPerSecond: 100, seconds },
    { transport: 'graphql-ws', subscribers: 10_000, executions: 1_000, eventsPerSecond: 100, seconds },
    { transport: 'graphql-ws', subscribers: 10_000, executions: 1_000, eventsPerSecond: 1_000, seconds },
  ];
}

export async function measureSubscriberLatency(quick: boolean): Promise<SubscriberLatencyResult | { skipped: string }> {
  if (!process.env.DATABASE_URL) return { skipped: 'needs DATABASE_URL: the bench commits events into the database the platform reads' };
  const testDatabase = await createTestDatabase();
  const dataDir = await makeDataDir();
  const platform = await startPlatform({ dataDir, databaseUrl: testDatabase.url, env: { LOG_LEVEL: 'warn' } });
  const database = await openDatabase({ kind: 'server', url: testDatabase.url! }, createLogger('warn'));
  try {
    const project = await database.prisma.project.create({ data: { name: 'bench' } });
    const idleRssMb = await processRss(platform);
    // Before the scenarios: afterwards the process keeps the memory they grew, and a few
    // hundred more sockets would fit in it unseen.
    const idleSubscriptionKb = await idleSubscriptionMemory(platform, database, project.id, quick ? 300 : 1_000);
    const runs: ScenarioResult[] = [];
    for (const scenario of scenarios(quick)) {
      const result = await measureScenario(platform, database, project.id, scenario);
      console.log(`  ${describe(result)}`);
      runs.push(result);
    }
    return {
      idleRssMb,
      runs,
      idleSubscriptionKb,
      platformCommitsPerSecond: await platformCommitRate(database, project.id),
    };
  } finally {
    await database.close();
    await platform.stop();
    await testDatabase.drop();
    await removeDataDir(dataDir);
  }
}

export function describe(run: ScenarioResult): string {
  const spread = run.executions > 1 ? ` over ${run.executions} executions` : ' on one execution';
  return `${run.subscribers} ${run.transport} subs${spread} @${run.achievedEventsPerSecond}/s: p50 ${run.latencyMs.p50} ms p99 ${run.latencyMs.p99} ms max ${run.latencyMs.max} ms` +
    (run.delivered < run.expected ? ` (only ${run.delivered} of ${run.expected} delivered in time)` : '') +
    `; RSS server ${run.rssMb.server} MB, restate ${run.rssMb.restate} MB`;
}

interface Subscriber {
  subscribe(executionId: string, onSeq: (seq: number) => void): Promise<void>;
  close(): Promise<void>;
}

async function measureScenario(platform: RunningPlatform, database: Database, projectId: string, scenario: Scenario): Promise<ScenarioResult> {
  const executionIds: string[] = [];
  for (let i = 0; i < scenario.executions; i++) executionIds.push((await commitNewExecution(database.prisma, { projectId, status: 'running' })).id);
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const events = Math.round(scenario.eventsPerSecond * scenario.seconds);
  const perExecution = scenario.subscribers / scenario.executions;
  const expected = events * perExecution;
  let allReceived!: () => void;
  const done = new Promise<void>((resolve) => (allReceived = resolve));

  const subscribers = await openSubscribers(platform, scenario.transport, scenario.subscribers);
  await Promise.all(
    subscribers.map((subscriber, index) => {
      const executionId = executionIds[index % executionIds.length]!;
      return subscriber.subscribe(executionId, (seq) => {
        if (seq === 1) return; // the stored creation event
        latencies.push(performance.now() - committedAt.get(`${executionId}:${seq}`)!);
        if (latencies.length === expected) allReceived();
      });
    }),
  );

  const payload = JSON.stringify({ kind: 'execution', execution: { status: 'running' } });
  const inFlight = new Set<Promise<void>>();
  const began = performance.now();
  for (let i = 0; i < events; i++) {
    const wait = began + (i * 1000) / scenario.eventsPerSecond - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= 8) await Promise.race(inFlight);
    const executionId = executionIds[i % executionIds.length]!;
    const commit = commitEventDirectly(database, executionId, payload).then((seq) => void committedAt.set(`${executionId}:${seq}`, performance.now()));
    inFlight.add(commit);
    void commit.finally(() => inFlight.delete(commit));
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - began;
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  const rssMb = await processRss(platform);
  await Promise.all(subscribers.map((subscriber) => subscriber.close()));
  latencies.sort((a, b) => a - b);
  return {
    ...scenario,
    events,
    achievedEventsPerSecond: Math.round((events * 1000) / elapsed),
    delivered: latencies.length,
    expected,
    latencyMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN) },
    rssMb,
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
function followExecution(subscribe: Subscribe, executionId: string, onSeq: (seq: number) => void): Promise<void> {
  return new Promise<void>((live) => {
    subscribe(
      { query: subscribeQuery, variables: { id: executionId } },
      {
        next: ({ data }) => {
          const seq = data!.executionEvents.seq;
          if (seq === 1) live();
          onSeq(seq);
        },
        error: (error) => console.error('subscription failed', error),
        complete: () => undefined,
      },
    );
  });
}

async function webSocketSubscriber(platform: RunningPlatform): Promise<Subscriber> {
  const client = createWebSocketClient({ url: platform.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  await new Promise<void>((resolve) => client.on('connected', () => resolve()));
  return {
    subscribe: (executionId, onSeq) => followExecution((request, sink) => client.subscribe(request, sink as never), executionId, onSeq),
    close: async () => void (await client.dispose()),
  };
}

async function sseSubscriber(platform: RunningPlatform): Promise<Subscriber> {
  const client = createSseClient({ url: platform.graphqlUrl, singleConnection: false, retryAttempts: 0 });
  return {
    subscribe: (executionId, onSeq) => followExecution((request, sink) => client.subscribe(request, sink as never), executionId, onSeq),
    close: async () => client.dispose(),
  };
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

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
}
