import { useCallback, useContext, useRef, useSyncExternalStore } from 'react';
import { RunStoreContext } from '../run/RunStoreContext';
import { foldStatus, type NodeRunStatus, type NodeRunSummary, type RunState } from '../run/runState';
import type { EdgeState, RunStore } from '../run/useExecutionRun';

/** What a group shows of the run shown: its nodes' runs folded into one status, with counts. */
export interface GroupRunSummary {
  status: NodeRunStatus;
  /** The most lanes any of its nodes ran in (0 outside lanes). */
  lanes: number;
  /** Node runs (one per node and lane) that failed, were skipped, completed. */
  failed: number;
  skipped: number;
  completed: number;
}

/** The group's summary from its nodes' summaries (the group's own, when it has node runs, counts too). */
export function summariseGroup(nodes: ReadonlyMap<string, NodeRunSummary>, memberIds: readonly string[]): GroupRunSummary | undefined {
  const runs = memberIds.flatMap((id) => nodes.get(id)?.lanes ?? []);
  if (runs.length === 0) return undefined;
  let lanes = 0;
  for (const id of memberIds) {
    const summary = nodes.get(id);
    if (summary?.lanes.some((lane) => lane.lane.length > 0)) lanes = Math.max(lanes, summary.lanes.length);
  }
  const count = (status: NodeRunStatus) => runs.filter((run) => run.status === status).length;
  // A group where some nodes finished while none runs, waits or fails any more is done: completed,
  // even if some of its nodes skipped (a branch not taken).
  const status = foldStatus(runs);
  return { status, lanes, failed: count('failed'), skipped: count('skipped'), completed: count('completed') };
}

function sameSummary(a: GroupRunSummary | undefined, b: GroupRunSummary | undefined): boolean {
  if (!a || !b) return a === b;
  return a.status === b.status && a.lanes === b.lanes && a.failed === b.failed && a.skipped === b.skipped && a.completed === b.completed;
}

/** One group's summary; the group redraws only when it changed. */
export function useGroupRunSummary(memberIds: readonly string[]): GroupRunSummary | undefined {
  const store = useContext(RunStoreContext);
  const last = useRef<{ state: RunState | null; summary: GroupRunSummary | undefined }>({ state: null, summary: undefined });
  const getSnapshot = useCallback(() => {
    if (!store) return undefined;
    const state = store.getState();
    if (state === last.current.state) return last.current.summary;
    const summary = summariseGroup(state.nodes, memberIds);
    last.current = { state, summary: sameSummary(summary, last.current.summary) ? last.current.summary : summary };
    return last.current.summary;
  }, [store, memberIds]);
  const subscribe = useCallback((listener: () => void) => (store ? store.subscribe(listener) : () => undefined), [store]);
  return useSyncExternalStore(subscribe, getSnapshot);
}

/** What the edges leaving each group show, from its nodes' runs: a new map only when one of them changed. */
export function useGroupEdgeStates(store: RunStore | null, groups: ReadonlyMap<string, readonly string[]>): ReadonlyMap<string, EdgeState> {
  const last = useRef<{ state: RunState | null; groups: typeof groups | null; edges: ReadonlyMap<string, EdgeState> }>({ state: null, groups: null, edges: noEdges });
  const getSnapshot = useCallback(() => {
    if (!store || groups.size === 0) return noEdges;
    const state = store.getState();
    if (state === last.current.state && groups === last.current.groups) return last.current.edges;
    const edges = new Map<string, EdgeState>();
    for (const [groupId, members] of groups) {
      const summary = summariseGroup(state.nodes, members);
      if (!summary) continue;
      const failed = summary.status === 'failed';
      const carried = summary.status === 'completed';
      if (failed || carried) edges.set(groupId, { failed, carried });
    }
    const before = last.current.edges;
    const same = before.size === edges.size && [...edges].every(([id, edge]) => before.get(id)?.failed === edge.failed && before.get(id)?.carried === edge.carried);
    last.current = { state, groups, edges: same ? before : edges };
    return last.current.edges;
  }, [store, groups]);
  const subscribe = useCallback((listener: () => void) => (store ? store.subscribe(listener) : () => undefined), [store]);
  return useSyncExternalStore(subscribe, getSnapshot);
}

const noEdges: ReadonlyMap<string, EdgeState> = new Map();
