/**
 * `npm run bench` runs every benchmark and writes bench/results/<name>.json plus a
 * one-line summary each; `npm run bench -- --quick` is the short smoke variant and
 * `npm run bench -- --only executions-page,startup` runs the named ones.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measureClusterThroughput } from './clusterThroughput';
import { measureCompile } from './compile';
import { measureEditorFrames } from './editorFrames';
import { measureEditorTyping } from './editorTyping';
import { measureExecutionDetail } from './executionDetail';
import { measureExecutor } from './executor';
import { measureHealthUnderLoad } from './healthUnderLoad';
import { measurePythonNode, summarisePythonNode } from './pythonNode';
import { measureExecutionsPage } from './executionsPage';
import { measureSoak } from './soak';
import { measureStartup } from './startup';
import { describe as describeLatencyRun, measureSubscriberLatency } from './subscriberLatency';

const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : new Set(process.argv[onlyIndex + 1]?.split(','));
const resultsDirectory = path.join(import.meta.dirname, 'results');

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };

const typingLine = (r: any) =>
  `${r.nodes}-node project: keystroke frames p50/p95/max ${r.keystrokeFrames.p50Ms}/${r.keystrokeFrames.p95Ms}/${r.keystrokeFrames.maxMs} ms, ` +
  `${r.keystrokeFrames.overOneFrame} of ${r.keystrokeFrames.count} over one frame (16.7 ms); keydown to painted p50/p95/max ${r.keystrokes.p50Ms}/${r.keystrokes.p95Ms}/${r.keystrokes.maxMs} ms; ` +
  `${r.longTasks.count} long tasks (max ${r.longTasks.maxMs} ms), ${r.checkAnswers} checker answers, text ${r.textTyped ? 'typed' : 'NOT typed'}`;
const sign = (n: number) => `${n >= 0 ? '+' : ''}${n}`;

const benchmarks: { name: string; run: () => Promise<unknown>; summary: (result: any) => string }[] = [
  {
    name: 'compile',
    run: async () => measureCompile(5000, quick ? 3 : 9),
    summary: (r) => `compile: ${r.nodes} nodes (${r.lines} lines) in ${r.medianMs} ms median, ${r.bestMs} ms best, ${r.diagnostics} diagnostics`,
  },
  {
    name: 'executor',
    run: () => measureExecutor({ quick }),
    summary: (r) => {
      if (r.skipped) return `executor: skipped (${r.skipped})`;
      const titles: Record<string, string> = {
        msPerNode: `ms per node, ${r.chainNodes}-node chain`,
        endToEndMs: 'ms for a 10-node run end to end',
        runsPerSecond: `10-node runs per second, ${r.inFlight} in flight`,
      };
      const lines = Object.entries(r.figures as Record<string, Record<string, any>>).map(([figure, bySystem]) =>
        `  ${titles[figure]}:\n` +
        Object.entries(bySystem).map(([system, f]) =>
          `    ${system.padEnd(18)} ${String(f.value).padStart(8)}  ×floor ${String(f.vsFloor).padStart(6)}  ×DBOS ${String(f.vsDbos).padStart(6)}  ` +
          `CPU s/run server ${f.cpuSecondsPerRun.server} restate ${f.cpuSecondsPerRun.restate} postgres ${f.cpuSecondsPerRun.postgres}  load ${f.load.min}–${f.load.max}  (rounds ${f.all.join(', ')})`).join('\n'));
      return `executor (${r.rounds} interleaved rounds; ratios are costs, > 1 is slower):\n${lines.join('\n')}`;
    },
  },
  {
    name: 'cluster-throughput',
    run: () => measureClusterThroughput(quick),
    summary: (r) =>
      r.skipped
        ? `cluster throughput: skipped (${r.skipped})`
        : `throughput of a ${r.program}: ${r.runs.map((run: any) => `${run.servers} server process${run.servers > 1 ? 'es' : ''} ${run.executionsPerSecond} executions/s (${run.executions} at once, ${run.failed} failed)`).join('; ')}`,
  },
  {
    name: 'python-node',
    run: () => measurePythonNode(quick),
    summary: summarisePythonNode,
  },
  {
    name: 'startup',
    run: measureStartup,
    summary: (r) =>
      `startup: cold ${r.coldStartMs} ms, warm ${r.warmStartMs} ms to /health 200; idle RSS ${r.idleRssMb.total} MB (server ${r.idleRssMb.server}, restate-server ${r.idleRssMb.restate}); ` +
      `npm start: cold with the first build ${r.npmStart.coldWithBuildMs} ms, built ${r.npmStart.builtMs} ms, warm ${r.npmStart.warmMs} ms`,
  },
  {
    name: 'executions-page',
    run: () => measureExecutionsPage(quick),
    summary: (r) =>
      r.skipped
        ? `executions page: skipped (${r.skipped})`
        : `executions page of 50 (project + status) at ${r.executions} rows: API keyset p50/p99 ${r.keysetMs.p50}/${r.keysetMs.p99} ms (row-value ${r.rowValueKeysetMs.p50}/${r.rowValueKeysetMs.p99} ms, Prisma cursor ${r.prismaCursorMs.p50}/${r.prismaCursorMs.p99} ms); OFFSET page ${r.offsetPage} ${r.offsetMs.p50}/${r.offsetMs.p99} ms (${r.offsetToKeysetP50}× the API's p50)`,
  },
  {
    name: 'execution-detail',
    run: () => measureExecutionDetail(quick),
    summary: (r) =>
      r.skipped
        ? `execution detail: skipped (${r.skipped})`
        : `one execution with ${r.nodeRuns} node runs over GraphQL: all of them p50/p99 ${r.everyNodeRunMs.p50}/${r.everyNodeRunMs.p99} ms; first page of 50 ${r.firstPageOf50Ms.p50}/${r.firstPageOf50Ms.p99} ms`,
  },
  {
    name: 'subscriber-latency',
    run: () => measureSubscriberLatency(quick),
    summary: (r) =>
      r.skipped
        ? `subscriber latency: skipped (${r.skipped})`
        : `commit-to-subscriber (idle RSS server ${r.idleRssMb.server} MB, restate ${r.idleRssMb.restate} MB):\n  ${r.runs.map(describeLatencyRun).join('\n  ')}\n  idle subscription ${r.idleSubscriptionKb} KB; platform commits ${r.platformCommitsPerSecond}/s on one execution`,
  },
  {
    name: 'editor-frames',
    run: measureEditorFrames,
    summary: (r) =>
      r.skipped
        ? `editor frames: skipped (${r.skipped})`
        : `editor frames, ${r.nodes} nodes under ${r.achievedEventsPerSecond} node events/s for ${r.commitSeconds} s: ${r.frames.fps} fps, frame p50/p99/max ${r.frames.p50Ms}/${r.frames.p99Ms}/${r.frames.maxMs} ms, ${r.frames.over50Ms} frames > 50 ms, ${r.longTasks.count} long tasks (${r.longTasks.totalMs} ms, max ${r.longTasks.maxMs}); settled ${r.settleMs} ms after the last commit; final state ${r.finalStateMatches ? 'matches' : 'DOES NOT match'}`,
  },
  {
    name: 'editor-typing',
    run: () => measureEditorTyping(quick),
    summary: (r) =>
      r.skipped
        ? `editor typing: skipped (${r.skipped})`
        : `editor typing, a key every ${r.keyDelayMs} ms (load ${r.load.toFixed(1)}): ${typingLine(r)}; floor, the same in a ${typingLine(r.floor)}`,
  },
  {
    name: 'health-under-load',
    run: () => measureHealthUnderLoad(quick),
    summary: (r) => {
      const graph = (g: any) => `graph of ${g.nodes} nodes (${g.codeBytes} bytes) ${g.graphNodes === null ? 'refused' : 'drawn'} in ${g.queryMs} ms, /health p99 ${g.health.p99Ms} ms, max ${g.health.maxMs} ms`;
      return `health under load (target < ${r.targetMs} ms): ${graph(r.graphOver)}; ${r.graphAtLimit ? graph(r.graphAtLimit) + '; ' : ''}` +
        `runProject of a ${r.expand.elements}-element expand ${r.expand.status} in ${r.expand.runMs} ms, /health p99 ${r.expand.health.p99Ms} ms, max ${r.expand.health.maxMs} ms`;
    },
  },
  {
    name: 'soak',
    run: () => measureSoak({ quick }),
    summary: (r) =>
      `soak (${r.database}, ${r.durationS} s, a run every ${r.runIntervalMs} ms, ${r.subscribers} subscribers): ${r.runsStarted} runs, ${r.runsNotCompleted} not completed; ` +
      `after ${r.warmUpS} s warm-up, last third vs first: server RSS floor ${sign(r.growthAfterWarmUp.rssFloorMb)} MB (samples ${r.serverRssMb.min}–${r.serverRssMb.max} MB), ` +
      `fds ${sign(r.growthAfterWarmUp.medianFds)}, active handles ${sign(r.growthAfterWarmUp.medianActiveHandles)}, restate-server RSS floor ${sign(r.growthAfterWarmUp.restateRssFloorMb)} MB: ` +
      `${r.judged ? (r.withinBound ? 'within' : 'OUTSIDE') : 'not judged (quick: too short), would be ' + (r.withinBound ? 'within' : 'outside')} the bound (server RSS < ${r.bound.rssGrowthMb} MB, fds and handles < ${r.bound.fdGrowth})`,
  },
];

await mkdir(resultsDirectory, { recursive: true });
const unknown = [...(only ?? [])].filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
if (unknown.length > 0) throw new Error(`No benchmark named ${unknown.join(', ')}; there are ${benchmarks.map((b) => b.name).join(', ')}`);
for (const benchmark of benchmarks.filter(({ name }) => !only || only.has(name))) {
  const result = await benchmark.run();
  const record = { benchmark: benchmark.name, date: new Date().toISOString(), quick, machine, result };
  await writeFile(path.join(resultsDirectory, `${benchmark.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(benchmark.summary(result));
}
