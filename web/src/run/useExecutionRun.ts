import { useEffect, useSyncExternalStore } from 'react';
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

/**
 * The state of one execution, held outside React so that each node of the graph
 * subscribes to its own summary; events are applied in batches, once per animation frame.
 */
export class RunStore {
  private state: RunState;
  private listeners = new Set<() => void>();
  private queued: ExecutionEvent[] = [];
  private frame: number | null = null;
  /** Set when the subscription itself failed (unknown execution, lost permission…). */
  problem: string | null = null;

  /** Starts empty, or from a snapshot read by a query (events after its lastSeq then apply on top). */
  constructor(initial: RunState = emptyRun) {
    this.state = initial;
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  readonly getState = () => this.state;

  receive(event: ExecutionEvent) {
    this.queued.push(event);
    this.frame ??= requestAnimationFrame(() => this.flush());
  }

  fail(problem: string) {
    this.problem = problem;
    this.state = { ...this.state };
    this.listeners.forEach((listener) => listener());
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
    const next = applyEvents(this.state, batch);
    if (next === this.state) return;
    this.state = next;
    this.listeners.forEach((listener) => listener());
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

export function useRunState(store: RunStore | null): RunState {
  const source = store ?? noStore;
  return useSyncExternalStore(source.subscribe, source.getState);
}

export function useNodeRun(store: RunStore | null, nodeId: string): NodeRunSummary | undefined {
  const source = store ?? noStore;
  return useSyncExternalStore(source.subscribe, () => source.getState().nodes.get(nodeId));
}
