/**
 * The Restate executor against the same graph run in-process with no journal and no
 * records (runGraphLocally): per-node overhead for a 100-node chain and a 100-wide
 * fan-out, executions per second of a 10-node program, and a 1,000-lane expand/gather.
 */
import { nodeDefinition } from '../server/nodes/catalog';
import { defaultNodeSettings } from '../server/nodes/settings';
import { runGraphLocally } from '../server/executor/localRun';
import type { Outcome, ReadyInstance } from '../server/executor/scheduler';
import { compileWeft } from '../server/weft';
import type { ExecutableGraph } from '../server/weft/ir';
import { createProject, runProject, waitForStatus } from '../test/support/executions';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from '../test/support/platform';

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

function executable(code: string): ExecutableGraph {
  const { graph, diagnostics } = compileWeft(code);
  if (!graph) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return graph.executable;
}

async function runInProcess(graph: ExecutableGraph): Promise<number> {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const runNode = async (ready: ReadyInstance): Promise<Outcome> => {
    const node = nodes.get(ready.nodeId)!;
    const result = await nodeDefinition(node.type)!.run!({
      nodeId: node.id, inputs: ready.inputs, config: node.config, outputs: node.outputs,
      settings: defaultNodeSettings, signal: new AbortController().signal,
    });
    return { status: 'completed', outputs: result.outputs };
  };
  const began = performance.now();
  const result = await runGraphLocally(graph, runNode, { concurrency: 8 });
  if (result.status !== 'completed') throw new Error('in-process run failed');
  return performance.now() - began;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function measureExecutor(options: { quick: boolean }) {
  const repeats = options.quick ? 1 : 3;
  const dataDir = await makeDataDir();
  // With DATABASE_URL set, on a fresh database of that server; else on the embedded PGlite.
  const database = await createTestDatabase();
  const platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { LOG_LEVEL: 'warn' } });
  try {
    const url = platform.graphqlUrl;
    const timeRun = async (projectId: string) => {
      const began = performance.now();
      const executionId = await runProject(url, projectId);
      const execution = await waitForStatus(url, executionId, ['completed', 'failed'], 300_000);
      if (execution.status !== 'completed') throw new Error(`benchmark run ${execution.status}: ${execution.error}`);
      return performance.now() - began;
    };
    const shapes: Record<string, { nodes: number; restateMsPerNode: number; inProcessMsPerNode: number; ratio: number }> = {};
    for (const [name, code, nodes] of [
      ['chain100', chainProgram(100), 100],
      ['fanOut100', fanOutProgram(100), 101],
    ] as const) {
      const projectId = await createProject(url, name, code);
      const restate: number[] = [];
      const local: number[] = [];
      for (let i = 0; i < repeats; i++) {
        restate.push(await timeRun(projectId));
        local.push(await runInProcess(executable(code)));
      }
      const restateMsPerNode = median(restate) / nodes;
      const inProcessMsPerNode = median(local) / nodes;
      shapes[name] = {
        nodes,
        restateMsPerNode: round(restateMsPerNode),
        inProcessMsPerNode: round(inProcessMsPerNode, 4),
        ratio: Math.round(restateMsPerNode / inProcessMsPerNode),
      };
    }

    const lanes = options.quick ? 100 : 1_000;
    const lanesCode = expandGatherProgram(lanes);
    const lanesProject = await createProject(url, 'lanes', lanesCode);
    const lanesMs = await timeRun(lanesProject);
    const lanesLocalMs = await runInProcess(executable(lanesCode));
    const expandGather = {
      lanes,
      seconds: round(lanesMs / 1000),
      restateMsPerLane: round(lanesMs / lanes),
      inProcessMsPerLane: round(lanesLocalMs / lanes, 4),
      ratio: Math.round(lanesMs / lanesLocalMs),
    };

    const tenNodes = await createProject(url, 'ten', chainProgram(10));
    const executions = options.quick ? 10 : 50;
    const began = performance.now();
    const ids = await Promise.all(Array.from({ length: executions }, () => runProject(url, tenNodes)));
    await Promise.all(ids.map((id) => waitForStatus(url, id, ['completed', 'failed'], 300_000)));
    const seconds = (performance.now() - began) / 1000;
    return { database: database.url ? 'postgresql' : 'pglite', ...shapes, expandGather, throughput: { program: '10-node chain', executions, seconds: round(seconds), executionsPerSecond: round(executions / seconds) } };
  } finally {
    await platform.stop();
    await database.drop();
    await removeDataDir(dataDir);
  }
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
