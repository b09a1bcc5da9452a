/**
 * From the parsed program to node instances and edges (LANGUAGE.md §8, §4, §7): catalog ports,
 * form-derived, declared, literal- and edge-created ports; edge checks; then the type pipeline and the
 * other checks. Every problem is reported; nothing stops at the first.
 */
import type { ParsedConnection, ParsedNode, ParsedProgram } from './ast';
import type { Diagnostic } from './diagnostics';
import { INNER, type Edge, type NodeInstance } from './model';
import { catalogEntry, defaultPorts, fieldKeys as catalogFieldKeys, formPorts, nodeTypeNames, RESERVED_CONFIG_KEYS, type NodePort } from './ports';
import { closest, suggestion } from './suggest';
import { formatType, inferType, isTextCompatible, type JsonValue } from './types';

export class Problems {
  readonly list: Diagnostic[] = [];

  error(line: number, column: number, message: string, code: string): void {
    this.add('error', line, column, message, code);
  }

  warning(line: number, column: number, message: string, code: string): void {
    this.add('warning', line, column, message, code);
  }

  private add(severity: Diagnostic['severity'], line: number, column: number, message: string, code: string): void {
    const at = Math.max(1, line);
    this.list.push({ severity, message, line: at, column: Math.max(1, column), endLine: at, code });
  }
}

export interface BuiltGraph {
  nodes: NodeInstance[];
  edges: Edge[];
  byId: Map<string, NodeInstance>;
}

function scopeChain(parentId: string | undefined): string[] {
  if (!parentId) return [];
  const parts = parentId.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** Catalog config coercion before checks (§8.6). */
function coerceConfig(node: ParsedNode): void {
  const entry = catalogEntry(node.type)!;
  if (entry.features.hasFormSchema && typeof node.config.fields === 'string') {
    try {
      node.config.fields = JSON.parse(node.config.fields) as JsonValue;
    } catch {
      // kept as written
    }
  }
  for (const field of entry.fields) {
    const value = node.config[field.key];
    if (value === undefined || value === null || typeof value !== 'string') continue;
    const outputType = entry.defaultOutputs.find((p) => p.name === field.key)?.portType;
    if (field.type === 'number' || outputType === 'Number') {
      const number = Number(value);
      if (!Number.isNaN(number)) node.config[field.key] = number;
    } else if (outputType?.startsWith('List[') || outputType?.startsWith('Dict[')) {
      try {
        node.config[field.key] = JSON.parse(value) as JsonValue;
      } catch {
        // kept as text
      }
    }
  }
}

function mergeGroups(into: string[][], groups: string[][]): void {
  for (const group of groups) {
    if (!into.some((g) => JSON.stringify(g) === JSON.stringify(group))) into.push([...group]);
  }
}

/** A node's ports and config, as the reference builds them (§8.1–§8.4). */
function buildInstance(node: ParsedNode, problems: Problems, parentOverride?: string): NodeInstance {
  const entry = catalogEntry(node.type)!;
  const features = entry.features;
  const oneOfRequired: string[][] = (features.oneOfRequired ?? []).map((g) => [...g]);
  mergeGroups(oneOfRequired, node.oneOfRequired);
  const { inputs, outputs } = defaultPorts(entry);
  const at = (message: string, code: string): void => problems.error(node.startLine, node.column, message, code);

  if (features.hasFormSchema) {
    const derived = formPorts(node.config.fields);
    const catalogIn = new Set(inputs.map((p) => p.name));
    const catalogOut = new Set(outputs.map((p) => p.name));
    for (const p of derived.inputs) {
      if (catalogIn.has(p.name)) at(`Node ${node.id}: form field key "${p.name}" conflicts with an existing input port. Use a different key.`, 'form-field-conflict');
      else inputs.push(p);
    }
    for (const p of derived.outputs) {
      if (catalogOut.has(p.name)) at(`Node ${node.id}: form field key "${p.name}" conflicts with an existing output port. Use a different key.`, 'form-field-conflict');
      else outputs.push(p);
    }
  }

  const declare = (declared: ParsedNode['inPorts'], ports: NodePort[], direction: 'input' | 'output', canAdd: boolean): void => {
    for (const wp of declared) {
      const existing = ports.find((p) => p.name === wp.name);
      if (existing) {
        if (direction === 'input') existing.required = wp.required;
        existing.declared = true;
        existing.writtenRequired = wp.required;
        if (wp.typeText && wp.typeText !== 'MustOverride') {
          if (existing.type === 'MustOverride' || isTextCompatible(wp.typeText, existing.type)) existing.type = wp.typeText;
          else at(`Node ${node.id}: ${direction} port "${wp.name}" has catalog type ${existing.type} but Weft declares incompatible type ${wp.typeText}`, 'incompatible-declaration');
        }
      } else if (canAdd) {
        const type = wp.typeText || 'MustOverride';
        if (type === 'MustOverride') at(`Node ${node.id}: new ${direction} port "${wp.name}" requires a type declaration (e.g. ${wp.name}: String)`, 'untyped-port');
        ports.push({ name: wp.name, type, required: direction === 'input' ? wp.required : false, declared: true, writtenRequired: wp.required, origin: 'declared' });
      } else {
        at(`Node ${node.id} (${node.type}): cannot add ${direction} port "${wp.name}", node does not support custom ${direction} ports`, 'cannot-add-port');
      }
    }
  };
  declare(node.inPorts, inputs, 'input', features.canAddInputPorts ?? false);
  declare(node.outPorts, outputs, 'output', features.canAddOutputPorts ?? false);

  const canAddFromLiterals = (features.canAddInputPorts ?? false) || (features.hasFormSchema ?? false);
  const inputNames = new Set(inputs.map((p) => p.name));
  const fieldKeys = new Set(catalogFieldKeys(entry));
  const outputNames = new Set(outputs.map((p) => p.name));
  for (const [key, value] of Object.entries(node.config)) {
    if (RESERVED_CONFIG_KEYS.has(key) || inputNames.has(key) || fieldKeys.has(key)) continue;
    if (value === null) {
      problems.warning(node.startLine, node.column,
        `Node ${node.id} (${node.type}): literal '${key}: null' is ignored. Null carries no value. Use '${key}: String?' in the signature if you want a nullable port.`,
        'null-literal');
      continue;
    }
    if (outputNames.has(key)) {
      at(`Node ${node.id} (${node.type}): cannot assign a literal to output port '${key}'. Output ports are produced by the node, not set by the user.`, 'literal-to-output');
      continue;
    }
    if (!canAddFromLiterals) {
      const known = [...fieldKeys, ...inputNames];
      const hint = closeName(key, known);
      at(`Node ${node.id} (${node.type}): cannot add custom input port '${key}' because this node type has a fixed port signature. ` +
        `Remove the assignment or use a node type that supports custom input ports.${hint}`, 'fixed-signature');
      continue;
    }
    inputs.push({ name: key, type: formatType(inferType(value)), required: false, declared: false, origin: 'literal' });
  }

  const parentId = parentOverride ?? node.parentId;
  const config: Record<string, JsonValue> = { ...node.config };
  if (parentId) config.parentId = parentId;
  const instance: NodeInstance = {
    id: node.id,
    type: node.type,
    kind: node.type === 'Group' ? 'group' : node.type === 'Annotation' ? 'annotation' : 'node',
    label: node.label,
    config,
    scope: scopeChain(parentId),
    inputs,
    outputs,
    oneOfRequired,
    isTrigger: features.isTrigger ?? false,
    isInfrastructure: features.isInfrastructure ?? false,
    features: { ...features, ...(oneOfRequired.length > 0 || features.oneOfRequired ? { oneOfRequired } : {}) },
    line: node.startLine,
    column: node.column,
    endLine: node.endLine,
    inline: node.inline,
  };
  if (parentId) instance.parentId = parentId;
  return instance;
}

/** Our own, stricter suggestion for names the reference offers none for (types, node ids). */
function closeName(name: string, candidates: Iterable<string>): string {
  const near = closest(name, candidates);
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}

function unknownType(type: string): string {
  return closeName(type, nodeTypeNames());
}

/** Builds node instances and checked edges (§8, §4.1, §7), reporting what the reference reports. */
export function buildGraph(parsed: ParsedProgram, problems: Problems): BuiltGraph {
  const nodes: NodeInstance[] = [];
  const rootIds = new Set<string>();
  for (const node of parsed.nodes) {
    if (!catalogEntry(node.type) || node.type === 'Passthrough') {
      problems.error(node.startLine, node.column, `Unknown node type: ${node.type}${unknownType(node.type)}`, 'unknown-node-type');
      continue;
    }
    if (rootIds.has(node.id)) {
      problems.error(node.startLine, node.column, `Duplicate node ID: ${node.id}`, 'duplicate-id');
      continue;
    }
    rootIds.add(node.id);
    coerceConfig(node);
    nodes.push(buildInstance(node, problems));
  }

  const skippedGroups = new Set<string>();
  const byScopeName = new Map<string, typeof parsed.groups>();
  for (const group of parsed.groups) {
    const key = `${group.parentGroupId ?? ''}\u0000${group.name}`;
    const list = byScopeName.get(key) ?? [];
    list.push(group);
    byScopeName.set(key, list);
  }
  for (const list of byScopeName.values()) {
    if (list.length < 2) continue;
    for (const group of list) {
      problems.error(group.startLine, group.column, `Duplicate group name '${group.name}' in same scope`, 'duplicate-group');
      skippedGroups.add(group.id);
    }
  }

  const connections: ParsedConnection[] = [...parsed.connections];
  for (const group of parsed.groups) {
    if (skippedGroups.has(group.id)) continue;
    const config: Record<string, JsonValue> = { expanded: true };
    if (group.parentGroupId) config.parentId = group.parentGroupId;
    if (group.description) config.description = group.description;
    const instance: NodeInstance = {
      id: group.id,
      type: 'Group',
      kind: 'group',
      label: group.name,
      config,
      scope: scopeChain(group.parentGroupId),
      inputs: group.inPorts.map((p) => ({ name: p.name, type: p.typeText, required: p.required, declared: true, origin: 'declared' })),
      outputs: group.outPorts.map((p) => ({ name: p.name, type: p.typeText, required: false, declared: true, writtenRequired: p.required, origin: 'declared' })),
      oneOfRequired: group.oneOfRequired.map((g) => [...g]),
      isTrigger: false,
      isInfrastructure: false,
      features: { oneOfRequired: group.oneOfRequired.map((g) => [...g]) },
      line: group.startLine,
      column: group.column,
      endLine: group.endLine,
      inline: false,
    };
    if (group.parentGroupId) instance.parentId = group.parentGroupId;
    if (group.description) instance.description = group.description;
    nodes.push(instance);
    for (const child of group.nodes) {
      if (!catalogEntry(child.type) || child.type === 'Passthrough') {
        problems.error(child.startLine, child.column, `Unknown node type in group: ${child.type}${unknownType(child.type)}`, 'unknown-node-type');
        continue;
      }
      coerceConfig(child);
      nodes.push(buildInstance(child, problems, group.id));
    }
    connections.push(...group.connections);
  }

  const byId = new Map<string, NodeInstance>();
  for (const node of nodes) if (!byId.has(node.id)) byId.set(node.id, node);

  // Edge-driven ports (§8.5): required, typed by a fresh variable that the source's type binds.
  for (const conn of connections) {
    if (conn.targetIsSelf || RESERVED_CONFIG_KEYS.has(conn.targetPort)) continue;
    const target = byId.get(conn.targetId);
    if (!target || target.inputs.some((p) => p.name === conn.targetPort)) continue;
    const entry = catalogEntry(target.type)!;
    if (entry.defaultOutputs.some((p) => p.name === conn.targetPort)) continue;
    if (catalogFieldKeys(entry).includes(conn.targetPort)) continue;
    if (!(entry.features.canAddInputPorts || entry.features.hasFormSchema)) continue;
    const variable = `T__${`${target.id}_${conn.targetPort}`.replace(/[^A-Za-z0-9_]/g, '_')}`;
    target.inputs.push({ name: conn.targetPort, type: variable, required: true, declared: false, origin: 'edge' });
  }

  const edges: Edge[] = [];
  const connected = new Set<string>();
  const members = new Map<string, Set<string>>();
  for (const node of nodes) {
    const scope = node.parentId ?? '__root__';
    const set = members.get(scope) ?? new Set<string>();
    set.add(node.id);
    members.set(scope, set);
  }
  const reachable = (id: string, scopeId: string): boolean => {
    if (members.get(scopeId)?.has(id)) return true;
    const node = byId.get(id);
    if (!node) return false;
    const home = node.parentId ?? '__root__';
    let cur: string | undefined = scopeId;
    while (cur && cur !== '__root__') {
      cur = byId.get(cur)?.parentId ?? '__root__';
      if (home === cur) return true;
    }
    return home === '__root__';
  };
  const visibleIds = (scopeId: string): string[] => [...(members.get(scopeId) ?? [])].map((id) => id.slice(id.lastIndexOf('.') + 1));

  for (const conn of connections) {
    const source = byId.get(conn.sourceId);
    const target = byId.get(conn.targetId);
    const fail = (message: string, code: string): void => problems.error(conn.line, conn.column, message, code);
    if (!source) {
      fail(`Connection references unknown source node: ${conn.sourceId}${closeName(localName(conn.sourceId), visibleIds(conn.scopeId))}`, 'unknown-node');
      continue;
    }
    if (!target) {
      fail(`Connection references unknown target node: ${conn.targetId}${closeName(localName(conn.targetId), visibleIds(conn.scopeId))}`, 'unknown-node');
      continue;
    }
    if (!conn.sourceIsSelf && !reachable(conn.sourceId, conn.scopeId)) {
      fail(`Node '${conn.sourceId}' is not in this scope`, 'out-of-scope');
      continue;
    }
    if (!conn.targetIsSelf && !reachable(conn.targetId, conn.scopeId)) {
      fail(`Node '${conn.targetId}' is not in this scope`, 'out-of-scope');
      continue;
    }
    const isGroup = (n: NodeInstance): boolean => n.type === 'Group';
    const sourcePort =
      source.outputs.find((p) => p.name === conn.sourcePort) ??
      (conn.sourcePort === '_raw' && !isGroup(source) ? { name: '_raw' } : undefined) ??
      (conn.sourceIsSelf && isGroup(source) ? source.inputs.find((p) => p.name === conn.sourcePort) : undefined);
    if (!sourcePort) {
      fail(`${isGroup(source) ? 'Group' : 'Node'} ${conn.sourceId} has no output port: ${conn.sourcePort}` +
        `${suggestion(conn.sourcePort, source.outputs.map((p) => p.name))}`, 'unknown-port');
      continue;
    }
    const targetPort =
      target.inputs.find((p) => p.name === conn.targetPort) ??
      (conn.targetIsSelf && isGroup(target) ? target.outputs.find((p) => p.name === conn.targetPort) : undefined);
    if (!targetPort) {
      const candidates = target.inputs.map((p) => p.name);
      const hint = suggestion(conn.targetPort, candidates);
      const available = candidates.length > 0 ? ` (available: ${candidates.join(', ')})` : '';
      fail(`${isGroup(target) ? 'Group' : 'Node'} ${conn.targetId} has no input port: ${conn.targetPort}${hint || available}`, 'unknown-port');
      continue;
    }
    const key = `${conn.targetId}.${conn.targetPort}${conn.targetIsSelf ? INNER : ''}`;
    if (connected.has(key)) {
      fail(`Input port ${conn.targetId}.${conn.targetPort} already has a connection`, 'duplicate-connection');
      continue;
    }
    connected.add(key);
    edges.push({
      source: conn.sourceId,
      sourceHandle: conn.sourceIsSelf ? `${conn.sourcePort}${INNER}` : conn.sourcePort,
      target: conn.targetId,
      targetHandle: conn.targetIsSelf ? `${conn.targetPort}${INNER}` : conn.targetPort,
      sourceIsSelf: conn.sourceIsSelf,
      targetIsSelf: conn.targetIsSelf,
      line: conn.line,
      column: conn.column,
    });
  }
  return { nodes, edges, byId };
}

const localName = (id: string): string => id.slice(id.lastIndexOf('.') + 1);
