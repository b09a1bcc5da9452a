/** The graph IR: what the SPA draws (groups included) and what the executor runs (the executable view). */
import type { Span } from './ast';
import type { CheckedProgram } from './checker';
import type { ExecutableGraph } from './flatten';
import { autoLayout, enclosingSize, type Box, type LayoutEntry } from './layout';
import type { Edge, Endpoint, NodeFeatures, NodeInstance, NodeKind } from './model';
import { plainHandle } from './model';
import type { NodePort, PortOrigin } from './ports';
import { isConfigurable } from './rules';
import { SINGLE, type JsonValue, type LaneMode } from './types';

export type { Endpoint, NodeFeatures, NodeKind } from './model';
export type { ExecutableGraph, ExecutableInput, ExecutableNode, ExecutableOutput } from './flatten';

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface IRPort {
  name: string;
  /** Weft type text after resolution, e.g. `List[String]`; `parseType` reads it back. */
  type: string;
  optional: boolean;
  /** Written in the code's signature or in(…)/out(…) lines, rather than fixed by the catalog or derived. */
  declared: boolean;
  /** Inputs (and group outputs): how the incoming connection feeds it (single when unwired). */
  lane?: LaneMode;
  /** Inputs only: a config value of the same name is present and fills it when no edge does. */
  configValue?: boolean;
  /** Inputs only: a config value of the same name may fill it (LANGUAGE.md §8.6). */
  configurable?: boolean;
  /** Where the port comes from: the catalog, the program's declaration, form fields, a literal, an edge. */
  origin: PortOrigin;
}

export interface IRNode {
  /** Scoped id as Weft names it: `group.child`, `host__key` for an inline node. */
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
  /** Groups: drawn open with their children (the layout says `expanded`; without it a group is drawn closed). */
  expanded: boolean;
  /** Where the position comes from. */
  placement: 'layout' | 'auto';
  isTrigger: boolean;
  isInfrastructure: boolean;
  laneDepth: number;
  requireOneOf: string[][];
  /** The catalog's features (canAddInputPorts, canAddOutputPorts, hasFormSchema, …) with the merged oneOfRequired. */
  features: NodeFeatures;
  /** An anonymous node declared by an inline expression. */
  inline: boolean;
  /** Groups: the comment block at the top of the body. */
  description?: string;
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
  /** `# Project:` (default `Untitled Project`) and `# Description:` of the code. */
  name: string;
  description: string | null;
  nodes: IRNode[];
  edges: IREdge[];
  executable: ExecutableGraph;
}

export function sourceRange(span: Span): SourceRange {
  return { line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

function edgeKind(edge: Edge): IREdgeKind {
  if (edge.sourceIsSelf && edge.targetIsSelf) return 'groupThrough';
  if (edge.sourceIsSelf) return 'groupInput';
  if (edge.targetIsSelf) return 'groupOutput';
  return 'flow';
}

const portLane = (port: NodePort): LaneMode =>
  port.laneMode === 'Expand' ? { mode: 'expand', depth: port.laneDepth ?? 1 }
    : port.laneMode === 'Gather' ? { mode: 'gather', depth: port.laneDepth ?? 1 } : SINGLE;

function irPort(port: NodePort): IRPort {
  return { name: port.name, type: port.type, optional: !port.required, declared: port.declared, origin: port.origin };
}

function localIdOf(node: NodeInstance): string {
  return node.parentId && node.id.startsWith(`${node.parentId}.`) ? node.id.slice(node.parentId.length + 1) : node.id;
}

export function buildGraphIR(checked: CheckedProgram, layout: readonly LayoutEntry[], lines: readonly string[]): GraphIR {
  const fromLayout = new Map(layout.map((entry) => [entry.id, entry]));
  const ordered = [...checked.nodes].map((n, i) => ({ n, i })).sort((a, b) => a.n.line - b.n.line || a.i - b.i).map((x) => x.n);
  const boxes = placeNodes(ordered, checked.edges, fromLayout);
  const lineEnd = (line: number): number => (lines[line - 1] ?? '').trimEnd().length + 1;
  const nodes = ordered.map((node): IRNode => {
    const entry = fromLayout.get(node.id);
    const box = boxes.get(node.id)!;
    const isGroup = node.kind === 'group';
    const ir: IRNode = {
      id: node.id,
      localId: localIdOf(node),
      type: node.type,
      kind: node.kind,
      config: node.config,
      inputs: node.inputs.map((port) => {
        const p: IRPort = { ...irPort(port), lane: portLane(port), configurable: !isGroup && isConfigurable(port) };
        if (!isGroup && node.config[port.name] !== undefined && node.config[port.name] !== null) p.configValue = true;
        return p;
      }),
      outputs: node.outputs.map((port) => (isGroup || (port.laneMode && port.laneMode !== 'Single') ? { ...irPort(port), lane: portLane(port) } : irPort(port))),
      scope: node.scope,
      position: { x: box.x, y: box.y },
      expanded: entry?.expanded ?? false,
      placement: entry ? 'layout' : 'auto',
      isTrigger: node.isTrigger,
      isInfrastructure: node.isInfrastructure,
      laneDepth: checked.resolution.runDepth.get(node.id) ?? 0,
      requireOneOf: node.oneOfRequired,
      features: node.features,
      inline: node.inline,
      code: { line: node.line, column: node.column, endLine: node.endLine, endColumn: lineEnd(node.endLine) },
    };
    if (node.parentId !== undefined) ir.parent = node.parentId;
    if (node.label !== null) ir.label = node.label;
    if (node.description !== undefined) ir.description = node.description;
    if (box.width !== undefined && box.height !== undefined) ir.size = { width: box.width, height: box.height };
    return ir;
  });
  sizeExpandedGroups(nodes, boxes, fromLayout);
  const edges = checked.edges.map((edge): IREdge => {
    const source = { node: edge.source, port: plainHandle(edge.sourceHandle) };
    const target = { node: edge.target, port: plainHandle(edge.targetHandle) };
    const side = edge.targetIsSelf ? ':out' : '';
    return {
      id: `${source.node}.${source.port}->${target.node}.${target.port}${side}`,
      source,
      target,
      kind: edgeKind(edge),
      lane: checked.resolution.edgeLanes.get(edge) ?? SINGLE,
      code: { line: edge.line, column: edge.column, endLine: edge.line, endColumn: lineEnd(edge.line) },
    };
  });
  return { name: checked.name, description: checked.description, nodes, edges, executable: checked.executable };
}

function placeNodes(nodes: NodeInstance[], edges: Edge[], fromLayout: Map<string, LayoutEntry>): Map<string, Box> {
  const ids = new Set(nodes.map((n) => n.id));
  const fixed = new Map<string, Box>();
  for (const [id, entry] of fromLayout) {
    if (!ids.has(id)) continue;
    const box: Box = { x: entry.x, y: entry.y };
    if (entry.width !== undefined && entry.height !== undefined) Object.assign(box, { width: entry.width, height: entry.height });
    fixed.set(id, box);
  }
  const items = nodes.map((n) => ({ id: n.id, parent: n.parentId }));
  const links = edges.filter((e) => !e.sourceIsSelf && !e.targetIsSelf).map((e) => ({ from: e.source, to: e.target }));
  return autoLayout(items, links, fixed);
}

/** Open groups without a size in the layout get one that holds their children, innermost first. */
function sizeExpandedGroups(nodes: IRNode[], boxes: Map<string, Box>, fromLayout: Map<string, LayoutEntry>): void {
  const groups = nodes.filter((n) => n.kind === 'group' && n.expanded).sort((a, b) => b.scope.length - a.scope.length);
  const childrenOf = new Map<string, Box[]>();
  for (const n of nodes) {
    if (n.parent === undefined) continue;
    const list = childrenOf.get(n.parent);
    if (list) list.push(boxes.get(n.id)!);
    else childrenOf.set(n.parent, [boxes.get(n.id)!]);
  }
  for (const group of groups) {
    const box = boxes.get(group.id)!;
    if (box.width !== undefined || fromLayout.get(group.id)?.width !== undefined) continue;
    const children = childrenOf.get(group.id) ?? [];
    Object.assign(box, enclosingSize(children));
    group.size = { width: box.width!, height: box.height! };
  }
}

/** The layout entries that reproduce the graph's current positions (to save as layout text). */
export function layoutOf(graph: GraphIR): LayoutEntry[] {
  return graph.nodes.map((node) => {
    const entry: LayoutEntry = { id: node.id, x: node.position.x, y: node.position.y, expanded: node.kind === 'group' && node.expanded };
    if (node.kind === 'group' && !node.expanded) entry.collapsed = true;
    if (node.size) Object.assign(entry, node.size);
    return entry;
  });
}
