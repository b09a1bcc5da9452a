/**
 * What the line parser reads from Weft code (LANGUAGE.md §0–§7): nodes, groups and connections,
 * each with the line it was written on. Ids are already scoped (`group.child`, `host__key`).
 */
import type { JsonValue } from './types';

export interface Position {
  line: number;
  column: number;
}

export interface Span {
  start: Position;
  end: Position;
}

/** A port as written in a signature or an `in(…)`/`out(…)` line. */
export interface ParsedPort {
  name: string;
  /** The type text as written (`MustOverride` when untyped); it may not be a valid type. */
  typeText: string;
  required: boolean;
  /** Line where it was written (for diagnostics). */
  line: number;
}

export interface ParsedNode {
  /** Scoped id: `g.child` inside group g, `host__key` for an inline node. */
  id: string;
  type: string;
  label: string | null;
  config: Record<string, JsonValue>;
  /** Enclosing group's scoped id. */
  parentId?: string;
  /** First and last line of the declaration (1-based, inclusive). */
  startLine: number;
  endLine: number;
  /** Column of the id on the first line. */
  column: number;
  inPorts: ParsedPort[];
  outPorts: ParsedPort[];
  oneOfRequired: string[][];
  /** Anonymous node from an inline expression. */
  inline: boolean;
}

export interface ParsedConnection {
  sourceId: string;
  sourcePort: string;
  targetId: string;
  targetPort: string;
  line: number;
  column: number;
  /** The source is `self.x` inside a group: the group's input x. */
  sourceIsSelf: boolean;
  /** The target is `self.y` inside a group: the group's output y. */
  targetIsSelf: boolean;
  /** The scope the line is checked in: `__root__` or a group's id. */
  scopeId: string;
}

export interface ParsedGroup {
  id: string;
  /** The name as written (the id's last segment before any de-duplication suffix). */
  name: string;
  description?: string;
  inPorts: ParsedPort[];
  outPorts: ParsedPort[];
  oneOfRequired: string[][];
  nodes: ParsedNode[];
  connections: ParsedConnection[];
  startLine: number;
  endLine: number;
  column: number;
  parentGroupId?: string;
}

export interface ParseProblem {
  line: number;
  column: number;
  message: string;
  code: string;
}

export interface ParsedProgram {
  name: string;
  description: string | null;
  /** Root-scope nodes in order (inline nodes from a host's body before the host). */
  nodes: ParsedNode[];
  connections: ParsedConnection[];
  /** Every group at any depth, inner groups before the group that holds them (as the reference lists them). */
  groups: ParsedGroup[];
  errors: ParseProblem[];
}
