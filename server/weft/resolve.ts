/**
 * Type resolution and lane inference (LANGUAGE.md §10) on the graph with groups expanded into
 * `<g>__in` / `<g>__out` boundary nodes: dynamic types, type variables, boundary narrowing, expand/gather
 * inference, stack depth, edge types, leftovers and the warnings, in the reference's order.
 */
import type { Problems } from './build';
import { INNER, type Edge, type NodeInstance } from './model';
import { catalogEntry, type NodePort } from './ports';
import {
  containsTypeVar, expandDepth, formatType, gatherDepth, includesNull, isCompatible, isTextCompatible, isUnresolved,
  laneFromDelta, parseWeftType, SINGLE, substitute, unionOf, withoutNull, type LaneMode, type WeftType,
} from './types';

interface ExpandedNode {
  id: string;
  type: string;
  passthrough: boolean;
  inputs: NodePort[];
  outputs: NodePort[];
  /** The program node (or, for a boundary node, its group). */
  origin: NodeInstance;
}

interface ExpandedEdge {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  origin: Edge;
}

export interface Resolution {
  /** Lane mode of each edge (the lane of the input it feeds, boundary inputs included). */
  edgeLanes: Map<Edge, LaneMode>;
  /** Depth at which each node runs (groups: the depth of their inputs). */
  runDepth: Map<string, number>;
}

const parse = (text: string): WeftType | null => parseWeftType(text);
const unresolvedText = (text: string | undefined): boolean => text !== undefined && isUnresolved(parse(text));
const laneOf = (port: NodePort): LaneMode =>
  port.laneMode === 'Expand' ? { mode: 'expand', depth: port.laneDepth ?? 1 }
    : port.laneMode === 'Gather' ? { mode: 'gather', depth: port.laneDepth ?? 1 } : SINGLE;

function expandGroups(nodes: NodeInstance[], edges: Edge[], byId: Map<string, NodeInstance>): { nodes: ExpandedNode[]; edges: ExpandedEdge[] } {
  const expanded: ExpandedNode[] = [];
  for (const node of nodes) {
    if (node.type !== 'Group') {
      expanded.push({ id: node.id, type: node.type, passthrough: false, inputs: node.inputs, outputs: node.outputs, origin: node });
      continue;
    }
    expanded.push({
      id: `${node.id}__in`, type: 'Passthrough', passthrough: true, origin: node,
      inputs: node.inputs.map((p) => ({ ...p })),
      outputs: node.inputs.map((p) => ({ name: p.name, type: p.type, required: false, laneMode: 'Single', declared: false, origin: 'declared' })),
    });
    expanded.push({
      id: `${node.id}__out`, type: 'Passthrough', passthrough: true, origin: node,
      inputs: node.outputs.map((p) => {
        let type = p.type;
        const parsed = parse(p.type);
        if (p.laneMode === 'Gather' && parsed?.kind === 'list') type = formatType(parsed.item);
        else if (p.laneMode === 'Expand') type = `List[${p.type}]`;
        return { name: p.name, type, required: false, laneMode: 'Single', declared: false, origin: 'declared' };
      }),
      outputs: node.outputs.map((p) => ({ ...p })),
    });
  }
  const isGroup = (id: string): boolean => byId.get(id)?.type === 'Group';
  const expandedEdges = edges.map((edge): ExpandedEdge => {
    if (edge.sourceHandle.endsWith(INNER)) {
      return { source: `${edge.source}__in`, sourceHandle: edge.sourceHandle.slice(0, -INNER.length), target: edge.target, targetHandle: edge.targetHandle, origin: edge };
    }
    if (edge.targetHandle.endsWith(INNER)) {
      return { source: edge.source, sourceHandle: edge.sourceHandle, target: `${edge.target}__out`, targetHandle: edge.targetHandle.slice(0, -INNER.length), origin: edge };
    }
    return {
      source: isGroup(edge.source) ? `${edge.source}__out` : edge.source,
      sourceHandle: edge.sourceHandle,
      target: isGroup(edge.target) ? `${edge.target}__in` : edge.target,
      targetHandle: edge.targetHandle,
      origin: edge,
    };
  });
  return { nodes: expanded, edges: expandedEdges };
}

/** Pack's out and Unpack's in take the union of the other side's types (step 1). */
function resolveDynamicTypes(node: ExpandedNode): void {
  const union = (ports: NodePort[]): string => [...new Set(ports.map((p) => p.type))].join(' | ');
  if (node.type === 'Pack' && node.inputs.length > 0) {
    const out = node.outputs.find((p) => p.name === 'out');
    if (out) out.type = `Dict[String, ${union(node.inputs)}]`;
  }
  if (node.type === 'Unpack' && node.outputs.length > 0) {
    const input = node.inputs.find((p) => p.name === 'in');
    if (input) input.type = `Dict[String, ${union(node.outputs)}]`;
  }
}

class Bindings {
  readonly map = new Map<string, WeftType>();

  constructor(private readonly nodeId: string, private readonly problems: Problems) {}

  bind(name: string, concrete: WeftType, line: number, column: number): void {
    const existing = this.map.get(name);
    if (!existing) {
      this.map.set(name, concrete);
      return;
    }
    if (!isCompatible(concrete, existing) && !isCompatible(existing, concrete)) {
      this.problems.error(line, column,
        `Node ${this.nodeId}: type variable ${name} has conflicting bindings: ${formatType(existing)} vs ${formatType(concrete)}`, 'type-variable-conflict');
    }
  }

  /** Structural matching of a pattern against a concrete type (step 2). */
  extract(pattern: WeftType, concrete: WeftType, line: number, column: number): void {
    if (pattern.kind === 'typeVar') {
      if (!isUnresolved(concrete)) this.bind(pattern.name, concrete, line, column);
      return;
    }
    if (pattern.kind === 'list' && concrete.kind === 'list') return this.extract(pattern.item, concrete.item, line, column);
    if (pattern.kind === 'dict' && concrete.kind === 'dict') {
      this.extract(pattern.key, concrete.key, line, column);
      this.extract(pattern.value, concrete.value, line, column);
      return;
    }
    if (pattern.kind !== 'union') return;
    const concreteMembers = concrete.kind === 'union' ? concrete.members : [concrete];
    const fixed = pattern.members.filter((t) => t.kind !== 'typeVar');
    const variables = pattern.members.filter((t): t is { kind: 'typeVar'; name: string } => t.kind === 'typeVar');
    if (variables.length === 0) {
      if (concrete.kind === 'union' && pattern.members.length === concrete.members.length) {
        pattern.members.forEach((m, i) => this.extract(m, concrete.members[i]!, line, column));
      }
      return;
    }
    const pool = concreteMembers.filter((c) => !fixed.some((p) => isCompatible(c, p) && isCompatible(p, c)));
    while (pool.length < variables.length) pool.push({ kind: 'primitive', name: 'Empty' });
    variables.forEach((variable, i) => {
      if (i === variables.length - 1) this.bind(variable.name, pool.length === 1 ? pool[0]! : unionOf(pool), line, column);
      else this.bind(variable.name, pool.shift()!, line, column);
    });
  }
}

function substituteText(text: string, bindings: Map<string, WeftType>): string {
  const parsed = parse(text);
  return parsed ? formatType(substitute(parsed, bindings)) : text;
}

export function resolveTypes(nodes: NodeInstance[], edges: Edge[], byId: Map<string, NodeInstance>, problems: Problems): Resolution {
  const expanded = expandGroups(nodes, edges, byId);
  const xNodes = expanded.nodes;
  const xEdges = expanded.edges;
  const nodeById = new Map<string, ExpandedNode>();
  for (const n of xNodes) if (!nodeById.has(n.id)) nodeById.set(n.id, n);
  const inputOf = (id: string, port: string): NodePort | undefined => nodeById.get(id)?.inputs.find((p) => p.name === port);
  const outputOf = (id: string, port: string): NodePort | undefined => nodeById.get(id)?.outputs.find((p) => p.name === port);
  const lineOf = (node: ExpandedNode): { line: number; column: number } => ({ line: node.origin.line, column: node.origin.column });

  for (const node of xNodes) resolveDynamicTypes(node);

  // Step 2: type variables, one pass in node order.
  const touching = new Map<string, ExpandedEdge[]>();
  for (const edge of xEdges) {
    for (const id of edge.source === edge.target ? [edge.target] : [edge.target, edge.source]) {
      const list = touching.get(id);
      if (list) list.push(edge);
      else touching.set(id, [edge]);
    }
  }
  for (const node of xNodes) {
    const bindings = new Bindings(node.id, problems);
    for (const edge of touching.get(node.id) ?? []) {
      const { line, column } = edge.origin;
      if (edge.target === node.id) {
        const targetPort = node.inputs.find((p) => p.name === edge.targetHandle);
        const sourceType = outputOf(edge.source, edge.sourceHandle)?.type;
        if (targetPort && sourceType !== undefined && !unresolvedText(sourceType)) {
          const pattern = parse(targetPort.type);
          if (pattern && containsTypeVar(pattern)) {
            const concrete = parse(sourceType);
            if (concrete) bindings.extract(pattern, concrete, line, column);
            if (bindings.map.size > 0) targetPort.type = substituteText(targetPort.type, bindings.map);
          }
        }
      }
      if (edge.source === node.id) {
        const sourcePort = node.outputs.find((p) => p.name === edge.sourceHandle);
        const pattern = sourcePort ? parse(sourcePort.type) : null;
        if (sourcePort && pattern && containsTypeVar(pattern)) {
          const targetPort = inputOf(edge.target, edge.targetHandle);
          if (targetPort && !unresolvedText(targetPort.type)) {
            let wire = targetPort.type;
            if (targetPort.laneMode === 'Expand') wire = `List[${wire}]`;
            else if (targetPort.laneMode === 'Gather') {
              const parsed = parse(wire);
              if (parsed?.kind === 'list') wire = formatType(parsed.item);
            }
            const concrete = parse(wire);
            if (!unresolvedText(wire) && concrete) bindings.extract(pattern, concrete, line, column);
          }
        }
      }
    }
    if (bindings.map.size > 0) {
      for (const port of [...node.inputs, ...node.outputs]) {
        const parsed = parse(port.type);
        if (parsed && containsTypeVar(parsed)) port.type = formatType(substitute(parsed, bindings.map));
      }
    }
  }

  // Step 2.05: boundary outputs take the type that feeds them.
  const firstInto = new Map<string, ExpandedEdge>();
  for (const edge of xEdges) {
    const key = `${edge.target}\u0000${edge.targetHandle}`;
    if (!firstInto.has(key)) firstInto.set(key, edge);
  }
  const passthroughs = xNodes.filter((n) => n.passthrough);
  for (let iteration = 0, changed = true; changed && iteration <= xNodes.length; iteration++) {
    changed = false;
    const snapshot = new Map<string, string>();
    for (const node of passthroughs) {
      for (const port of node.outputs) {
        const incoming = firstInto.get(`${node.id}\u0000${port.name}`);
        if (!incoming) continue;
        const key = `${incoming.source}\u0000${incoming.sourceHandle}`;
        if (!snapshot.has(key)) {
          const type = outputOf(incoming.source, incoming.sourceHandle)?.type;
          if (type !== undefined) snapshot.set(key, type);
        }
      }
    }
    for (const node of passthroughs) {
      for (const port of node.outputs) {
        const incoming = firstInto.get(`${node.id}\u0000${port.name}`);
        if (!incoming) continue;
        const source = snapshot.get(`${incoming.source}\u0000${incoming.sourceHandle}`);
        if (source === undefined || unresolvedText(source) || !isTextCompatible(source, port.type)) continue;
        if (source !== port.type) {
          port.type = source;
          changed = true;
        }
      }
    }
  }

  // Step 2.5: expand / gather where the types differ.
  for (const edge of xEdges) {
    const sourcePort = outputOf(edge.source, edge.sourceHandle);
    const targetPort = inputOf(edge.target, edge.targetHandle);
    if (!sourcePort || !targetPort) continue;
    if (targetPort.laneMode && targetPort.laneMode !== 'Single') continue;
    const source = parse(sourcePort.type);
    const target = parse(targetPort.type);
    if (isUnresolved(source) || isUnresolved(target)) continue;
    if (source && target && isCompatible(source, target)) continue;
    const targetNode = nodeById.get(edge.target)!;
    const catalogPort = !targetNode.passthrough && (catalogEntry(targetNode.type)?.defaultInputs.some((p) => p.name === targetPort.name) ?? false);
    const { line, column } = edge.origin;
    const what = `${edge.source}.${edge.sourceHandle} (${sourcePort.type}) feeds ${edge.target}.${edge.targetHandle} (${targetPort.type})`;
    const fix = `If unintended, add a processing node to convert the type before connecting to ${edge.target}.${edge.targetHandle}.`;
    const expand = source && target ? expandDepth(source, target) : 0;
    if (expand > 0) {
      targetPort.laneMode = 'Expand';
      targetPort.laneDepth = expand;
      if (catalogPort) problems.warning(line, column, `Implicit expand: ${what}. This will fan out the list into parallel lanes. ${fix}`, 'implicit-expand');
      continue;
    }
    const gather = source && target ? gatherDepth(source, target) : 0;
    if (gather > 0) {
      targetPort.laneMode = 'Gather';
      targetPort.laneDepth = gather;
      if (catalogPort) problems.warning(line, column, `Implicit gather: ${what}. This will collect all parallel values into a list. ${fix}`, 'implicit-gather');
    }
  }
  // Boundary lanes belong to the group's own ports.
  for (const node of passthroughs) {
    const group = node.origin;
    const isIn = node.id.endsWith('__in');
    const [ports, groupPorts] = isIn ? [node.inputs, group.inputs] : [node.inputs, group.outputs];
    for (const port of ports) {
      const groupPort = groupPorts.find((p) => p.name === port.name);
      if (groupPort && port.laneMode && port.laneMode !== 'Single') {
        groupPort.laneMode = port.laneMode;
        groupPort.laneDepth = port.laneDepth;
      }
    }
    // A group port typed by a variable (an input an edge created, `T`) shows the type its boundary resolved to.
    for (const resolved of isIn ? node.inputs : node.outputs) {
      const groupPort = groupPorts.find((p) => p.name === resolved.name);
      if (groupPort && unresolvedText(groupPort.type) && !unresolvedText(resolved.type)) groupPort.type = resolved.type;
    }
  }

  // Step 3: stack depth.
  const runDepth = new Map<string, number>();
  const outputDepth = new Map<string, number>();
  const incoming = new Map<string, ExpandedEdge[]>();
  const outgoing = new Map<string, ExpandedEdge[]>();
  for (const edge of xEdges) {
    (incoming.get(edge.target) ?? incoming.set(edge.target, []).get(edge.target)!).push(edge);
    (outgoing.get(edge.source) ?? outgoing.set(edge.source, []).get(edge.source)!).push(edge);
  }
  const processed = new Set<string>();
  const queue: string[] = [];
  for (const node of xNodes) {
    if (incoming.has(node.id)) continue;
    let depth = 0;
    for (const port of node.outputs) {
      if (port.laneMode === 'Expand') depth = 1;
      else if (port.laneMode === 'Gather') depth = -1;
    }
    outputDepth.set(node.id, depth);
    runDepth.set(node.id, 0);
    processed.add(node.id);
    queue.push(node.id);
  }
  for (let q = 0; q < queue.length; q++) {
    const sourceId = queue[q]!;
    const sourceDepth = outputDepth.get(sourceId) ?? 0;
    for (const edge of outgoing.get(sourceId) ?? []) {
      const target = nodeById.get(edge.target);
      if (!target) continue;
      const port = target.inputs.find((p) => p.name === edge.targetHandle);
      const portDepth = port?.laneDepth ?? 1;
      let depth = sourceDepth;
      const { line, column } = edge.origin;
      if (port?.laneMode === 'Expand') depth += portDepth;
      else if (port?.laneMode === 'Gather') {
        if (sourceDepth < portDepth) {
          problems.error(line, column,
            `Gather error: ${edge.target}.${edge.targetHandle} tries to gather ${portDepth} level(s) but current depth is only ${sourceDepth}.`, 'gather-depth');
        }
        depth -= portDepth;
      }
      let out = depth;
      for (const op of target.outputs) {
        const opDepth = op.laneDepth ?? 1;
        if (op.laneMode === 'Expand') out = depth + opDepth;
        else if (op.laneMode === 'Gather') {
          if (depth < opDepth) {
            problems.error(line, column,
              `Gather error: ${edge.target}.${op.name} tries to gather ${opDepth} level(s) but current depth is only ${depth}.`, 'gather-depth');
          }
          out = depth - opDepth;
        }
      }
      runDepth.set(edge.target, Math.max(runDepth.get(edge.target) ?? depth, depth));
      const existing = outputDepth.get(edge.target);
      if (existing === undefined || out > existing) outputDepth.set(edge.target, out);
      if (!processed.has(edge.target) && (incoming.get(edge.target) ?? []).every((e) => processed.has(e.source))) {
        processed.add(edge.target);
        queue.push(edge.target);
      }
    }
  }

  // Step 4: edge types.
  const edgeLanes = new Map<Edge, LaneMode>();
  for (const edge of xEdges) {
    const sourcePort = outputOf(edge.source, edge.sourceHandle);
    const targetPort = inputOf(edge.target, edge.targetHandle);
    if (targetPort) edgeLanes.set(edge.origin, laneOf(targetPort));
    if (!sourcePort || !targetPort) continue;
    const sourceWire = sourcePort.type;
    let targetWire = targetPort.type;
    const depth = targetPort.laneDepth ?? 1;
    if (targetPort.laneMode === 'Expand') {
      for (let d = 0; d < depth; d++) targetWire = `List[${targetWire}]`;
    } else if (targetPort.laneMode === 'Gather') {
      for (let d = 0; d < depth; d++) {
        const parsed = parse(targetWire);
        if (parsed?.kind !== 'list') break;
        targetWire = formatType(parsed.item);
      }
    }
    if (unresolvedText(sourceWire) || unresolvedText(targetWire)) continue;
    let effective = parse(sourceWire);
    if (effective && sourceWire.includes('Null') && effective.kind === 'union') effective = withoutNull(effective);
    const target = parse(targetWire);
    if (!effective || !target || !isCompatible(effective, target)) {
      problems.error(edge.origin.line, edge.origin.column,
        `Type mismatch: ${edge.source}.${edge.sourceHandle} outputs ${sourceWire} but ${edge.target}.${edge.targetHandle} expects ${targetWire}`, 'type-mismatch');
    }
  }

  // Step 4b: connected ports left unresolved.
  const connectedIn = new Set(xEdges.map((e) => `${e.target}\u0000${e.targetHandle}`));
  const connectedOut = new Set(xEdges.map((e) => `${e.source}\u0000${e.sourceHandle}`));
  for (const node of xNodes) {
    const { line, column } = lineOf(node);
    const check = (port: NodePort, direction: 'input' | 'output'): void => {
      if (port.type === 'MustOverride') {
        problems.error(line, column, `Node ${node.id}: ${direction} port "${port.name}" requires a type declaration (e.g. ${port.name}: String)`, 'untyped-port');
      } else {
        const parsed = parse(port.type);
        if (parsed && containsTypeVar(parsed)) {
          problems.error(line, column,
            `Node ${node.id}: ${direction} port "${port.name}" has unresolved type variable in '${port.type}', could not infer type from connections`, 'unresolved-type-variable');
        }
      }
    };
    for (const port of node.inputs) if (connectedIn.has(`${node.id}\u0000${port.name}`)) check(port, 'input');
    for (const port of node.outputs) if (connectedOut.has(`${node.id}\u0000${port.name}`)) check(port, 'output');
  }

  // Step 5: warnings.
  for (const node of xNodes) {
    const { line, column } = lineOf(node);
    for (const port of node.inputs) {
      if (port.laneMode !== 'Gather') continue;
      const parsed = parse(port.type);
      if (parsed?.kind !== 'list' || includesNull(parsed.item)) continue;
      const inner = formatType(parsed.item);
      problems.warning(line, column,
        `${node.id}.${port.name} gathers data but its type List[${inner}] doesn't handle null lanes. Consider using List[${inner} | Null] in case some lanes were skipped.`,
        'gather-null-lanes');
    }
  }
  const usedOutputs = new Set(edges.map((e) => `${e.source}\u0000${e.sourceHandle}`));
  for (const node of nodes) {
    if (node.outputs.length === 0) continue;
    if (node.outputs.some((p) => usedOutputs.has(`${node.id}\u0000${p.name}`))) continue;
    problems.warning(node.line, node.column,
      `Node ${node.id} (${node.type}): has outputs (${node.outputs.map((p) => p.name).join(', ')}) but none are connected to other nodes. Consider connecting it or removing it.`,
      'outputs-unconnected');
  }
  for (const node of nodes) {
    if (node.inputs.length === 0) continue;
    const wired = node.inputs.filter((p) => connectedIn.has(`${node.id}\u0000${p.name}`));
    if (wired.length === 0) continue;
    const permissive = wired.every((p) => !p.required || includesNull(parse(p.type)));
    if (!permissive || node.oneOfRequired.length > 0) continue;
    const label = node.type === 'Group' ? 'Group' : 'Node';
    problems.warning(node.line, node.column,
      `${label} ${node.id}: no connected input will cause a skip if null (${wired.map((p) => p.name).join(', ')}). ` +
        `This ${label.toLowerCase()} will execute even if all inputs are null. Consider making at least one input required (without Null in type) or using @require_one_of().`,
      'never-skips');
  }

  for (const node of nodes) {
    if (node.type !== 'Group') continue;
    runDepth.set(node.id, runDepth.get(`${node.id}__in`) ?? 0);
  }
  return { edgeLanes, runDepth };
}

export { laneFromDelta };
