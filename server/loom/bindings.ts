/**
 * Loom bindings against the compiled Weft project: every `field` must name a node and one
 * of its type's catalog config fields, every `output` a node (or group) and one of its output
 * ports, every `live` a node. Weft's reference renders a wrong binding as a silent blank;
 * here each one is a diagnostic on its line.
 */
import type { Block, FieldItem, LiveItem, LoomDiagnostic, LoomManifest, OutputBlock } from './manifest';
import type { WeftCatalogField } from '../nodes/weftCatalog';

/** The parts of a compiled node (compileWeft's graph IR) that Loom binds to. */
export interface LoomNode {
  id: string;
  type: string;
  kind?: string;
  label?: string;
  config: Record<string, unknown>;
  outputs: ReadonlyArray<{ name: string }>;
}

export interface LoomEdge {
  source: { node: string; port: string };
  target: { node: string; port: string };
  kind: string;
}

export interface LoomProgram {
  nodes: readonly LoomNode[];
  edges: readonly LoomEdge[];
}

/** A config field as Weft's catalog describes it. */
export type LoomCatalogField = WeftCatalogField;

/** What Loom needs of the node catalog. */
export interface LoomCatalog {
  /** Undefined for a type the catalog does not know. */
  fieldsOf(type: string): readonly LoomCatalogField[] | undefined;
  hasLiveData(type: string): boolean;
  labelOf(type: string): string | undefined;
}

export const sensitiveFieldTypes: ReadonlySet<string> = new Set(['password', 'api_key']);

/** Every block of the page, depth first, with phase items and live items. */
export function* walkBlocks(blocks: readonly Block[], ancestors: readonly Block[] = []): Generator<{ block: Block | FieldItem; ancestors: readonly Block[] }> {
  for (const block of blocks) {
    yield { block, ancestors };
    const inner = [...ancestors, block];
    if (block.kind === 'phase') {
      for (const item of block.items) yield { block: item, ancestors: inner };
      for (const item of block.liveItems) yield { block: item, ancestors: inner };
      yield* walkBlocks(block.children, inner);
    } else if (block.kind === 'brick' && block.children) yield* walkBlocks(block.children, inner);
  }
}

/** A node id as Loom may write it: `grp__out` names the interface outputs of group `grp`, as in Weft's executor. */
function nodeNamed(program: LoomProgram, id: string): LoomNode | undefined {
  return program.nodes.find((node) => node.id === id) ?? (id.endsWith('__out') ? program.nodes.find((node) => node.id === id.slice(0, -5) && node.kind === 'group') : undefined);
}

/**
 * The runnable node and port whose value an `output` shows: itself, or for a group's output
 * the inner node that sets it (through nested groups and inputs passed straight through).
 */
export function outputSource(program: LoomProgram, nodeId: string, port: string): { nodeId: string; port: string } | undefined {
  let node = nodeNamed(program, nodeId);
  let current = { nodeId: node?.id ?? nodeId, port };
  for (let hops = 0; node && node.kind === 'group'; hops++) {
    const { nodeId: groupId, port: groupPort } = current;
    // A group output set straight from one of the group's inputs is not followed (rare; reported as unset).
    const setter = program.edges.find((edge) => edge.kind === 'groupOutput' && edge.target.node === groupId && edge.target.port === groupPort);
    if (!setter || hops > 64) return undefined;
    current = { nodeId: setter.source.node, port: setter.source.port };
    node = program.nodes.find((candidate) => candidate.id === current.nodeId);
  }
  return node?.outputs.some((output) => output.name === current.port) ? current : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function suggestion(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return ' (there are none)';
  const best = [...candidates].sort((x, y) => editDistance(name, x) - editDistance(name, y))[0]!;
  if (editDistance(name, best) <= Math.max(2, Math.floor(name.length / 3))) return `; did you mean "${best}"?`;
  const listed = candidates.slice(0, 12).map((c) => `"${c}"`).join(', ');
  return ` (${candidates.length > 12 ? `${listed}, …` : listed})`;
}

const at = (item: { line: number }, code: string, message: string, severity: 'error' | 'warning' = 'error'): LoomDiagnostic => ({
  severity, message, line: item.line, column: 1, code,
});

/** The catalog field a Loom `field` binds to, or why it does not bind. */
export function fieldBinding(program: LoomProgram, catalog: LoomCatalog, item: FieldItem): { node: LoomNode; field: LoomCatalogField } | { problem: LoomDiagnostic } {
  const node = program.nodes.find((candidate) => candidate.id === item.nodeId);
  if (!node) {
    return { problem: at(item, 'unknown-node', `field ${item.nodeId} ${item.fieldKey}: no node "${item.nodeId}" in the Weft project${suggestion(item.nodeId, program.nodes.map((n) => n.id))}`) };
  }
  const fields = catalog.fieldsOf(node.type);
  const field = fields?.find((candidate) => candidate.key === item.fieldKey);
  if (field) return { node, field };
  if (!fields && item.fieldKey in node.config) return { node, field: { key: item.fieldKey, type: typeof node.config[item.fieldKey] === 'number' ? 'number' : 'text' } };
  const keys = (fields ?? []).map((f) => f.key);
  return {
    problem: at(item, 'unknown-field', `field ${item.nodeId} ${item.fieldKey}: a ${node.type} node has no config field "${item.fieldKey}"${suggestion(item.fieldKey, keys)}`),
  };
}

function checkOutput(program: LoomProgram, item: OutputBlock): LoomDiagnostic | undefined {
  const node = nodeNamed(program, item.nodeId);
  if (!node) {
    return at(item, 'unknown-node', `output ${item.nodeId} ${item.portName}: no node "${item.nodeId}" in the Weft project${suggestion(item.nodeId, program.nodes.map((n) => n.id))}`);
  }
  if (!node.outputs.some((port) => port.name === item.portName)) {
    const ports = node.outputs.map((port) => port.name);
    return at(item, 'unknown-port', `output ${item.nodeId} ${item.portName}: ${node.id} (${node.type}) has no output port "${item.portName}"${suggestion(item.portName, ports)}`);
  }
  if (!outputSource(program, item.nodeId, item.portName)) {
    return at(item, 'unset-output', `output ${item.nodeId} ${item.portName}: nothing inside group ${node.id} sets its output "${item.portName}"`, 'warning');
  }
  return undefined;
}

function checkLive(program: LoomProgram, catalog: LoomCatalog, item: LiveItem): LoomDiagnostic | undefined {
  const node = program.nodes.find((candidate) => candidate.id === item.nodeId);
  if (!node) return at(item, 'unknown-node', `live ${item.nodeId}: no node "${item.nodeId}" in the Weft project${suggestion(item.nodeId, program.nodes.map((n) => n.id))}`);
  if (!catalog.hasLiveData(node.type)) {
    return at(item, 'no-live-data', `live ${item.nodeId}: a ${node.type} node is not infrastructure; the card will stay empty`, 'warning');
  }
  return undefined;
}

/** Diagnostics for every binding of the page that does not fit the compiled program. */
export function checkBindings(manifest: LoomManifest, program: LoomProgram, catalog: LoomCatalog): LoomDiagnostic[] {
  const diagnostics: LoomDiagnostic[] = [];
  for (const { block } of walkBlocks(manifest.blocks)) {
    let problem: LoomDiagnostic | undefined;
    if (block.kind === 'field') {
      const binding = fieldBinding(program, catalog, block);
      if ('problem' in binding) problem = binding.problem;
      else if (sensitiveFieldTypes.has(binding.field.type) && block.visibility !== 'admin') {
        problem = at(block, 'sensitive-field', `field ${block.nodeId} ${block.fieldKey} is a ${binding.field.type} field: it is shown to the owner only, never to visitors`, 'warning');
      }
    } else if (block.kind === 'output') problem = checkOutput(program, block);
    else if (block.kind === 'live') problem = checkLive(program, catalog, block);
    if (problem) diagnostics.push(problem);
  }
  return diagnostics;
}
