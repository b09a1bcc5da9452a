/**
 * Executor overhead side by side, in one run and interleaved (issue 15): our executor on
 * PostgreSQL (DATABASE_URL) and on PGlite, the bare Restate floor (a tiny workflow of N
 * `ctx.run` steps served from this process and registered with the PostgreSQL platform's own
 * restate-server; also with one INSERT per step) and DBOS (durable steps in the same
 * PostgreSQL). For each: ms per node of a 100-node chain, a 10-node run end to end (for ours:
 * the runProject mutation until a subscriber sees `completed`; for the floor the ingress call
 * until its answer; for DBOS start until its result), and runs per second of the 10-node
 * program with 50 in flight (300 runs, 50 under way at every moment); CPU seconds per run of
 * the server, restate-server and PostgreSQL, and the load average while each figure was taken.
 * Each system is warmed up first (500 runs), as a server that has run a while.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DBOS } from '@dbos-inc/dbos-sdk';
import * as restate from '@restatedev/restate-sdk';
import getPort from 'get-port';
import pg from 'pg';
import { createLogger } from '../server/log';
import { registerDeployment, serveExecutorEndpoint } from '../server/restate/endpoint';
import { createProject, runProject } from '../test/support/executions';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform } from '../test/support/platform';
import { webSocketSubscriber } from '../test/support/subscriptions';

export function chainProgram(length: number): string {
  const lines = ['n0 = Text { value: "x" }'];
  for (let i = 1; i < length; i++) lines.push(`n${i} = Template(v: String) { template: "{{v}}." }`, `n${i}.v = n${i - 1}.${i === 1 ? 'value' : 'text'}`);
  return lines.join('\n');
}

export function fanOutProgram(width: number): string {
  const lines = ['source = Text { value: "x" }'];
  for (let i = 0; i < width; i++) lines.push(`leaf${i} = Template(v: String) { template: "{{v}}!" }`, `leaf${i}.v = source.value`);
  return lines.join('\n');
}

/** A list of `width` texts expanded into lanes (one Template run per lane), gathered into one Pack. */
export function expandGatherProgram(width: number): string {
  const items = Array.from({ length: width }, (_, i) => `"item ${i}"`).join(', ');
  return [
    `items = List { value: [${items}] }`,
    'each = Template(v: String) { template: "{{v}}!" }',
    'each.v = items.value',
    'all = Pack(texts: List[String])',
    'all.texts = each.text',
  ].join('\n');
}

type SystemName = 'oursPostgres' | 'oursPglite' | 'restateFloor' | 'restateFloorInsert' | 'dbos';

interface System {
  name: SystemName;
  /** Runs the chain program of `nodes` steps once; resolves when it has ended (for ours: seen completed by a subscriber). */
  run(nodes: number): Promise<void>;
  /** CPU seconds so far of the process running the workflow code, of restate-server and of the PostgreSQL backends. */
  cpu(): Promise<{ server: number; restate: number; postgres: number }>;
}

const ticks = 100; // USER_HZ on Linux
async function processCpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks; // utime + stime
  } catch {
    return 0;
  }
}

/** CPU of the backends of one database on the PostgreSQL server (the bench runs on the same machine). */
function postgresBackends(serverUrl: string, database: string) {
  const seen = new Map<number, number>();
  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    await client.end();
    for (const { pid } of rows) seen.set(pid, Math.max(seen.get(pid) ?? 0, await processCpuSeconds(pid)));
    return [...seen.values()].reduce((a, b) => a + b, 0);
  };
}

const bareCpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function ourSystem(name: SystemName, platform: RunningPlatform, databaseUrl: string | undefined): Promise<System & { restateDirectory: string }> {
  const url = platform.graphqlUrl;
  const restateDirectory = path.join(platform.dataDir, 'restate');
  const restatePid = Number(await readFile(path.join(restateDirectory, 'restate-server.pid'), 'utf8'));
  const subscriber = webSocketSubscriber(url);
  const projects = new Map<number, string>();
  const postgres = databaseUrl ? postgresBackends(process.env.DATABASE_URL!, new URL(databaseUrl).pathname.slice(1)) : async () => 0;
  return {
    name,
    restateDirectory,
    run: async (nodes) => {
      if (!projects.has(nodes)) projects.set(nodes, await createProject(url, `chain${nodes}-${Math.random()}`, chainProgram(nodes)));
      const executionId = await runProject(url, projects.get(nodes)!);
      const events = subscriber.subscribe<{ executionEvents: { execution: { status: string; error: string | null } } }>(
        'subscription ($id: ID!) { executionEvents(executionId: $id) { seq execution { status error } } }',
        { id: executionId },
      );
      const received = await events.until((all) => all.some((e) => ['completed', 'failed', 'cancelled'].includes(e.executionEvents.execution.status)), 600_000);
      events.stop();
      const last = received.at(-1)!.executionEvents.execution;
      if (last.status !== 'completed') throw new Error(`${name}: a benchmark run ended ${last.status}: ${last.error}`);
    },
    cpu: async () => ({ server: await processCpuSeconds(platform.process.pid), restate: await processCpuSeconds(restatePid), postgres: await postgres() }),
  };
}

/** The floor: a Restate workflow of N `ctx.run` steps, each returning a small text (with `insert`, one INSERT per step first). */
async function restateFloor(restateDirectory: string, serverUrl: string, databaseUrl: string) {
  const ports = JSON.parse(await readFile(path.join(restateDirectory, 'ports.json'), 'utf8')) as { ingress: number; admin: number };
  const restatePid = Number(await readFile(path.join(restateDirectory, 'restate-server.pid'), 'utf8'));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_floor_step (workflow_id text, step int, output text, PRIMARY KEY (workflow_id, step))');
  const floor = restate.workflow({
    name: 'BenchFloor',
    handlers: {
      run: async (ctx: restate.WorkflowContext, input: { steps: number; insert: boolean }) => {
        let text = 'x';
        for (let step = 0; step < input.steps; step++) {
          text = await ctx.run(`step ${step}`, async () => {
            const output = `${text}.`;
            if (input.insert) {
              await pool.query('INSERT INTO bench_floor_step (workflow_id, step, output) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [ctx.key, step, output]);
            }
            return output;
          });
        }
        return text.length - 1;
      },
    },
  });
  process.env.RESTATE_LOGGING ??= 'WARN'; // not a line per invocation from the SDK
  const log = createLogger('warn');
  const endpoint = await serveExecutorEndpoint({ services: [floor], port: await getPort({ host: '127.0.0.1' }), host: '127.0.0.1', identityKeys: [], log });
  await registerDeployment(`http://127.0.0.1:${ports.admin}`, endpoint.url, log);
  const postgres = postgresBackends(serverUrl, new URL(databaseUrl).pathname.slice(1));
  const system = (name: SystemName, insert: boolean): System => ({
    name,
    run: async (steps) => {
      const id = `${name}-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const response = await fetch(`http://127.0.0.1:${ports.ingress}/BenchFloor/${id}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ steps, insert }),
      });
      const body = await response.text();
      if (!response.ok || Number(body) !== steps) throw new Error(`${name}: HTTP ${response.status}: ${body}`);
    },
    cpu: async () => ({ server: bareCpu(), restate: await processCpuSeconds(restatePid), postgres: insert ? await postgres() : 0 }),
  });
  return {
    systems: [system('restateFloor', false), system('restateFloorInsert', true)],
    close: async () => {
      await endpoint.close();
      await pool.end();
    },
  };
}

/** DBOS: a workflow of N durable steps (`DBOS.runStep`), its system database on the same PostgreSQL. */
async function dbosSystem(serverUrl: string): Promise<{ system: System; close(): Promise<void> }> {
  const database = `weft_bench_dbos_${process.pid}`;
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  DBOS.setConfig({ name: 'weft-bench', systemDatabaseUrl: url.toString() });
  const chain = DBOS.registerWorkflow(
    async (steps: number) => {
      let text = 'x';
      for (let step = 0; step < steps; step++) {
        const previous = text;
        text = await DBOS.runStep(async () => `${previous}.`, { name: `step ${step}` });
      }
      return text.length - 1;
    },
    { name: 'benchChain' },
  );
  await DBOS.launch();
  const postgres = postgresBackends(serverUrl, database);
  return {
    system: {
      name: 'dbos',
      run: async (steps) => {
        const handle = await DBOS.startWorkflow(chain)(steps);
        if ((await handle.getResult()) !== steps) throw new Error('dbos: wrong result');
      },
      cpu: async () => ({ server: bareCpu(), restate: 0, postgres: await postgres() }),
    },
    close: async () => {
      await DBOS.shutdown();
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Samples the 1-minute load average every second; `window()` gives min/mean/max since `mark()`. */
function loadSampler() {
  const samples: { at: number; load: number }[] = [];
  const timer = setInterval(() => samples.push({ at: performance.now(), load: os.loadavg()[0]! }), 1000);
  timer.unref();
  return {
    window: (from: number) => {
      const loads = [...samples.filter((s) => s.at >= from).map((s) => s.load), os.loadavg()[0]!];
      return { min: round(Math.min(...loads)), mean: round(loads.reduce((a, b) => a + b, 0) / loads.length), max: round(Math.max(...loads)) };
    },
    stop: () => clearInterval(timer),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** Runs `run` `total` times with `inFlight` of them under way at every moment until the last have started. */
async function keepInFlight(inFlight: number, total: number, run: () => Promise<void>): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await run();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

interface Figure { value: number; load: { min: number; mean: number; max: number }; cpuSecondsPerRun: { server: number; restate: number; postgres: number } }

export async function measureExecutor(options: { quick: boolean }) {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { skipped: 'needs DATABASE_URL (a PostgreSQL server for ours, the floor\'s INSERTs and DBOS)' };
  const rounds = options.quick ? 1 : 3;
  const chainNodes = options.quick ? 30 : 100;
  const inFlight = options.quick ? 10 : 50;
  /** Runs per throughput figure: `inFlight` at all times until this many have ended (not one batch, whose last runs end alone). */
  const throughputRuns = inFlight * (options.quick ? 2 : 6);
  const dataDirs = [await makeDataDir(), await makeDataDir()];
  const database = await createTestDatabase();
  const cleanups: (() => Promise<void>)[] = [];
  const load = loadSampler();
  try {
    const postgresPlatform = await startPlatform({ dataDir: dataDirs[0]!, databaseUrl: database.url, env: { LOG_LEVEL: 'warn' } });
    cleanups.push(() => postgresPlatform.stop());
    const pglitePlatform = await startPlatform({ dataDir: dataDirs[1]!, env: { LOG_LEVEL: 'warn' } });
    cleanups.push(() => pglitePlatform.stop());
    const oursPostgres = await ourSystem('oursPostgres', postgresPlatform, database.url);
    const oursPglite = await ourSystem('oursPglite', pglitePlatform, undefined);
    const floor = await restateFloor(oursPostgres.restateDirectory, serverUrl, database.url!);
    cleanups.push(floor.close);
    const dbos = await dbosSystem(serverUrl);
    cleanups.push(dbos.close);
    const systems: System[] = [oursPostgres, oursPglite, ...floor.systems, dbos.system];

    // Warm-up, untimed: each system runs the figures' programs until their code is compiled and
    // optimised (the JIT), its connections open and plans made, as in a server that has run a while.
    const warmUpRuns = inFlight * (options.quick ? 1 : 10);
    for (const system of systems) {
      await system.run(chainNodes);
      await keepInFlight(inFlight, warmUpRuns, () => system.run(10));
    }

    const measure = async (system: System, body: () => Promise<number>, runs: number) => {
      const before = await system.cpu();
      const from = performance.now();
      const value = await body();
      const loadWindow = load.window(from);
      const after = await system.cpu();
      const perRun = (key: keyof typeof before) => round((after[key] - before[key]) / runs, 4);
      return { value, load: loadWindow, cpuSecondsPerRun: { server: perRun('server'), restate: perRun('restate'), postgres: perRun('postgres') } };
    };
    const samples: Record<string, Record<SystemName, Figure[]>> = { msPerNode: {} as never, endToEndMs: {} as never, runsPerSecond: {} as never };
    const add = (figure: string, system: System, value: Figure) => ((samples[figure]![system.name] ??= []).push(value));

    // Interleaved: each round runs every system once per figure, so a load spike hits them all alike.
    for (let round_ = 0; round_ < rounds; round_++) {
      for (const system of systems) {
        add('msPerNode', system, await measure(system, async () => {
          const began = performance.now();
          await system.run(chainNodes);
          return (performance.now() - began) / chainNodes;
        }, 1));
      }
      for (const system of systems) {
        const endToEnd = 5;
        const figure = await measure(system, async () => {
          const times: number[] = [];
          for (let i = 0; i < endToEnd; i++) {
            const began = performance.now();
            await system.run(10);
            times.push(performance.now() - began);
          }
          return median(times);
        }, endToEnd);
        add('endToEndMs', system, figure);
      }
      for (const system of systems) {
        add('runsPerSecond', system, await measure(system, async () => {
          const began = performance.now();
          await keepInFlight(inFlight, throughputRuns, () => system.run(10));
          return throughputRuns / ((performance.now() - began) / 1000);
        }, throughputRuns));
      }
    }

    const figures: Record<string, Record<string, unknown>> = {};
    for (const [figure, bySystem] of Object.entries(samples)) {
      const higherIsBetter = figure === 'runsPerSecond';
      const pick = (list: Figure[]) => [...list].sort((a, b) => a.value - b.value)[Math.floor(list.length / 2)]!;
      const chosen = Object.fromEntries(Object.entries(bySystem).map(([name, list]) => [name, pick(list)])) as Record<SystemName, Figure>;
      figures[figure] = Object.fromEntries(
        Object.entries(chosen).map(([name, f]) => [
          name,
          {
            value: round(f.value),
            // As a cost (>1 is worse): ours ÷ floor for times, floor ÷ ours for throughput.
            vsFloor: round(higherIsBetter ? chosen.restateFloor.value / f.value : f.value / chosen.restateFloor.value),
            vsDbos: round(higherIsBetter ? chosen.dbos.value / f.value : f.value / chosen.dbos.value),
            all: bySystem[name as SystemName].map((s) => round(s.value)),
            load: f.load,
            cpuSecondsPerRun: f.cpuSecondsPerRun,
          },
        ]),
      );
    }
    return { chainNodes, inFlight, rounds, loadAverage: os.loadavg().map((l) => round(l)), figures };
  } finally {
    load.stop();
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error('bench cleanup:', error));
    await database.drop();
    for (const dataDir of dataDirs) await removeDataDir(dataDir);
  }
}
