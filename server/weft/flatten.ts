/**
 * The executable view: every runnable node with its inputs traced through group boundaries to the node
 * that really produces them, ordered, with lane depths. Groups and Annotations do not run.
 */
import { INNER, type Edge, type Endpoint, type NodeInstance } from './model';
import type { Resolution } from './resolve';
import { isConfigurable } from './rules';
import { laneDelta, laneFromDelta, SINGLE, type JsonValue, type LaneMode } from './types';

export interface ExecutableInput {
  name: string;
  type: string;
  optional: boolean;
  /** The lane mode from the producing node to this input, across group boundaries. */
  lane: LaneMode;
  /** The runnable node whose output feeds this input; absent when unwired. */
  source?: Endpoint;
  /** The node's config value of the same name, when no edge feeds the port (and config may fill it). */
  value?: JsonValue;
  /** A config value of the same name may fill it when unwired (LANGUAGE.md §8.6). */
  configurable?: boolean;
  /** An edge is wired into it (through group boundaries, it may still end at no producer). Always set by the compiler. */
  wired?: boolean;
}

export interface ExecutableOutput {
  name: string;
  type: string;
  optional: boolean;
  /** The catalog's lane mode of the output (StackTrim's value expands). */
  laneMode?: 'expand' | 'gather';
  /**
   * Declared in the program without `?`. Weft never requires an output (`optional` is always true, as in the
   * reference); a trigger may use this to refuse a payload that lacks the field (ApiPost webhooks do).
   */
  declaredRequired?: boolean;
  /** Some edge leaves this port (into a node or a group boundary). Only such ports are type-checked at run time (NODES.md 1.4). */
  connected?: boolean;
}

export interface ExecutableNode {
  id: string;
  type: string;
  label?: string;
  config: Record<string, JsonValue>;
  isTrigger: boolean;
  /** Always set by the compiler. */
  isInfrastructure?: boolean;
  /** How many lanes deep the node runs: 0 once, 1 once per element of a list, 2 lanes within lanes… */
  laneDepth: number;
  /** Catalog oneOfRequired groups and the program's @require_one_of groups. */
  requireOneOf: string[][];
  inputs: ExecutableInput[];
  outputs: ExecutableOutput[];
  /** Enclosing group, if any. */
  parent?: string;
  /** Set by the executor's plan, never by the compiler: an enclosing group that is mocked, so this node skips (NODES.md 1.5). */
  mockedGroup?: string;
}

export interface ExecutableGraph {
  nodes: ExecutableNode[];
  /** Node ids in an order where every node comes after the nodes it reads from (nodes on cycles last). */
  order: string[];
}

interface Trace {
  source?: Endpoint;
  delta: number;
  wired: boolean;
}

export function flatten(nodes: readonly NodeInstance[], edges: readonly Edge[], byId: Map<string, NodeInstance>, resolution: Resolution): ExecutableGraph {
  const into = new Map<string, Edge>();
  for (const edge of edges) into.set(`${edge.target}\u0000${edge.targetHandle}`, edge);
  const lane = (edge: Edge): LaneMode => resolution.edgeLanes.get(edge) ?? SINGLE;

  const trace = (start: Endpoint): Trace => {
    const result: Trace = { delta: 0, wired: false };
    const seen = new Set<Edge>();
    let edge = into.get(`${start.node}\u0000${start.port}`);
    result.wired = edge !== undefined;
    while (edge && !seen.has(edge)) {
      seen.add(edge);
      result.delta += laneDelta(lane(edge));
      if (edge.sourceIsSelf) {
        edge = into.get(`${edge.source}\u0000${edge.sourceHandle.slice(0, -INNER.length)}`);
      } else if (byId.get(edge.source)?.type === 'Group') {
        edge = into.get(`${edge.source}\u0000${edge.sourceHandle}${INNER}`);
      } else {
        result.source = { node: edge.source, port: edge.sourceHandle };
        return result;
      }
    }
    return result;
  };

  const runnable = nodes.filter((n) => n.kind === 'node');
  const traces = new Map(runnable.map((n) => [n.id, n.inputs.map((p) => trace({ node: n.id, port: p.name }))]));
  const order = orderNodes(runnable, traces);
  const runnableById = new Map(runnable.map((n) => [n.id, n]));
  const connectedOutputs = new Set(edges.map((edge) => `${edge.source}\u0000${edge.sourceHandle}`));
  return {
    nodes: order.map((id) => executableNode(runnableById.get(id)!, traces.get(id)!, resolution.runDepth.get(id) ?? 0, connectedOutputs)),
    order,
  };
}

function executableNode(node: NodeInstance, traces: Trace[], laneDepth: number, connectedOutputs: ReadonlySet<string>): ExecutableNode {
  const executable: ExecutableNode = {
    id: node.id,
    type: node.type,
    config: node.config,
    isTrigger: node.isTrigger,
    isInfrastructure: node.isInfrastructure,
    laneDepth,
    requireOneOf: node.oneOfRequired,
    inputs: node.inputs.map((port, i) => {
      const trace = traces[i]!;
      const input: ExecutableInput = {
        name: port.name, type: port.type, optional: !port.required, lane: laneFromDelta(trace.delta),
        configurable: isConfigurable(port), wired: trace.wired,
      };
      if (trace.source) input.source = trace.source;
      else if (!trace.wired && port.name in node.config && node.config[port.name] !== null) input.value = node.config[port.name]!;
      return input;
    }),
    outputs: node.outputs.map((port) => {
      const output: ExecutableOutput = { name: port.name, type: port.type, optional: !port.required };
      if (port.declared && port.writtenRequired) output.declaredRequired = true;
      if (connectedOutputs.has(`${node.id}\u0000${port.name}`)) output.connected = true;
      if (port.laneMode === 'Expand') output.laneMode = 'expand';
      else if (port.laneMode === 'Gather') output.laneMode = 'gather';
      return output;
    }),
  };
  if (node.label !== null) executable.label = node.label;
  if (node.parentId) executable.parent = node.parentId;
  return executable;
}

/** Topological order (Kahn); nodes left over sit on cycles (the reference accepts cycles) and come last. */
function orderNodes(runnable: NodeInstance[], traces: Map<string, Trace[]>): string[] {
  const readers = new Map<string, string[]>(runnable.map((n) => [n.id, []]));
  const waiting = new Map<string, number>();
  for (const node of runnable) {
    const sources = new Set(traces.get(node.id)!.flatMap((t) => (t.source && readers.has(t.source.node) ? [t.source.node] : [])));
    waiting.set(node.id, sources.size);
    for (const source of sources) readers.get(source)!.push(node.id);
  }
  const order = runnable.filter((n) => waiting.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < order.length; i++) {
    for (const reader of readers.get(order[i]!) ?? []) {
      const left = waiting.get(reader)! - 1;
      waiting.set(reader, left);
      if (left === 0) order.push(reader);
    }
  }
  if (order.length < runnable.length) order.push(...runnable.filter((n) => waiting.get(n.id)! > 0).map((n) => n.id));
  return order;
}
