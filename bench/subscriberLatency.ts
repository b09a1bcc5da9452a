/**
 * Commit-to-subscriber latency: one execution commits events at 1,000 per second (each
 * one statement that bumps lastSeq, stores the event and NOTIFYs, as the platform's commit
 * does; up to 8 in flight, since the platform's own interactive transaction tops out at a
 * few hundred a second on one execution — `platformCommitsPerSecond`) while 1, 100 or 1,000
 * graphql-ws subscribers, each on its own WebSocket, follow executionEvents on another
 * platform process. Latency = the subscriber's receive time minus the commit's return
 * time (one machine, one clock). Also: the platform's RSS growth per idle subscription.
 */
import { readFile } from 'node:fs/promises';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openDatabase, type Database } from '../server/db/database';
import { commitExecutionChange, commitNewExecution, executionSnapshot } from '../server/events/record';
import { createLogger } from '../server/log';
import { commitEventDirectly } from '../test/support/directEvents';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform } from '../test/support/platform';
import { percentile, round } from './executionsPage';

const eventsPerSecond = 1_000;

export interface SubscriberLatencyResult {
  runs: { subscribers: number; events: number; achievedEventsPerSecond: number; latencyMs: { p50: number; p99: number; max: number } }[];
  idleSubscriptionKb: number;
  platformCommitsPerSecond: number;
}

export async function measureSubscriberLatency(quick: boolean): Promise<SubscriberLatencyResult | { skipped: string }> {
  if (!process.env.DATABASE_URL) return { skipped: 'needs DATABASE_URL: the bench commits events into the database the platform reads' };
  const testDatabase = await createTestDatabase();
  const dataDir = await makeDataDir();
  const platform = await startPlatform({ dataDir, databaseUrl: testDatabase.url, env: { LOG_LEVEL: 'warn' } });
  const database = await openDatabase({ kind: 'server', url: testDatabase.url! }, createLogger('warn'));
  try {
    const project = await database.prisma.project.create({ data: { name: 'bench' } });
    const runs = [];
    for (const subscribers of [1, 100, 1_000]) {
      runs.push(await measureRun(platform, database, project.id, subscribers, quick ? 1_000 : 5_000));
    }
    return {
      runs,
      idleSubscriptionKb: await idleSubscriptionMemory(platform, database, project.id, quick ? 300 : 1_000),
      platformCommitsPerSecond: await platformCommitRate(database, project.id),
    };
  } finally {
    await database.close();
    await platform.stop();
    await testDatabase.drop();
    await removeDataDir(dataDir);
  }
}

async function measureRun(platform: RunningPlatform, database: Database, projectId: string, subscribers: number, events: number) {
  const execution = await commitNewExecution(database.prisma, { projectId, status: 'running' });
  const clients = await connect(platform, subscribers);
  const committedAt = new Map<number, number>();
  const latencies: number[] = [];
  let remaining = subscribers * events;
  let allReceived!: () => void;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  const ready = clients.map(
    (client) =>
      new Promise<void>((resolve) => {
        client.subscribe<{ executionEvents: { seq: number } }>(
          { query: `subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }`, variables: { id: execution.id } },
          {
            next: ({ data }) => {
              const seq = data!.executionEvents.seq;
              if (seq === 1) return resolve(); // the stored creation event: the subscription is live
              latencies.push(performance.now() - committedAt.get(seq)!);
              if (--remaining === 0) allReceived();
            },
            error: (error) => console.error('subscription failed', error),
            complete: () => undefined,
          },
        );
      }),
  );
  await Promise.all(ready);
  const began = performance.now();
  const inFlight = new Set<Promise<void>>();
  const payload = JSON.stringify({ kind: 'execution', execution: executionSnapshot(execution) });
  for (let i = 0; i < events; i++) {
    const wait = began + (i * 1000) / eventsPerSecond - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= 8) await Promise.race(inFlight);
    const commit = commitEventDirectly(database, execution.id, payload).then((seq) => void committedAt.set(seq, performance.now()));
    inFlight.add(commit);
    void commit.finally(() => inFlight.delete(commit));
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - began;
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  await Promise.all(clients.map((client) => client.dispose()));
  latencies.sort((a, b) => a - b);
  return {
    subscribers,
    events,
    achievedEventsPerSecond: Math.round((events * 1000) / elapsed),
    latencyMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN) },
    received: latencies.length,
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

async function connect(platform: RunningPlatform, count: number): Promise<Client[]> {
  const url = platform.graphqlUrl.replace(/^http/, 'ws');
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      await new Promise<void>((resolve) => client.on('connected', () => resolve()));
      return client;
    }),
  );
}

async function idleSubscriptionMemory(platform: RunningPlatform, database: Database, projectId: string, count: number): Promise<number> {
  const execution = await commitNewExecution(database.prisma, { projectId, status: 'running' });
  const before = await rssKb(platform.process.pid!);
  const clients = await connect(platform, 10);
  let live = 0;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < count; i++) {
      clients[i % clients.length]!.subscribe(
        { query: `subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }`, variables: { id: execution.id } },
        { next: () => ++live === count && resolve(), error: () => undefined, complete: () => undefined },
      );
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const after = await rssKb(platform.process.pid!);
  await Promise.all(clients.map((client) => client.dispose()));
  return Math.round((after - before) / count);
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
}
