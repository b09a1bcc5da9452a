import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { useClient } from 'urql';
import { graphql } from '../graphql/generated';
import { useConnection } from '../graphql/connection';
import { applyEvents, emptyRun, type ExecutionEvent, type NodeRunSummary, type RunState } from './runState';

graphql(`
  fragment RunExecutionFields on Execution {
    id
    status
    error
    costUsd
    startedAt
    completedAt
    lastSeq
    trigger
  }
`);

graphql(`
  fragment RunNodeRunFields on NodeRun {
    id
    seq
    nodeId
    nodeType
    lane
    status
    inputs
    output
    error
    startedAt
    completedAt
    costUsd
    skipReason { message input group fromNodeId fromPort fromStatus }
  }
`);

graphql(`
  fragment ExecutionRunEventFields on ExecutionEvent {
    seq
    kind
    execution {
      ...RunExecutionFields
    }
    nodeRun {
      ...RunNodeRunFields
    }
  }
`);

const ExecutionEvents = graphql(`
  subscription ExecutionRunEvents($executionId: ID!, $afterSeq: Int!) {
    executionEvents(executionId: $executionId, afterSeq: $afterSeq) {
      ...ExecutionRunEventFields
    }
  }
`);

/** What an edge shows of its source node: data carried (a lane completed), or the source failed. */
export interface EdgeState {
  carried: boolean;
  failed: boolean;
}

function edgeStateOf(summary: NodeRunSummary): EdgeState | undefined {
  const failed = summary.status === 'failed';
  const carried = summary.lanes.some((lane) => lane.status === 'completed');
  return failed || carried ? { carried, failed } : undefined;
}

/**
 * The state of one execution, held outside React so that each node of the graph
 * subscribes to its own summary; events are applied in batches, once per animation frame,
 * and only the nodes whose summary changed in a batch are told.
 */
export class RunStore {
  private state: RunState;
  private edgeStates: ReadonlyMap<string, EdgeState>;
  private listeners = new Set<() => void>();
  private nodeListeners = new Map<string, Set<() => void>>();
  private queued: ExecutionEvent[] = [];
  private frame: number | null = null;
  /** Set when the subscription itself failed (unknown execution, lost permission…). */
  problem: string | null = null;

  /** Starts empty, or from a snapshot read by a query (events after its lastSeq then apply on top). */
  constructor(initial: RunState = emptyRun) {
    this.state = initial;
    const edges = new Map<string, EdgeState>();
    for (const [nodeId, summary] of initial.nodes) {
      const edge = edgeStateOf(summary);
      if (edge) edges.set(nodeId, edge);
    }
    this.edgeStates = edges;
  }

  /** Told of every change (the execution, any node). */
  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  readonly getState = () => this.state;
  /** By source node id: what the edges leaving it show. A new map only when one of them changed. */
  readonly getEdgeStates = () => this.edgeStates;

  /** Told only when this node's summary changed. */
  subscribeNode(nodeId: string, listener: () => void) {
    let set = this.nodeListeners.get(nodeId);
    if (!set) this.nodeListeners.set(nodeId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.nodeListeners.delete(nodeId);
    };
  }

  receive(event: ExecutionEvent) {
    this.queued.push(event);
    this.frame ??= requestAnimationFrame(() => this.flush());
  }

  fail(problem: string) {
    this.problem = problem;
    this.state = { ...this.state };
    this.listeners.forEach((listener) => listener());
    this.nodeListeners.forEach((set) => set.forEach((listener) => listener()));
  }

  dispose() {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.queued = [];
  }

  private flush() {
    this.frame = null;
    const batch = this.queued;
    this.queued = [];
    const previous = this.state;
    const next = applyEvents(previous, batch);
    if (next === previous) return;
    this.state = next;
    const changed = new Set<string>();
    for (const event of batch) {
      const nodeId = event.nodeRun?.nodeId;
      if (nodeId !== undefined && next.nodes.get(nodeId) !== previous.nodes.get(nodeId)) changed.add(nodeId);
    }
    let edges: Map<string, EdgeState> | null = null;
    for (const nodeId of changed) {
      const before = this.edgeStates.get(nodeId);
      const after = edgeStateOf(next.nodes.get(nodeId)!);
      if (before?.carried === after?.carried && before?.failed === after?.failed) continue;
      edges ??= new Map(this.edgeStates);
      if (after) edges.set(nodeId, after);
      else edges.delete(nodeId);
    }
    if (edges) this.edgeStates = edges;
    this.listeners.forEach((listener) => listener());
    for (const nodeId of changed) this.nodeListeners.get(nodeId)?.forEach((listener) => listener());
  }
}

/**
 * Subscribes the store to the execution's events: stored ones after what the store already
 * holds, then live ones. Each time the socket comes back after a loss, it subscribes again
 * from the last seq it applied, so whatever happened meanwhile (the end of the run, say)
 * is replayed and nothing finished keeps looking as if it were running.
 */
export function useExecutionEvents(store: RunStore | null, executionId: string | null) {
  const client = useClient();
  // Changes each time the socket is back after a loss (not on the first connection).
  const reconnections = Math.max(0, useConnection().connections - 1);
  useEffect(() => {
    if (!store || !executionId) return;
    const subscription = client
      .subscription(ExecutionEvents, { executionId, afterSeq: store.getState().lastSeq })
      .subscribe((result) => {
        if (result.error) store.fail(result.error.message);
        else if (result.data) store.receive(result.data.executionEvents);
      });
    return () => subscription.unsubscribe();
  }, [client, store, executionId, reconnections]);
  useEffect(() => () => store?.dispose(), [store]);
}

const noStore = { subscribe: () => () => undefined, getState: () => emptyRun };
const noEdgeStates: ReadonlyMap<string, EdgeState> = new Map();
const unsubscribed = () => () => undefined;

export function useRunState(store: RunStore | null): RunState {
  const source = store ?? noStore;
  return useSyncExternalStore(source.subscribe, source.getState);
}

/** What the edges show, by source node id: changes only when an edge has to be drawn differently. */
export function useEdgeStates(store: RunStore | null): ReadonlyMap<string, EdgeState> {
  return useSyncExternalStore(store?.subscribe ?? unsubscribed, store?.getEdgeStates ?? (() => noEdgeStates));
}

/** One node's summary; the component redraws only when that node changed. */
export function useNodeRun(store: RunStore | null, nodeId: string): NodeRunSummary | undefined {
  const subscribe = useCallback((listener: () => void) => (store ? store.subscribeNode(nodeId, listener) : () => undefined), [store, nodeId]);
  return useSyncExternalStore(subscribe, () => store?.getState().nodes.get(nodeId));
}
