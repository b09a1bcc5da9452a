/** The graph IR: what the SPA draws (groups included) and what the executor runs (the executable view). */
import type { Span } from './ast';
import type { ExecutableGraph } from './flatten';
import { autoLayout, enclosingSize, type Box, type LayoutEntry } from './layout';
import type { Endpoint, NodeKind, ResolvedEdge, ResolvedNode, ResolvedPort } from './model';
import { formatType, SINGLE, type JsonValue, type LaneMode } from './types';
import type { CheckedProgram } from './checker';

export type { Endpoint, NodeKind } from './model';
export type { ExecutableGraph, ExecutableInput, ExecutableNode } from './flatten';

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface IRPort {
  name: string;
  /** Weft type text, e.g. `List[String]`; `parseType` reads it back. */
  type: string;
  optional: boolean;
  /** Written in the code's port list, rather than fixed by the catalog or derived from config. */
  declared: boolean;
  /** Inputs only: how the incoming connection feeds it (single when unwired). */
  lane?: LaneMode;
  /** Inputs only: a config value of the same name fills it (an edge, if any, wins). */
  configValue?: boolean;
}

export interface IRNode {
  /** Qualified id, `group.child` for a node inside a group. */
  id: string;
  localId: string;
  type: string;
  kind: NodeKind;
  label?: string;
  config: Record<string, JsonValue>;
  inputs: IRPort[];
  outputs: IRPort[];
  /** Qualified ids of the enclosing groups, outermost first; `parent` is the last. */
  scope: string[];
  parent?: string;
  /** Relative to the parent group, if any. */
  position: { x: number; y: number };
  size?: { width: number; height: number };
  /** Groups: drawn open with their children. */
  expanded: boolean;
  /** Where the position comes from. */
  placement: 'layout' | 'auto';
  isTrigger: boolean;
  laneDepth: number;
  requireOneOf: string[][];
  /** Where the declaration is written. */
  code: SourceRange;
}

/**
 * `flow`: between siblings; `groupInput`: a group's input read inside it (source is the group);
 * `groupOutput`: a group's output set inside it (target is the group); `groupThrough`: input straight to output.
 */
export type IREdgeKind = 'flow' | 'groupInput' | 'groupOutput' | 'groupThrough';

export interface IREdge {
  id: string;
  source: Endpoint;
  target: Endpoint;
  kind: IREdgeKind;
  lane: LaneMode;
  /** Where the connection is written. */
  code: SourceRange;
}

export interface GraphIR {
  nodes: IRNode[];
  edges: IREdge[];
  executable: ExecutableGraph;
}

export function sourceRange(span: Span): SourceRange {
  return { line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

function edgeKind(edge: ResolvedEdge): IREdgeKind {
  if (edge.fromGroupInput && edge.toGroupOutput) return 'groupThrough';
  if (edge.fromGroupInput) return 'groupInput';
  if (edge.toGroupOutput) return 'groupOutput';
  return 'flow';
}

function irEdge(edge: ResolvedEdge): IREdge {
  const kind = edgeKind(edge);
  const side = edge.toGroupOutput ? ':out' : '';
  return {
    id: `${edge.source.node}.${edge.source.port}->${edge.target.node}.${edge.target.port}${side}`,
    source: edge.source,
    target: edge.target,
    kind,
    lane: edge.lane,
    code: sourceRange(edge.span),
  };
}

function irPort(port: ResolvedPort): IRPort {
  return { name: port.name, type: formatType(port.type), optional: port.optional, declared: port.declared };
}

function irInput(node: ResolvedNode, port: ResolvedPort, incoming: Map<string, ResolvedEdge>): IRPort {
  const edge = incoming.get(`${node.id}:${port.name}`);
  const ir: IRPort = { ...irPort(port), lane: edge?.lane ?? SINGLE };
  if (port.name in node.config) ir.configValue = true;
  return ir;
}

export function buildGraph(checked: CheckedProgram, layout: readonly LayoutEntry[]): GraphIR {
  const incoming = new Map(checked.edges.filter((e) => !e.toGroupOutput).map((e) => [`${e.target.node}:${e.target.port}`, e]));
  const fromLayout = new Map(layout.map((entry) => [entry.id, entry]));
  const boxes = placeNodes(checked, fromLayout);
  const nodes = checked.nodes.map((node): IRNode => {
    const entry = fromLayout.get(node.id);
    const box = boxes.get(node.id)!;
    const ir: IRNode = {
      id: node.id,
      localId: node.localId,
      type: node.type,
      kind: node.kind,
      config: node.config,
      inputs: node.inputs.map((port) => irInput(node, port, incoming)),
      outputs: node.outputs.map(irPort),
      scope: node.scope,
      position: { x: box.x, y: box.y },
      expanded: entry?.expanded ?? false,
      placement: entry ? 'layout' : 'auto',
      isTrigger: node.definition?.isTrigger ?? false,
      laneDepth: checked.flattened.depths.get(node.id) ?? 0,
      requireOneOf: node.requireOneOf,
      code: sourceRange(node.decl.span),
    };
    const parent = node.scope[node.scope.length - 1];
    if (parent !== undefined) ir.parent = parent;
    if (typeof node.config.label === 'string') ir.label = node.config.label;
    if (box.width !== undefined && box.height !== undefined) ir.size = { width: box.width, height: box.height };
    return ir;
  });
  return { nodes, edges: checked.edges.map(irEdge), executable: checked.flattened.graph };
}

function placeNodes(checked: CheckedProgram, fromLayout: Map<string, LayoutEntry>): Map<string, Box> {
  const ids = new Set(checked.nodes.map((n) => n.id));
  const fixed = new Map<string, Box>();
  for (const [id, entry] of fromLayout) {
    if (!ids.has(id)) continue;
    const box: Box = { x: entry.x, y: entry.y };
    if (entry.width !== undefined && entry.height !== undefined) Object.assign(box, { width: entry.width, height: entry.height });
    fixed.set(id, box);
  }
  const items = checked.nodes.map((n) => ({ id: n.id, parent: n.scope[n.scope.length - 1] }));
  const links = checked.edges.filter((e) => !e.fromGroupInput && !e.toGroupOutput).map((e) => ({ from: e.source.node, to: e.target.node }));
  const boxes = autoLayout(items, links, fixed);
  sizeExpandedGroups(checked.nodes, boxes, fromLayout);
  return boxes;
}

/** Open groups without a size in the layout get one that holds their children, innermost first. */
function sizeExpandedGroups(nodes: ResolvedNode[], boxes: Map<string, Box>, fromLayout: Map<string, LayoutEntry>): void {
  const groups = nodes.filter((n) => n.kind === 'group' && fromLayout.get(n.id)?.expanded).sort((a, b) => b.scope.length - a.scope.length);
  for (const group of groups) {
    const box = boxes.get(group.id)!;
    if (box.width !== undefined) continue;
    const children = nodes.filter((n) => n.scope[n.scope.length - 1] === group.id).map((n) => boxes.get(n.id)!);
    Object.assign(box, enclosingSize(children));
  }
}

/** The layout entries that reproduce the graph's current positions (to save as layout text). */
export function layoutOf(graph: GraphIR): LayoutEntry[] {
  return graph.nodes.map((node) => {
    const entry: LayoutEntry = { id: node.id, x: node.position.x, y: node.position.y, expanded: node.expanded };
    if (node.size) Object.assign(entry, node.size);
    return entry;
  });
}
