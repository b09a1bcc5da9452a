/**
 * A project's runner page: its Loom parsed, checked against its compiled Weft, filtered for
 * a mode, with every field's binding (widget type, options, current value) resolved so the
 * SPA needs neither the catalog nor the Weft source. Server-side only (reads the catalog).
 */
import { weftCatalogEntry } from '../nodes/weftCatalog';
import { compileWeft, type GraphIR } from '../weft';
import { checkBindings, fieldBinding, outputSource, sensitiveFieldTypes, walkBlocks, type LoomCatalog, type LoomProgram } from './bindings';
import type { Block, FieldItem, LiveItem, LoomDiagnostic, LoomManifest, OutputBlock, PhaseBlock } from './manifest';
import { parseLoom } from './parser';
import { pageForMode, type PageMode, visitorAllowlist, type VisitorAllowlist } from './visibility';

export const weftLoomCatalog: LoomCatalog = {
  fieldsOf: (type) => weftCatalogEntry(type)?.fields,
  // Every infrastructure node has a live card here: its state and what it holds (server/loom/liveData.ts).
  hasLiveData: (type) => Boolean(weftCatalogEntry(type)?.features?.isInfrastructure),
  labelOf: (type) => weftCatalogEntry(type)?.label,
};

/** The parts of compileWeft's graph IR that Loom binds to (read defensively: the IR may grow). */
export function programOfGraph(graph: GraphIR | undefined): LoomProgram | null {
  if (!graph) return null;
  return {
    nodes: (graph.nodes ?? []).map((node) => ({
      id: node.id, type: node.type, kind: node.kind, label: node.label, config: node.config ?? {}, outputs: node.outputs ?? [],
    })),
    edges: (graph.edges ?? []).map((edge) => ({ source: edge.source, target: edge.target, kind: edge.kind })),
  };
}

/** The compiled program as Loom binds to it; null when the Weft code cannot be parsed at all. */
export function loomProgramOf(code: string, layout = ''): LoomProgram | null {
  try {
    return programOfGraph(compileWeft(code, layout, { partial: true }).graph);
  } catch {
    // The compiler is for programs; a crash in it must not take the runner page down with it.
    return null;
  }
}

/** What a field widget needs of the node's catalog field and config. */
export interface FieldView {
  nodeId: string;
  fieldKey: string;
  /** The catalog field type: text, textarea, number, checkbox, select, password, api_key, blob, code, … */
  fieldType: string;
  label: string;
  /** The page's `as:` for this field, if any. */
  variant?: string;
  /** The page's `options:` if given, else the catalog field's. */
  options?: string[];
  min?: number;
  max?: number;
  /** A file field's accepted types, as a file picker's `accept` (e.g. `image/*`). */
  accept?: string;
  /** The value in the project's code (for a published page, its pinned code). */
  value: unknown;
  sensitive: boolean;
}

export interface OutputView {
  nodeId: string;
  portName: string;
  /** The runnable node and port whose value it shows (a group's output is set inside it). */
  source: { nodeId: string; port: string } | null;
}

export interface LiveView {
  nodeId: string;
  label: string;
}

export interface RunnerPage {
  mode: PageMode;
  manifest: LoomManifest | null;
  diagnostics: LoomDiagnostic[];
  fields: FieldView[];
  outputs: OutputView[];
  live: LiveView[];
}

function isSensitiveIn(program: LoomProgram | null) {
  return (item: FieldItem) => {
    if (!program) return false;
    const binding = fieldBinding(program, weftLoomCatalog, item);
    return !('problem' in binding) && sensitiveFieldTypes.has(binding.field.type);
  };
}

/** The page without the fields and outputs that bind to nothing (visitors get no blank blocks; the owner sees diagnostics). */
function withoutUnbound(manifest: LoomManifest, program: LoomProgram): LoomManifest {
  const bound = (block: Block | FieldItem): boolean => {
    if (block.kind === 'field') return !('problem' in fieldBinding(program, weftLoomCatalog, block));
    if (block.kind === 'output') return outputSource(program, block.nodeId, block.portName) !== undefined;
    return true;
  };
  const prune = (blocks: readonly Block[]): Block[] =>
    blocks.filter(bound).flatMap((block): Block[] => {
      if (block.kind === 'phase') {
        const phase = { ...block, items: block.items.filter(bound), children: prune(block.children) };
        return phase.items.length + phase.liveItems.length + phase.children.length > 0 ? [phase] : [];
      }
      if (block.kind === 'brick' && block.children) return [{ ...block, children: prune(block.children) }];
      return [block];
    });
  const blocks = prune(manifest.blocks);
  return {
    ...manifest,
    blocks,
    phases: blocks.filter((b): b is PhaseBlock => b.kind === 'phase'),
    outputs: blocks.filter((b): b is OutputBlock => b.kind === 'output'),
    liveItems: blocks.filter((b): b is LiveItem => b.kind === 'live'),
  };
}

/**
 * The page as `mode` sees it. Visitors get only visible blocks and bindings, and no
 * diagnostics (they name nodes); an unknown binding simply has no view.
 */
export function runnerPageOf(loomCode: string, program: LoomProgram | null, mode: PageMode): RunnerPage {
  const parsed = parseLoom(loomCode);
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.manifest) return { mode, manifest: null, diagnostics: mode === 'admin' ? diagnostics : [], fields: [], outputs: [], live: [] };
  if (program && mode === 'admin') diagnostics.push(...checkBindings(parsed.manifest, program, weftLoomCatalog));
  const shown = pageForMode(parsed.manifest, mode, isSensitiveIn(program));
  const manifest = mode === 'visitor' && program ? withoutUnbound(shown, program) : shown;
  const fields: FieldView[] = [];
  const outputs: OutputView[] = [];
  const live: LiveView[] = [];
  for (const { block } of walkBlocks(manifest.blocks)) {
    if (block.kind === 'field' && program) {
      const binding = fieldBinding(program, weftLoomCatalog, block);
      if ('problem' in binding || fields.some((f) => f.nodeId === block.nodeId && f.fieldKey === block.fieldKey)) continue;
      const { field, node } = binding;
      const sensitive = sensitiveFieldTypes.has(field.type);
      const view: FieldView = {
        nodeId: block.nodeId, fieldKey: block.fieldKey, fieldType: field.type, label: field.label ?? field.key,
        value: sensitive && mode === 'visitor' ? null : (node.config[field.key] ?? field.defaultValue ?? null), sensitive,
      };
      const options = block.options ?? field.options;
      if (options) view.options = options;
      if (block.variant) view.variant = block.variant;
      if (field.min !== undefined) view.min = field.min;
      if (field.max !== undefined) view.max = field.max;
      if (field.accept !== undefined) view.accept = field.accept;
      fields.push(view);
    } else if (block.kind === 'output' && !outputs.some((o) => o.nodeId === block.nodeId && o.portName === block.portName)) {
      outputs.push({ nodeId: block.nodeId, portName: block.portName, source: program ? (outputSource(program, block.nodeId, block.portName) ?? null) : null });
    } else if (block.kind === 'live' && program) {
      const node = program.nodes.find((n) => n.id === block.nodeId);
      if (node) live.push({ nodeId: node.id, label: block.label ?? node.label ?? weftLoomCatalog.labelOf(node.type) ?? node.type });
    }
  }
  return { mode, manifest, diagnostics: diagnostics.sort((a, b) => a.line - b.line), fields, outputs, live };
}

/** The allow-list stored with a published page. */
export function allowlistOf(loomCode: string, program: LoomProgram | null): VisitorAllowlist {
  const { manifest } = parseLoom(loomCode);
  return manifest ? visitorAllowlist(manifest, isSensitiveIn(program)) : { inputs: {}, outputs: {} };
}

/** Every diagnostic of a Loom text against some Weft code: what `weft check` prints. */
export function checkLoom(loomCode: string, weftCode: string | undefined, layout = ''): LoomDiagnostic[] {
  const parsed = parseLoom(loomCode);
  const diagnostics = [...parsed.diagnostics];
  const program = weftCode === undefined ? null : loomProgramOf(weftCode, layout);
  if (parsed.manifest && program) diagnostics.push(...checkBindings(parsed.manifest, program, weftLoomCatalog));
  return diagnostics.sort((a, b) => a.line - b.line);
}
