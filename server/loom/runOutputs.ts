/**
 * What the output blocks of a page show of a run: for each (node, port) the page shows, the
 * status of the node that produces it and its value (one value, or one per lane in lane order).
 * Pure: the server computes it for visitors, the SPA for the owner's runner, from node runs.
 */

export interface OutputBinding {
  nodeId: string;
  portName: string;
  source: { nodeId: string; port: string } | null;
}

export interface NodeRunLike {
  nodeId: string;
  lane: readonly number[];
  status: string;
  output?: unknown;
  error?: string | null;
}

export interface OutputState {
  nodeId: string;
  portName: string;
  /** The producing node's status folded over its lanes; `pending` before it ran. */
  status: string;
  value: unknown;
  error: string | null;
}

const precedence = ['failed', 'running', 'waiting_for_input', 'pending', 'cancelled', 'completed', 'skipped'];

function compareLanes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function portValue(run: NodeRunLike, port: string): unknown {
  const output = run.output;
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return null;
  return (output as Record<string, unknown>)[port] ?? null;
}

export function outputStates(bindings: readonly OutputBinding[], runs: Iterable<NodeRunLike>): OutputState[] {
  const byNode = new Map<string, NodeRunLike[]>();
  for (const run of runs) {
    const list = byNode.get(run.nodeId) ?? [];
    list.push(run);
    byNode.set(run.nodeId, list);
  }
  return bindings.map((binding) => {
    const lanes = binding.source ? [...(byNode.get(binding.source.nodeId) ?? [])].sort((a, b) => compareLanes(a.lane, b.lane)) : [];
    if (!binding.source || lanes.length === 0) return { nodeId: binding.nodeId, portName: binding.portName, status: 'pending', value: null, error: null };
    const present = new Set(lanes.map((run) => run.status));
    const status = precedence.find((candidate) => present.has(candidate)) ?? 'pending';
    const port = binding.source.port;
    const value = lanes.length === 1 && lanes[0]!.lane.length === 0 ? portValue(lanes[0]!, port) : lanes.map((run) => portValue(run, port));
    const error = lanes.find((run) => run.status === 'failed')?.error ?? null;
    return { nodeId: binding.nodeId, portName: binding.portName, status, value, error };
  });
}
