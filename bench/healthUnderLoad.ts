/**
 * /health latency while one client asks for heavy work (issue 12 A4): the first `graph` query of
 * a 20,000-node project, the same for a 2,000-node one (MAX_PROJECT_NODES, the most that is
 * compiled and drawn), and `runProject` of a program whose List of 100,000 elements expands into a
 * node (over MAX_LANES_PER_NODE). A probe asks /health back to back during each and reports the
 * slowest answers; the target is under 200 ms.
 *   npx tsx bench/run.ts --only health-under-load
 */
import os from 'node:os';
import { generateProgram } from './compile';
import { graphqlData } from '../test/support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform } from '../test/support/platform';
import { percentile, round } from './executionsPage';

/** A program of `count` nodes in as few bytes as Weft allows: what fits MAX_CODE_BYTES with the most nodes. */
function compactProgram(count: number): string {
  return Array.from({ length: count }, (_, i) => `n${i} = Debug`).join('\n') + '\n';
}

const expandProgram = (elements: number) => `items = ExecPython -> (items: List[Number]) {
  code: "return {'items': list(range(${elements}))}"
}
double = ExecPython(n: Number) -> (out: Number) {
  code: "return {'out': n * 2}"
}
double.n = items.items
`;

interface Probe {
  stop(): Promise<{ samples: number; p50Ms: number; p99Ms: number; maxMs: number }>;
}

/** Asks /health back to back until stopped. */
function probeHealth(platform: RunningPlatform): Probe {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${platform.url}/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      latencies.sort((a, b) => a - b);
      return { samples: latencies.length, p50Ms: round(percentile(latencies, 0.5)), p99Ms: round(percentile(latencies, 0.99)), maxMs: round(latencies.at(-1) ?? 0) };
    },
  };
}

async function during<T>(platform: RunningPlatform, work: () => Promise<T>) {
  const probe = probeHealth(platform);
  const loadBefore = os.loadavg()[0]!;
  await new Promise((resolve) => setTimeout(resolve, 200)); // a few quiet samples first
  const started = performance.now();
  const answer = await work();
  const workMs = round(performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, 200));
  // The machine may be shared: the 1-minute load average around each measurement says how quiet it was.
  return { workMs, health: { ...(await probe.stop()), loadAverage: [round(loadBefore), round(os.loadavg()[0]!)] }, answer };
}

async function createProject(platform: RunningPlatform, name: string, code: string): Promise<string> {
  const { createProject } = await graphqlData(platform.graphqlUrl, `mutation ($name: String!, $code: String!) {
    createProject(name: $name, code: $code) { ... on Project { id } ... on Problem { message } } }`, { name, code });
  if (!createProject.id) throw new Error(`createProject refused: ${createProject.message}`);
  return createProject.id;
}

const graphQuery = `query ($id: ID!) { project(id: $id) { graph { nodes { id type config inputs { name } outputs { name } position { x y } } edges { id } } diagnostics { code message } } }`;

export async function measureHealthUnderLoad(quick: boolean) {
  const database = await createTestDatabase();
  const dataDir = await makeDataDir();
  const platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { LOG_LEVEL: 'warn' } });
  try {
    const graphOf = async (nodes: number, code: string) => {
      const id = await createProject(platform, `${nodes} nodes`, code);
      const { workMs, health, answer } = await during(platform, () => graphqlData(platform.graphqlUrl, graphQuery, { id }));
      const project = (answer as { project: { graph: { nodes: unknown[] } | null; diagnostics: { code: string; message: string }[] } }).project;
      return { nodes, codeBytes: Buffer.byteLength(code), queryMs: workMs, graphNodes: project.graph?.nodes.length ?? null, refusal: project.diagnostics.find((d) => d.code === 'too-many-nodes')?.message ?? null, health };
    };
    const over = await graphOf(20_000, compactProgram(20_000));
    const atLimit = quick ? undefined : await graphOf(2_000, generateProgram(2_000));

    const expandId = await createProject(platform, 'expand', expandProgram(100_000));
    const run = await during(platform, async () => {
      const { runProject } = await graphqlData(platform.graphqlUrl, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } ... on Problem { message } } }`, { id: expandId });
      if (!runProject.id) throw new Error(`runProject refused: ${runProject.message}`);
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const { execution } = await graphqlData(platform.graphqlUrl, `query ($id: ID!) { execution(id: $id) { status nodeRuns(nodeId: "double") { status error } } }`, { id: runProject.id });
        if (!['pending', 'running'].includes(execution.status)) return execution;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error('the expand run did not end within 2 minutes');
    });
    const execution = run.answer as { status: string; nodeRuns: { status: string; error: string | null }[] };
    return {
      graphOver: over,
      graphAtLimit: atLimit ?? null,
      expand: { elements: 100_000, runMs: run.workMs, status: execution.status, nodeError: execution.nodeRuns[0]?.error ?? null, health: run.health },
      targetMs: 200,
    };
  } finally {
    await platform.stop();
    await database.drop();
    await removeDataDir(dataDir);
  }
}
