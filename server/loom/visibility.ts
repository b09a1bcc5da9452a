/**
 * Who sees what of a Loom page. `admin` mode (the owner, in the builder) shows admin and
 * both; `visitor` mode (a published page) shows visitor and both, and never a sensitive
 * (password, api_key) field. The visitor allow-list is derived from the same filter, so a
 * field or output inside a brick is as open to visitors as one in a phase (Weft's reference
 * does not descend into bricks: their fields are silently refused, their outputs unfiltered).
 */
import type { Block, FieldItem, LoomManifest, OutputBlock, PhaseBlock, Visibility } from './manifest';

export type PageMode = 'admin' | 'visitor';

export const shownIn = (visibility: Visibility, mode: PageMode): boolean => visibility === 'both' || visibility === mode;

/** Whether a field is sensitive (always admin), by its binding. */
export type IsSensitive = (field: FieldItem) => boolean;

function filterBlocks(blocks: readonly Block[], mode: PageMode, isSensitive: IsSensitive): Block[] {
  const kept: Block[] = [];
  for (const block of blocks) {
    if (!shownIn(block.visibility, mode)) continue;
    if (block.kind === 'phase') {
      const phase: PhaseBlock = {
        ...block,
        items: block.items.filter((item) => shownIn(item.visibility, mode) && (mode === 'admin' || !isSensitive(item))),
        liveItems: block.liveItems.filter((item) => shownIn(item.visibility, mode)),
        children: filterBlocks(block.children, mode, isSensitive),
      };
      // A phase with nothing visible is not rendered at all, title included.
      if (phase.items.length + phase.liveItems.length + phase.children.length > 0) kept.push(phase);
    } else if (block.kind === 'brick' && block.children) {
      kept.push({ ...block, children: filterBlocks(block.children, mode, isSensitive) });
    } else kept.push(block);
  }
  return kept;
}

/** The page as `mode` shows it: hidden blocks, items and phases left out entirely. */
export function pageForMode(manifest: LoomManifest, mode: PageMode, isSensitive: IsSensitive): LoomManifest {
  const blocks = filterBlocks(manifest.blocks, mode, isSensitive);
  return {
    theme: manifest.theme,
    blocks,
    phases: blocks.filter((b): b is PhaseBlock => b.kind === 'phase'),
    outputs: blocks.filter((b): b is OutputBlock => b.kind === 'output'),
    liveItems: blocks.filter((b) => b.kind === 'live') as LoomManifest['liveItems'],
  };
}

export interface VisitorAllowlist {
  /** `{ nodeId: [fieldKey…] }`: the only config values a visitor's run may set. */
  inputs: Record<string, string[]>;
  /** `{ nodeId: [port…] }`: the only outputs a visitor is sent. */
  outputs: Record<string, string[]>;
}

function collect(blocks: readonly Block[], into: VisitorAllowlist): void {
  const add = (map: Record<string, string[]>, nodeId: string, key: string) => {
    const list = (map[nodeId] ??= []);
    if (!list.includes(key)) list.push(key);
  };
  for (const block of blocks) {
    if (block.kind === 'phase') {
      for (const item of block.items) add(into.inputs, item.nodeId, item.fieldKey);
      collect(block.children, into);
    } else if (block.kind === 'output') add(into.outputs, block.nodeId, block.portName);
    else if (block.kind === 'brick' && block.children) collect(block.children, into);
  }
}

/** What a visitor may set and see: everything `pageForMode(…, 'visitor')` keeps, at any depth. */
export function visitorAllowlist(manifest: LoomManifest, isSensitive: IsSensitive): VisitorAllowlist {
  const allowlist: VisitorAllowlist = { inputs: {}, outputs: {} };
  collect(pageForMode(manifest, 'visitor', isSensitive).blocks, allowlist);
  return allowlist;
}
