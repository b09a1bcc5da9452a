/** Collects the declared nodes scope by scope and works out each node's ports and config. */
import type { Connection, NodeDecl, PortList, Statement } from './ast';
import { errorAt, warningAt, type Diagnostic } from './diagnostics';
import { catalog, GROUP_TYPE, nodeTypeNames } from '../nodes/catalog';
import { portsOf, type ConfigProblem, type NodeDefinition, type PortSpec } from '../nodes/definition';
import { findPort, type ResolvedNode, type ResolvedPort } from './model';
import { didYouMean } from './suggest';
import {
  describeValue, formatType, isAssignable, JSON_DICT, parseType, typeOf, valueFits, type JsonValue, type WeftType,
} from './types';
import { formatPath, spanAtPath, toJson } from './values';

/** Nodes by scope: `''` is the top level, otherwise the qualified id of the group. */
export interface Scopes {
  nodes: ResolvedNode[];
  byScope: Map<string, Map<string, ResolvedNode>>;
  byId: Map<string, ResolvedNode>;
  connections: { connection: Connection; scope: string }[];
}

export const RESERVED_IDS = new Set(['self']);

export function collectNodes(statements: Statement[], diagnostics: Diagnostic[]): Scopes {
  const scopes: Scopes = { nodes: [], byScope: new Map([['', new Map()]]), byId: new Map(), connections: [] };
  collectInto(statements, [], scopes, diagnostics);
  return scopes;
}

function collectInto(statements: Statement[], scope: string[], scopes: Scopes, diagnostics: Diagnostic[]): void {
  const scopeKey = scope[scope.length - 1] ?? '';
  const siblings = scopes.byScope.get(scopeKey)!;
  for (const statement of statements) {
    if (statement.kind === 'connection') {
      scopes.connections.push({ connection: statement, scope: scopeKey });
      continue;
    }
    const previous = siblings.get(statement.id);
    if (RESERVED_IDS.has(statement.id)) {
      diagnostics.push(errorAt(statement.idSpan, 'reserved-id', `"${statement.id}" is reserved for a group's own ports; choose another id`));
      continue;
    }
    if (previous) {
      const at = previous.decl.idSpan.start;
      diagnostics.push(errorAt(statement.idSpan, 'duplicate-id',
        `duplicate id "${statement.id}": already declared at line ${at.line}:${at.column}`));
      continue;
    }
    const node = newNode(statement, scope);
    siblings.set(statement.id, node);
    scopes.byId.set(node.id, node);
    scopes.nodes.push(node);
    if (node.kind === 'group') {
      scopes.byScope.set(node.id, new Map());
      collectInto(statement.body, [...scope, node.id], scopes, diagnostics);
    } else {
      for (const inner of statement.body) {
        const span = inner.kind === 'node' ? inner.idSpan : inner.span;
        diagnostics.push(errorAt(span, 'nodes-outside-group',
          `only a Group holds nodes and connections; ${statement.id} is a ${statement.type}`));
      }
    }
  }
}

function newNode(decl: NodeDecl, scope: string[]): ResolvedNode {
  const parent = scope[scope.length - 1];
  const definition = catalog.get(decl.type);
  return {
    id: parent === undefined ? decl.id : `${parent}.${decl.id}`,
    localId: decl.id,
    type: decl.type,
    kind: decl.type === GROUP_TYPE ? 'group' : definition && !definition.runs ? 'annotation' : 'node',
    decl,
    scope,
    inputs: [],
    outputs: [],
    config: {},
    requireOneOf: [],
    definition,
    known: decl.type === GROUP_TYPE || definition !== undefined,
  };
}

// ── ports and config of one node ─────────────────────────────────────────────

export function resolveNode(node: ResolvedNode, diagnostics: Diagnostic[]): void {
  node.config = readConfig(node, diagnostics);
  const declaredInputs = readPortList(node.decl.inputs, diagnostics);
  const declaredOutputs = readPortList(node.decl.outputs, diagnostics);
  if (node.kind === 'group') {
    node.inputs = declaredInputs;
    node.outputs = declaredOutputs;
  } else if (node.definition) {
    checkDeclaredPortsAllowed(node, node.definition, diagnostics);
    resolveCatalogPorts(node, node.definition, declaredInputs, declaredOutputs, diagnostics);
  } else {
    diagnostics.push(errorAt(node.decl.typeSpan, 'unknown-node-type',
      `unknown node type "${node.type}"${didYouMean(node.type, nodeTypeNames())}`));
    node.inputs = declaredInputs;
    node.outputs = declaredOutputs;
  }
  node.requireOneOf = readRequireOneOf(node, diagnostics);
  checkConfig(node, diagnostics);
}

function readConfig(node: ResolvedNode, diagnostics: Diagnostic[]): Record<string, JsonValue> {
  const config: Record<string, JsonValue> = {};
  for (const entry of node.decl.config) {
    if (entry.key in config) {
      diagnostics.push(errorAt(entry.keySpan, 'duplicate-config-key', `config key "${entry.key}" is set twice in ${node.localId}`));
      continue;
    }
    config[entry.key] = toJson(entry.value);
  }
  return config;
}

function readPortList(list: PortList | undefined, diagnostics: Diagnostic[]): ResolvedPort[] {
  const ports: ResolvedPort[] = [];
  for (const port of list?.ports ?? []) {
    if (ports.some((p) => p.name === port.name)) {
      diagnostics.push(errorAt(port.nameSpan, 'duplicate-port', `port "${port.name}" is declared twice`));
      continue;
    }
    ports.push({ name: port.name, type: readType(port.typeText, port.typeSpan, diagnostics), optional: port.optional, declared: true, span: port.span });
  }
  return ports;
}

function readType(text: string, span: PortList['span'], diagnostics: Diagnostic[]): WeftType {
  const parsed = parseType(text);
  if (parsed.ok) return parsed.type;
  const name = /^[A-Za-z_]\w*/.exec(text.slice(parsed.offset))?.[0];
  const hint = name && parsed.message.startsWith('unknown type')
    ? didYouMean(name, ['String', 'Number', 'Boolean', 'Null', 'JsonDict', 'List', 'Dict', 'Image', 'Audio', 'Video', 'Document', 'Media'])
    : '';
  diagnostics.push(errorAt(span, 'invalid-type', `invalid type "${text}": ${parsed.message}${hint}`));
  // JsonDict fits everywhere, so a broken type does not cascade into mismatches.
  return JSON_DICT;
}

function checkDeclaredPortsAllowed(node: ResolvedNode, definition: NodeDefinition, diagnostics: Diagnostic[]): void {
  const { inputs, outputs } = node.decl;
  if (inputs && definition.declaredInputs === 'none') {
    diagnostics.push(errorAt(inputs.span, 'declared-ports-not-allowed',
      `${node.type} does not take declared inputs; its inputs are ${listPorts(definition.inputs)}`));
  }
  if (outputs && definition.declaredOutputs === 'none') {
    diagnostics.push(errorAt(outputs.span, 'declared-ports-not-allowed',
      `${node.type} does not take declared outputs; its outputs are ${listPorts(definition.outputs)}`));
  }
  if (outputs && definition.declaredOutputs === 'narrow') checkNarrowedOutputs(node, definition, outputs, diagnostics);
}

function checkNarrowedOutputs(node: ResolvedNode, definition: NodeDefinition, outputs: PortList, diagnostics: Diagnostic[]): void {
  for (const port of outputs.ports) {
    const fixed = definition.outputs.find((o) => o.name === port.name);
    if (!fixed) {
      diagnostics.push(errorAt(port.nameSpan, 'unknown-port',
        `${node.type} has no output "${port.name}" to narrow${didYouMean(port.name, definition.outputs.map((o) => o.name))}; its outputs are ${listPorts(definition.outputs)}`));
      continue;
    }
    const parsed = parseType(port.typeText);
    if (parsed.ok && !isAssignable(parsed.type, typeOf(fixed.type))) {
      diagnostics.push(errorAt(port.typeSpan, 'type-mismatch',
        `${node.type}.${fixed.name} is ${fixed.type}; a declared type can only narrow it, and ${port.typeText} does not fit`));
    }
  }
}

function resolveCatalogPorts(
  node: ResolvedNode, definition: NodeDefinition, declaredInputs: ResolvedPort[], declaredOutputs: ResolvedPort[], diagnostics: Diagnostic[],
): void {
  const asSpec = (port: ResolvedPort): PortSpec => ({ name: port.name, type: formatType(port.type), optional: port.optional });
  const derived = portsOf(definition, node.config, { inputs: declaredInputs.map(asSpec), outputs: declaredOutputs.map(asSpec) });
  const toPort = (spec: PortSpec, declared: ResolvedPort[]): ResolvedPort => {
    const written = declared.find((p) => p.name === spec.name);
    return written ?? { name: spec.name, type: typeOf(spec.type), optional: spec.optional ?? false, declared: false };
  };
  node.inputs = derived.inputs.map((spec) => toPort(spec, declaredInputs));
  node.outputs = derived.outputs.map((spec) => toPort(spec, declaredOutputs));
  for (const problem of derived.problems ?? []) reportConfigProblem(node, problem, diagnostics);
}

function readRequireOneOf(node: ResolvedNode, diagnostics: Diagnostic[]): string[][] {
  const groups: string[][] = [];
  for (const rule of node.decl.outputs?.requireOneOf ?? []) {
    diagnostics.push(errorAt(rule.span, 'require-one-of', '@require_one_of belongs in the input list, not the output list'));
  }
  for (const rule of node.decl.inputs?.requireOneOf ?? []) {
    const names: string[] = [];
    for (const { name, span } of rule.ports) {
      const port = findPort(node.inputs, name);
      if (!port) {
        diagnostics.push(errorAt(span, 'require-one-of',
          `@require_one_of names "${name}", which is not an input of ${node.localId}${didYouMean(name, node.inputs.map((p) => p.name))}`));
      } else if (!port.optional) {
        diagnostics.push(errorAt(span, 'require-one-of',
          `"${name}" in @require_one_of must be optional: declare it as ${name}: ${formatType(port.type)}?`));
      } else {
        names.push(name);
      }
    }
    if (rule.ports.length < 2) {
      diagnostics.push(warningAt(rule.span, 'require-one-of', '@require_one_of with fewer than two ports; list the ports of which at least one is needed'));
    }
    if (names.length > 0) groups.push(names);
  }
  return groups;
}

// ── config ───────────────────────────────────────────────────────────────────

const UNIVERSAL_KEYS = ['label'];

function checkConfig(node: ResolvedNode, diagnostics: Diagnostic[]): void {
  const label = node.decl.config.find((e) => e.key === 'label');
  if (label && label.value.kind !== 'string') {
    diagnostics.push(errorAt(label.value.span, 'invalid-config', `label of ${node.localId} is text: write label: "…"`));
  }
  checkPortFills(node, diagnostics);
  if (!node.known) return;
  const settings = node.definition ? Object.keys(node.definition.config.shape) : [];
  checkUnknownKeys(node, settings, diagnostics);
  if (node.definition) checkSettings(node, node.definition, diagnostics);
}

/** The port a config key fills: an input of that name, or the `value` output of a data node. */
function portFilledBy(node: ResolvedNode, key: string): { port: ResolvedPort; direction: 'input' | 'output' } | undefined {
  const input = findPort(node.inputs, key);
  if (input) return { port: input, direction: 'input' };
  const output = node.definition?.declaredOutputs === 'narrow' && key === 'value' ? findPort(node.outputs, key) : undefined;
  return output ? { port: output, direction: 'output' } : undefined;
}

/** Config values that fill ports must fit the port's type (a declared type narrows a data node's value). */
function checkPortFills(node: ResolvedNode, diagnostics: Diagnostic[]): void {
  for (const entry of node.decl.config) {
    const filled = portFilledBy(node, entry.key);
    if (!filled) continue;
    const value = toJson(entry.value);
    if (value === null && filled.port.optional) continue;
    if (!valueFits(value, filled.port.type)) {
      diagnostics.push(errorAt(entry.value.span, 'type-mismatch',
        `config ${entry.key} of ${node.localId} is ${describeValue(value)}, ` +
          `but the ${filled.direction} ${node.localId}.${filled.port.name} is ${formatType(filled.port.type)}`));
    }
  }
}

function checkUnknownKeys(node: ResolvedNode, settings: string[], diagnostics: Diagnostic[]): void {
  const known = [...UNIVERSAL_KEYS, ...settings, ...node.inputs.map((p) => p.name)];
  for (const entry of node.decl.config) {
    if (known.includes(entry.key)) continue;
    diagnostics.push(warningAt(entry.keySpan, 'unknown-config-key',
      `${node.type} has no setting or input "${entry.key}"${didYouMean(entry.key, known)}; it is ignored`));
  }
}

function checkSettings(node: ResolvedNode, definition: NodeDefinition, diagnostics: Diagnostic[]): void {
  // Keys filling ports are checked against the port's type instead.
  const settings = Object.fromEntries(
    Object.entries(node.config).filter(([key]) => !UNIVERSAL_KEYS.includes(key) && !portFilledBy(node, key)),
  );
  const result = definition.config.safeParse(settings);
  if (result.success) return;
  for (const issue of result.error.issues) {
    reportConfigProblem(node, { path: issue.path as (string | number)[], message: issue.message }, diagnostics);
  }
}

function reportConfigProblem(node: ResolvedNode, problem: ConfigProblem, diagnostics: Diagnostic[]): void {
  const span = spanAtPath(node.decl.config, problem.path, node.decl.typeSpan);
  const where = problem.path.length > 0 ? `config ${formatPath(problem.path)} of ${node.localId}` : node.localId;
  const report = problem.severity === 'warning' ? warningAt : errorAt;
  diagnostics.push(report(span, problem.severity === 'warning' ? 'config-warning' : 'invalid-config', `${where}: ${problem.message}`));
}

function listPorts(ports: PortSpec[]): string {
  return ports.length === 0 ? 'none' : ports.map((p) => p.name).join(', ');
}
