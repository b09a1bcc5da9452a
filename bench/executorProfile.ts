/**
 * Where the server's CPU goes while it runs 100-node chains (issue 15): starts the platform with
 * the CPU profiler preloaded, runs the chain a few times, each watched by a subscriber, and prints
 * the functions with the most self time, grouped by package. DATABASE_URL: on PostgreSQL;
 * PROFILE_SQL=1 also gives the record statements' durations (LOG_SQL). Not part of `npm run bench`:
 *   DATABASE_URL=… /work/heavy npx tsx bench/executorProfile.ts
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createProject, runProject } from '../test/support/executions';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from '../test/support/platform';
import { webSocketSubscriber } from '../test/support/subscriptions';
import { chainProgram } from './executor';

const nodes = Number(process.env.PROFILE_NODES ?? 100);
const runs = Number(process.env.PROFILE_RUNS ?? 5);
/** Runs at once (PROFILE_IN_FLIGHT), as the throughput figure has 50 of 10 nodes. */
const inFlight = Number(process.env.PROFILE_IN_FLIGHT ?? 1);
/** Rounds left out of the profile (PROFILE_WARM_UP): the JIT has optimised the hot code by then. */
const warmUpRounds = Number(process.env.PROFILE_WARM_UP ?? 1);
const profileDir = await mkdtemp(path.join(os.tmpdir(), 'weft-prof-'));
const dataDir = await makeDataDir();
const database = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
const platform = await startPlatform({
  dataDir,
  databaseUrl: database?.url,
  env: { LOG_LEVEL: process.env.PROFILE_SQL ? 'info' : 'warn', ...(process.env.PROFILE_SQL ? { LOG_SQL: 'on' } : {}), BENCH_CPU_PROF_DIR: profileDir, NODE_OPTIONS: `--import ${path.join(import.meta.dirname, 'cpuProfilePreload.mjs')}` },
});
const subscriber = webSocketSubscriber(platform.graphqlUrl);
try {
  const projectId = await createProject(platform.graphqlUrl, 'profile', chainProgram(nodes));
  const runOnce = async () => {
    const executionId = await runProject(platform.graphqlUrl, projectId);
    const events = subscriber.subscribe<{ executionEvents: { execution: { status: string } } }>(
      'subscription ($id: ID!) { executionEvents(executionId: $id) { seq execution { status } } }',
      { id: executionId },
    );
    await events.until((all) => all.some((e) => e.executionEvents.execution.status === 'completed'), 120_000);
    events.stop();
  };
  for (let run = 0; run < runs; run++) {
    if (run === warmUpRounds) process.kill(platform.process.pid!, 'SIGUSR2'); // the profile leaves out start-up and the warm-up
    const began = performance.now();
    await Promise.all(Array.from({ length: inFlight }, runOnce));
    const ms = performance.now() - began;
    console.log(`round ${run}: ${(ms / nodes).toFixed(2)} ms per node, ${((1000 * inFlight) / ms).toFixed(1)} runs/s`);
  }
  if (process.env.PROFILE_SQL) {
    const durations = [...platform.output().matchAll(/"msg":"sql record".*?"durationMs":([\d.]+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    const at = (q: number) => durations[Math.floor(q * (durations.length - 1))]!.toFixed(2);
    console.log(`record statements: ${durations.length}, ms p10 ${at(0.1)} p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)}`);
  }
} finally {
  await subscriber.close();
  await platform.stop();
  await database?.drop();
  await removeDataDir(dataDir);
}
const file = (await readdir(profileDir)).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }
const profile = JSON.parse(await readFile(path.join(profileDir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
const total = profile.nodes.reduce((sum, node) => sum + node.hitCount, 0);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm:').replace(process.cwd(), '.');
  const pkg = where.startsWith('nm:') ? where.split('/').slice(0, where.startsWith('nm:@') ? 2 : 1).join('/') : where.startsWith('./') ? where.split('/').slice(0, 3).join('/') : where || functionName;
  byFunction.set(`${functionName || '(anon)'} ${where}:${lineNumber}`, (byFunction.get(`${functionName || '(anon)'} ${where}:${lineNumber}`) ?? 0) + node.hitCount);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
}
const top = (map: Map<string, number>, count: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`).join('\n');
console.log(`profile ${profileDir}/${file}: ${total} samples (1 ms), ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
console.log(`by package:\n${top(byPackage, 25)}\n\nby function (self):\n${top(byFunction, 40)}`);
