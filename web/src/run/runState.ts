import type { ExecutionRunEventFieldsFragment } from '../graphql/generated/graphql';

export type ExecutionEvent = ExecutionRunEventFieldsFragment;
export type ExecutionSnapshot = ExecutionEvent['execution'];
export type NodeRunSnapshot = NonNullable<ExecutionEvent['nodeRun']>;
export type NodeRunStatus = NodeRunSnapshot['status'];

/** What the graph shows of one node: its lanes folded into one status. */
export interface NodeRunSummary {
  nodeId: string;
  status: NodeRunStatus;
  /** One run per lane, by lane path ("" outside lanes, "0.3" for lane 3 within lane 0), in lane order. */
  lanes: NodeRunSnapshot[];
}

export interface RunState {
  lastSeq: number;
  execution: ExecutionSnapshot | null;
  nodes: ReadonlyMap<string, NodeRunSummary>;
}

export const emptyRun: RunState = { lastSeq: 0, execution: null, nodes: new Map() };

export function laneKey(lane: readonly number[]): string {
  return lane.join('.');
}

function compareLanes(a: NodeRunSnapshot, b: NodeRunSnapshot): number {
  for (let i = 0; i < Math.min(a.lane.length, b.lane.length); i++) {
    if (a.lane[i] !== b.lane[i]) return a.lane[i]! - b.lane[i]!;
  }
  return a.lane.length - b.lane.length;
}

// The first status present in a node's lanes, in this order, is the node's status on the graph.
const precedence: NodeRunStatus[] = ['failed', 'running', 'waiting_for_input', 'pending', 'cancelled', 'completed', 'skipped'];

export function foldStatus(lanes: readonly NodeRunSnapshot[]): NodeRunStatus {
  const present = new Set(lanes.map((run) => run.status));
  return precedence.find((status) => present.has(status)) ?? 'pending';
}

/**
 * Applies a batch of execution events, in seq order, skipping any already applied (a
 * resubscription replays from the start). Only the summaries of nodes that changed are new
 * objects, so nodes that did not change do not redraw.
 */
export function applyEvents(state: RunState, events: readonly ExecutionEvent[]): RunState {
  const fresh = events.filter((event) => event.seq > state.lastSeq).sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return state;
  const nodes = new Map(state.nodes);
  const changedLanes = new Map<string, Map<string, NodeRunSnapshot>>();
  for (const event of fresh) {
    const run = event.nodeRun;
    if (!run) continue;
    let lanes = changedLanes.get(run.nodeId);
    if (!lanes) {
      lanes = new Map((nodes.get(run.nodeId)?.lanes ?? []).map((known) => [laneKey(known.lane), known]));
      changedLanes.set(run.nodeId, lanes);
    }
    const known = lanes.get(laneKey(run.lane));
    if (!known || known.seq <= run.seq) lanes.set(laneKey(run.lane), run);
  }
  for (const [nodeId, lanes] of changedLanes) {
    const sorted = [...lanes.values()].sort(compareLanes);
    nodes.set(nodeId, { nodeId, status: foldStatus(sorted), lanes: sorted });
  }
  const last = fresh[fresh.length - 1]!;
  return { lastSeq: last.seq, execution: last.execution, nodes };
}

export const finishedStatuses: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** The state a query read (the execution and its node runs as stored), to apply later events on. */
export function runStateFromSnapshot(execution: ExecutionSnapshot, nodeRuns: readonly NodeRunSnapshot[]): RunState {
  const asEvents = nodeRuns.map((nodeRun): ExecutionEvent => ({ seq: nodeRun.seq, kind: 'nodeRun', execution, nodeRun }));
  return { ...applyEvents(emptyRun, asEvents), lastSeq: execution.lastSeq, execution };
}
