/**
 * Cost of ExecPython nodes (issue 15, target 4: ≤ 10 ms per node in a 10-node chain, sandboxed).
 *
 * - floors: a bare `python3 -I -c pass`, the same with the runner's imports, and the same in the
 *   bubblewrap sandbox (setpriv + bwrap + namespaces), each spawned from this process;
 * - one node `return {"total": a + b}` through runExecPython: sandboxed with its process started
 *   for the run (no pool), unsandboxed, and from the pool of warm sandboxes;
 * - a 10-node chain through runExecPython (each node's input the previous node's output), with and
 *   without the pool: ms per node;
 * - through the platform (a server process, PGlite, or PostgreSQL with DATABASE_URL): a 10-node
 *   ExecPython chain and a 10-node Template chain, runProject until a subscriber sees `completed`,
 *   interleaved: ms per node of each, and their difference (what ExecPython adds to a node).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { runExecPython } from '../server/nodes/code/execPython';
import { openSandboxPool, type SandboxPool } from '../server/nodes/code/pool';
import { sandboxedPython } from '../server/nodes/code/sandbox';
import { defaultNodeSettings } from '../server/nodes/settings';
import type { NodeRunContext } from '../server/nodes/definition';
import type { JsonValue } from '../server/weft/types';
import { createProject, runProject } from '../test/support/executions';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from '../test/support/platform';
import { webSocketSubscriber } from '../test/support/subscriptions';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;
const load = () => round(os.loadavg()[0]!);

async function timed(runs: number, once: () => Promise<unknown>, pauseMs = 0) {
  await once();
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  return { medianMs: round(median(times)), bestMs: round(Math.min(...times)) };
}

/** Spawns and waits, as runExecPython does (no execa: the same cost of starting a process). */
function exited(file: string, args: string[], env: Record<string, string>, cwd = '/tmp'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore', env, cwd });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`))));
  });
}

const settingsFor = (mode: 'bwrap' | 'off') => ({ ...defaultNodeSettings, pythonSandbox: { ...defaultNodeSettings.pythonSandbox, mode } });

function node(mode: 'bwrap' | 'off', inputs: Record<string, JsonValue> = { a: 19, b: 23 }, code = 'return {"total": a + b}'): NodeRunContext {
  return {
    nodeId: 'add',
    inputs,
    config: { code },
    outputs: [{ name: 'total', type: 'Number', optional: false }],
    settings: settingsFor(mode),
    signal: new AbortController().signal,
  };
}

/** Ten nodes in a row, each adding one to the previous node's total: ms per node. */
async function chainOfTen(): Promise<number> {
  const started = performance.now();
  let total: JsonValue = 0;
  for (let index = 0; index < 10; index += 1) {
    total = (await runExecPython(node('bwrap', { a: total, b: 1 }))).outputs.total!;
  }
  if (total !== 10) throw new Error(`the chain added up to ${total}`);
  return (performance.now() - started) / 10;
}

async function chainFigures(rounds: number, pool?: SandboxPool) {
  const perNode: number[] = [];
  for (let index = 0; index < rounds; index += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200)); // between runs, as between executions
    // With a pool: until it is full again, every sandbox started and waiting (on a busy machine that takes longer).
    for (let waited = 0; pool && pool.idleCount({ ready: true }) < pool.options.size && waited < 30_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    perNode.push(await chainOfTen());
  }
  return { msPerNodeMedian: round(median(perNode)), msPerNodeBest: round(Math.min(...perNode)), load: load() };
}

/** The same chain of Template nodes (as bench/executor.ts's): the executor's cost of a cheap node. */
function templateChainProgram(length: number): string {
  const lines = ['n0 = Text { value: "x" }'];
  for (let i = 1; i < length; i++) lines.push(`n${i} = Template(v: String) { template: "{{v}}." }`, `n${i}.v = n${i - 1}.${i === 1 ? 'value' : 'text'}`);
  return lines.join('\n');
}

function pythonChainProgram(length: number): string {
  const lines = ['n0 = ExecPython -> (v: Number) {', '  code: ```', 'return {"v": 0}', '  ```', '}'];
  for (let i = 1; i < length; i++) {
    lines.push(`n${i} = ExecPython(v: Number) -> (v: Number) {`, '  code: ```', 'return {"v": v + 1}', '  ```', '}', `n${i}.v = n${i - 1}.v`);
  }
  return lines.join('\n');
}

/** The two 10-node chains on one platform, interleaved, `rounds` runs each after a warm-up. */
async function platformFigures(rounds: number) {
  const dataDir = await makeDataDir();
  const database = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  const platform = await startPlatform({ dataDir, databaseUrl: database?.url, env: { LOG_LEVEL: 'warn' } });
  const subscriber = webSocketSubscriber(platform.graphqlUrl);
  try {
    const projects = {
      python: await createProject(platform.graphqlUrl, 'python chain', pythonChainProgram(10)),
      template: await createProject(platform.graphqlUrl, 'template chain', templateChainProgram(10)),
    };
    const runOnce = async (kind: keyof typeof projects) => {
      const started = performance.now();
      const executionId = await runProject(platform.graphqlUrl, projects[kind]);
      const events = subscriber.subscribe<{ executionEvents: { execution: { status: string; error: string | null } } }>(
        'subscription ($id: ID!) { executionEvents(executionId: $id) { seq execution { status error } } }',
        { id: executionId },
      );
      const received = await events.until((all) => all.some((e) => ['completed', 'failed', 'cancelled'].includes(e.executionEvents.execution.status)), 120_000);
      events.stop();
      const last = received.at(-1)!.executionEvents.execution;
      if (last.status !== 'completed') throw new Error(`the ${kind} chain ended ${last.status}: ${last.error}`);
      return performance.now() - started;
    };
    const times = { python: [] as number[], template: [] as number[] };
    const loads: number[] = [];
    for (let index = 0; index < rounds + 2; index += 1) {
      for (const kind of ['python', 'template'] as const) {
        const ms = await runOnce(kind);
        if (index >= 2) times[kind].push(ms); // two warm-up runs of each
      }
      loads.push(load());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const python = median(times.python) / 10;
    const template = median(times.template) / 10;
    return {
      database: database ? 'postgresql' : 'pglite',
      rounds,
      execPythonMsPerNode: round(python),
      templateMsPerNode: round(template),
      execPythonAddsMsPerNode: round(python - template),
      endToEndMs: { python: round(median(times.python)), template: round(median(times.template)) },
      load: { min: Math.min(...loads), max: Math.max(...loads) },
    };
  } finally {
    subscriber.close();
    await platform.stop();
    await database?.drop();
    await removeDataDir(dataDir);
  }
}

export async function measurePythonNode(quick: boolean) {
  const runs = quick ? 10 : 50;
  const binary = defaultNodeSettings.python.binary;
  const env = { PATH: '/usr/bin:/bin' };
  const sandbox = sandboxedPython(defaultNodeSettings);
  if (!sandbox.ok) throw new Error(sandbox.problem);
  const imports = 'import ast, json, keyword, linecache, os, resource, sys, traceback';
  const inSandbox = (args: string[]) => {
    const { file, args: full } = sandbox.command(args);
    return exited(file, full, sandbox.environment, sandbox.cwd);
  };
  const floors = {
    bareInterpreter: await timed(runs, () => exited(binary, ['-I', '-c', 'pass'], env)),
    interpreterWithRunnerImports: await timed(runs, () => exited(binary, ['-I', '-c', imports], env)),
    sandboxedInterpreter: await timed(runs, () => inSandbox(['-I', '-c', 'pass'])),
    sandboxedInterpreterWithRunnerImports: await timed(runs, () => inSandbox(['-I', '-c', imports])),
  };
  const loadBefore = load();
  const unpooled = {
    sandboxed: await timed(runs, () => runExecPython(node('bwrap'))),
    unsandboxed: await timed(runs, () => runExecPython(node('off'))),
    chainOfTen: await chainFigures(quick ? 3 : 10),
  };
  const pool = openSandboxPool({ size: defaultNodeSettings.pythonSandbox.poolSize, idleMs: 60_000 });
  let pooled;
  try {
    pooled = {
      poolSize: pool.options.size,
      // One run at a time with a pause between: a warm sandbox is there each time.
      sandboxed: await timed(runs, () => runExecPython(node('bwrap')), 60),
      chainOfTen: await chainFigures(quick ? 3 : 10, pool),
    };
  } finally {
    await pool.close();
  }
  const platform = await platformFigures(quick ? 3 : 10);
  return { python: binary, runs, load: { atStart: loadBefore, atEnd: load() }, floors, unpooled, pooled, platform };
}

type PythonNodeResult = Awaited<ReturnType<typeof measurePythonNode>>;

const figure = (f: { medianMs: number; bestMs: number }) => `${f.medianMs} ms (${f.bestMs} best)`;

export function summarisePythonNode(r: PythonNodeResult): string {
  const p = r.platform;
  return [
    `python node (${r.python}, ${r.runs} runs, load ${r.load.atStart}–${r.load.atEnd}), median (best):`,
    `  floors: python3 -I -c pass ${figure(r.floors.bareInterpreter)}, with the runner's imports ${figure(r.floors.interpreterWithRunnerImports)}; ` +
      `in the sandbox ${figure(r.floors.sandboxedInterpreter)}, with the imports ${figure(r.floors.sandboxedInterpreterWithRunnerImports)}`,
    `  one node, process started for the run: sandboxed ${figure(r.unpooled.sandboxed)}, unsandboxed ${figure(r.unpooled.unsandboxed)}; from the pool (size ${r.pooled.poolSize}): sandboxed ${figure(r.pooled.sandboxed)}`,
    `  10-node chain through runExecPython, ms per node: pool ${r.pooled.chainOfTen.msPerNodeMedian} (${r.pooled.chainOfTen.msPerNodeBest} best, load ${r.pooled.chainOfTen.load}), ` +
      `no pool ${r.unpooled.chainOfTen.msPerNodeMedian} (${r.unpooled.chainOfTen.msPerNodeBest}, load ${r.unpooled.chainOfTen.load})`,
    `  10-node chain through the platform (${p.database}, ${p.rounds} runs each, load ${p.load.min}–${p.load.max}), ms per node: ExecPython ${p.execPythonMsPerNode}, ` +
      `Template ${p.templateMsPerNode}, so ExecPython adds ${p.execPythonAddsMsPerNode} (end to end ${p.endToEndMs.python} / ${p.endToEndMs.template} ms)`,
  ].join('\n');
}
