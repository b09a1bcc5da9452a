/** The layout text (`id @layout X Y [WxH] [expanded|collapsed]`, ids scoped as `group.child`) and automatic placement of nodes it leaves out. */
import type { Diagnostic } from './diagnostics';
import { didYouMean } from './suggest';

export interface LayoutEntry {
  /** Qualified node id, `group.child` inside groups. */
  id: string;
  x: number;
  y: number;
  width?: number;
  height?: number;
  expanded: boolean;
  /** Written `collapsed` (a group drawn closed); `expanded` false alone means no flag was written. */
  collapsed?: true;
}

export interface ParsedLayout {
  entries: LayoutEntry[];
  /** 1-based line of each entry, by id. */
  lines: Map<string, number>;
  diagnostics: Diagnostic[];
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const LINE = new RegExp(
  String.raw`^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s+@layout\s+(${NUMBER})\s+(${NUMBER})` +
    String.raw`(?:\s+(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?))?(?:\s+(expanded|collapsed))?\s*(?:#.*)?$`,
);

function layoutWarning(line: number, column: number, code: string, message: string, length = 1): Diagnostic {
  return { severity: 'warning', message, line, column, endLine: line, endColumn: column + length, code, source: 'layout' };
}

export function parseLayout(text: string): ParsedLayout {
  const parsed: ParsedLayout = { entries: [], lines: new Map(), diagnostics: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const match = LINE.exec(raw);
    if (!match) {
      const column = raw.length - raw.trimStart().length + 1;
      parsed.diagnostics.push(layoutWarning(lineNumber, column, 'layout-syntax',
        'a layout line reads "id @layout X Y", optionally followed by WxH and expanded or collapsed', raw.trim().length));
      return;
    }
    const id = match[1]!;
    if (parsed.lines.has(id)) {
      parsed.diagnostics.push(layoutWarning(lineNumber, raw.indexOf(id) + 1, 'layout-duplicate',
        `${id} is already placed at line ${parsed.lines.get(id)}; this line is ignored`, id.length));
      return;
    }
    const entry: LayoutEntry = { id, x: Number(match[2]), y: Number(match[3]), expanded: match[6] === 'expanded' };
    if (match[6] === 'collapsed') entry.collapsed = true;
    if (match[4] !== undefined) {
      entry.width = Number(match[4]);
      entry.height = Number(match[5]);
    }
    parsed.entries.push(entry);
    parsed.lines.set(id, lineNumber);
  });
  return parsed;
}

export function printLayoutLine(entry: LayoutEntry): string {
  const size = entry.width !== undefined && entry.height !== undefined ? ` ${entry.width}x${entry.height}` : '';
  const state = entry.expanded ? ' expanded' : entry.collapsed ? ' collapsed' : '';
  return `${entry.id} @layout ${entry.x} ${entry.y}${size}${state}`;
}

export function printLayout(entries: readonly LayoutEntry[]): string {
  return entries.map((entry) => `${printLayoutLine(entry)}\n`).join('');
}

/** Warnings for layout lines naming no node of the program. */
export function unknownLayoutIds(layout: ParsedLayout, nodeIds: ReadonlySet<string>): Diagnostic[] {
  return layout.entries
    .filter((entry) => !nodeIds.has(entry.id))
    .map((entry) =>
      layoutWarning(layout.lines.get(entry.id) ?? 1, 1, 'layout-unknown-id',
        `the layout places "${entry.id}", which is not a node of the program${didYouMean(entry.id, nodeIds)}`, entry.id.length),
    );
}

// ── automatic layout ─────────────────────────────────────────────────────────

export interface Box {
  x: number;
  y: number;
  width?: number;
  height?: number;
}

export interface LayoutItem {
  id: string;
  parent?: string;
}

/** A data-flow link between two nodes of the same parent. */
export interface LayoutLink {
  from: string;
  to: string;
}

export const COLUMN_WIDTH = 320;
export const ROW_HEIGHT = 160;
const DEFAULT_HEIGHT = 120;
const GAP = 80;

/**
 * Positions for the items not in `fixed`: within each parent, columns by data-flow depth
 * (longest path from a node with no incoming link), rows in declaration order, placed below
 * any already positioned siblings. Positions of children are relative to their group.
 */
export function autoLayout(items: readonly LayoutItem[], links: readonly LayoutLink[], fixed: ReadonlyMap<string, Box>): Map<string, Box> {
  const placed = new Map(fixed);
  const byParent = new Map<string, string[]>();
  for (const item of items) {
    const key = item.parent ?? '';
    const siblings = byParent.get(key);
    if (siblings) siblings.push(item.id);
    else byParent.set(key, [item.id]);
  }
  const parentOf = new Map(items.map((item) => [item.id, item.parent ?? '']));
  const linksByParent = new Map<string, LayoutLink[]>();
  for (const link of links) {
    const parent = parentOf.get(link.from);
    if (parent === undefined || parent !== parentOf.get(link.to)) continue;
    const bucket = linksByParent.get(parent);
    if (bucket) bucket.push(link);
    else linksByParent.set(parent, [link]);
  }
  for (const [parent, siblings] of byParent) {
    const free = siblings.filter((id) => !fixed.has(id));
    if (free.length === 0) continue;
    const columns = dataflowColumns(siblings, linksByParent.get(parent) ?? []);
    const top = siblings.filter((id) => fixed.has(id)).reduce((lowest, id) => Math.max(lowest, bottomOf(fixed.get(id)!) + GAP), 0);
    const rows = new Map<number, number>();
    for (const id of free) {
      const column = columns.get(id) ?? 0;
      const row = rows.get(column) ?? 0;
      rows.set(column, row + 1);
      placed.set(id, { x: column * COLUMN_WIDTH, y: top + row * ROW_HEIGHT });
    }
  }
  return placed;
}

function bottomOf(box: Box): number {
  return box.y + (box.height ?? DEFAULT_HEIGHT);
}

/** Longest-path layering; nodes on a cycle stay where their reachable predecessors put them. */
function dataflowColumns(ids: readonly string[], links: readonly LayoutLink[]): Map<string, number> {
  const members = new Set(ids);
  const local = links.filter((l) => members.has(l.from) && members.has(l.to) && l.from !== l.to);
  const incoming = new Map(ids.map((id) => [id, 0]));
  const outgoing = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const link of local) {
    incoming.set(link.to, incoming.get(link.to)! + 1);
    outgoing.get(link.from)!.push(link.to);
  }
  const columns = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => incoming.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const next of outgoing.get(id)!) {
      columns.set(next, Math.max(columns.get(next)!, columns.get(id)! + 1));
      const left = incoming.get(next)! - 1;
      incoming.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  return columns;
}

/** The size that holds a group's children (positions relative to the group), with room for its header. */
export function enclosingSize(children: readonly Box[]): { width: number; height: number } {
  const padding = 40;
  const right = Math.max(COLUMN_WIDTH, ...children.map((c) => c.x + (c.width ?? 240)));
  const bottom = Math.max(DEFAULT_HEIGHT, ...children.map((c) => bottomOf(c)));
  return { width: right + 2 * padding, height: bottom + 2 * padding };
}
