/**
 * The executable view: every runnable node with its inputs traced through group
 * boundaries to the node that really produces them, ordered, with lane depths.
 * Cycles and gathers outside any lanes are found here, where they really happen.
 */
import type { Span } from './ast';
import { errorAt, type Diagnostic } from './diagnostics';
import type { Endpoint, ResolvedEdge, ResolvedNode } from './model';
import { formatType, laneDelta, laneFromDelta, type JsonValue, type LaneMode } from './types';

export interface ExecutableInput {
  name: string;
  type: string;
  optional: boolean;
  /** The lane mode from the producing node to this input, across group boundaries. */
  lane: LaneMode;
  /** The runnable node whose output feeds this input; absent when unwired. */
  source?: Endpoint;
  /** A constant from config (the node's own, or a group input's) when no edge feeds it. */
  value?: JsonValue;
}

export interface ExecutableNode {
  id: string;
  type: string;
  config: Record<string, JsonValue>;
  isTrigger: boolean;
  /** How many lanes deep the node runs: 0 once, 1 once per element of a list, 2 lanes within lanes… */
  laneDepth: number;
  requireOneOf: string[][];
  inputs: ExecutableInput[];
  outputs: { name: string; type: string; optional: boolean }[];
}

export interface ExecutableGraph {
  nodes: ExecutableNode[];
  /** Node ids in an order where every node comes after the nodes it reads from. */
  order: string[];
}

interface Trace {
  source?: Endpoint;
  value?: JsonValue;
  delta: number;
  /** The edges crossed, starting at the one into the asking node. */
  edges: ResolvedEdge[];
  loops: boolean;
}

export interface Flattened {
  graph: ExecutableGraph;
  /** Lane depth of every node, groups included (a group's is the depth of its inputs). */
  depths: Map<string, number>;
}

class EdgeIndex {
  private readonly into = new Map<string, ResolvedEdge>();

  constructor(edges: ResolvedEdge[]) {
    for (const edge of edges) this.into.set(this.key(edge.toGroupOutput, edge.target), edge);
  }

  intoInput(endpoint: Endpoint): ResolvedEdge | undefined {
    return this.into.get(this.key(false, endpoint));
  }

  intoGroupOutput(endpoint: Endpoint): ResolvedEdge | undefined {
    return this.into.get(this.key(true, endpoint));
  }

  private key(groupOutput: boolean, endpoint: Endpoint): string {
    return `${groupOutput ? 'out' : 'in'}:${endpoint.node}:${endpoint.port}`;
  }
}

/** Follows an input back through group ports to a runnable node's output or to a config constant. */
function traceInput(nodes: Map<string, ResolvedNode>, index: EdgeIndex, start: Endpoint): Trace {
  const trace: Trace = { delta: 0, edges: [], loops: false };
  const seen = new Set<ResolvedEdge>();
  let asking = start;
  let edge = index.intoInput(start);
  while (true) {
    if (!edge) {
      const config = nodes.get(asking.node)?.config;
      if (config && asking.port in config) trace.value = config[asking.port];
      return trace;
    }
    if (seen.has(edge)) {
      trace.loops = true;
      return trace;
    }
    seen.add(edge);
    trace.edges.push(edge);
    trace.delta += laneDelta(edge.lane);
    const from = edge.source;
    if (edge.fromGroupInput) {
      asking = from;
      edge = index.intoInput(from);
    } else if (nodes.get(from.node)?.kind === 'group') {
      edge = index.intoGroupOutput(from);
      asking = { node: '', port: '' };
    } else {
      trace.source = from;
      return trace;
    }
  }
}

export function flatten(resolved: ResolvedNode[], edges: ResolvedEdge[], diagnostics: Diagnostic[]): Flattened {
  const nodes = new Map(resolved.map((n) => [n.id, n]));
  const index = new EdgeIndex(edges);
  const runnable = resolved.filter((n) => n.kind === 'node' && n.known);
  const traces = new Map<string, Trace[]>();
  for (const node of runnable) {
    traces.set(node.id, node.inputs.map((port) => traceInput(nodes, index, { node: node.id, port: port.name })));
  }
  reportPlumbingLoops(traces, diagnostics);
  const order = orderNodes(runnable, traces, diagnostics);
  const depths = laneDepths(order, traces, diagnostics);
  for (const group of resolved.filter((n) => n.kind === 'group')) {
    const inputTraces = group.inputs.map((port) => traceInput(nodes, index, { node: group.id, port: port.name }));
    depths.set(group.id, Math.max(0, ...inputTraces.map((t) => (t.source ? (depths.get(t.source.node) ?? 0) + t.delta : 0))));
  }
  const byId = new Map(runnable.map((n) => [n.id, n]));
  const graph: ExecutableGraph = {
    nodes: order.map((id) => executableNode(byId.get(id)!, traces.get(id)!, depths.get(id) ?? 0)),
    order,
  };
  return { graph, depths };
}

function executableNode(node: ResolvedNode, traces: Trace[], laneDepth: number): ExecutableNode {
  return {
    id: node.id,
    type: node.type,
    config: node.config,
    isTrigger: node.definition?.isTrigger ?? false,
    laneDepth,
    requireOneOf: node.requireOneOf,
    inputs: node.inputs.map((port, i) => {
      const trace = traces[i]!;
      const input: ExecutableInput = { name: port.name, type: formatType(port.type), optional: port.optional, lane: laneFromDelta(trace.delta) };
      if (trace.source) input.source = trace.source;
      else if (trace.value !== undefined) input.value = trace.value;
      return input;
    }),
    outputs: node.outputs.map((port) => ({ name: port.name, type: formatType(port.type), optional: port.optional })),
  };
}

function reportPlumbingLoops(traces: Map<string, Trace[]>, diagnostics: Diagnostic[]): void {
  const reported = new Set<ResolvedEdge>();
  for (const trace of [...traces.values()].flat()) {
    const last = trace.edges[trace.edges.length - 1];
    if (!trace.loops || !last || reported.has(last)) continue;
    reported.add(last);
    diagnostics.push(errorAt(last.span, 'cycle', 'cycle: this value is wired in a loop through group ports and never comes from a node'));
  }
}

/** Topological order (Kahn); nodes left over sit on cycles, which are reported and appended. */
function orderNodes(runnable: ResolvedNode[], traces: Map<string, Trace[]>, diagnostics: Diagnostic[]): string[] {
  const readers = new Map<string, string[]>(runnable.map((n) => [n.id, []]));
  const waiting = new Map<string, number>();
  for (const node of runnable) {
    const sources = new Set(traces.get(node.id)!.flatMap((t) => (t.source ? [t.source.node] : [])));
    waiting.set(node.id, sources.size);
    for (const source of sources) readers.get(source)?.push(node.id);
  }
  const ready = runnable.filter((n) => waiting.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    order.push(id);
    for (const reader of readers.get(id) ?? []) {
      const left = waiting.get(reader)! - 1;
      waiting.set(reader, left);
      if (left === 0) ready.push(reader);
    }
  }
  if (order.length < runnable.length) {
    const stuck = runnable.filter((n) => waiting.get(n.id)! > 0).map((n) => n.id);
    reportCycles(stuck, traces, diagnostics);
    order.push(...stuck);
  }
  return order;
}

/** Reports each cycle once, at the connection that closes it. */
function reportCycles(stuck: string[], traces: Map<string, Trace[]>, diagnostics: Diagnostic[]): void {
  const onCycle = new Set<string>();
  const stuckSet = new Set(stuck);
  for (const start of stuck) {
    if (onCycle.has(start)) continue;
    const path = findCycleThrough(start, stuckSet, traces);
    if (!path || path.some((id) => onCycle.has(id))) continue;
    path.forEach((id) => onCycle.add(id));
    const closing = traces.get(start)!.find((t) => t.source?.node === path[path.length - 2]);
    const span: Span | undefined = closing?.edges[0]?.span;
    if (span) diagnostics.push(errorAt(span, 'cycle', `cycle: ${[...path].join(' → ')}; a node cannot depend on its own output`));
  }
}

/** A path start → … → start following data flow, if one exists (searched upstream, breadth-first). */
function findCycleThrough(start: string, stuck: Set<string>, traces: Map<string, Trace[]>): string[] | undefined {
  const sourcesOf = (id: string): string[] =>
    (traces.get(id) ?? []).flatMap((t) => (t.source && stuck.has(t.source.node) ? [t.source.node] : []));
  // cameFrom: a node found upstream → the node it feeds, one step closer to start.
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const source of sourcesOf(id)) {
      if (source === start) {
        const flow = [start, id];
        for (let at = id; at !== start; ) {
          at = cameFrom.get(at)!;
          flow.push(at);
        }
        return flow;
      }
      if (!cameFrom.has(source)) {
        cameFrom.set(source, id);
        queue.push(source);
      }
    }
  }
  return undefined;
}

function laneDepths(order: string[], traces: Map<string, Trace[]>, diagnostics: Diagnostic[]): Map<string, number> {
  const depths = new Map<string, number>();
  for (const id of order) {
    let depth = 0;
    for (const trace of traces.get(id) ?? []) {
      if (!trace.source) continue;
      const arriving = (depths.get(trace.source.node) ?? 0) + trace.delta;
      if (arriving < 0) reportGatherOutsideLanes(trace, diagnostics);
      depth = Math.max(depth, arriving);
    }
    depths.set(id, depth);
  }
  return depths;
}

function reportGatherOutsideLanes(trace: Trace, diagnostics: Diagnostic[]): void {
  const gather = trace.edges.find((e) => e.lane.mode === 'gather') ?? trace.edges[0];
  if (!gather) return;
  const { target, source } = gather.connection;
  diagnostics.push(errorAt(gather.span, 'gather-outside-lanes',
    `${target.path.join('.')} takes a list, and ${source.path.join('.')} gives one value that is not in parallel lanes; ` +
      'there is nothing to gather: wire a list, or a value from inside lanes'));
}
