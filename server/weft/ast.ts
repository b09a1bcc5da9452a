/** Syntax tree of a Weft program. Every element keeps where it was written. */

export interface Position {
  line: number;
  column: number;
}

export interface Span {
  start: Position;
  end: Position;
}

export type ValueNode =
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'boolean'; value: boolean; span: Span }
  | { kind: 'null'; span: Span }
  | { kind: 'array'; items: ValueNode[]; span: Span }
  | { kind: 'object'; entries: ObjectEntry[]; span: Span };

export interface ObjectEntry {
  key: string;
  keySpan: Span;
  value: ValueNode;
}

export interface ConfigEntry {
  key: string;
  keySpan: Span;
  value: ValueNode;
}

export interface PortDecl {
  name: string;
  nameSpan: Span;
  /** The type as written, e.g. `List[Dict[String, Number]]`; parsed by types.ts. */
  typeText: string;
  typeSpan: Span;
  optional: boolean;
  span: Span;
}

export interface RequireOneOf {
  ports: { name: string; span: Span }[];
  span: Span;
}

export interface PortList {
  ports: PortDecl[];
  requireOneOf: RequireOneOf[];
  span: Span;
}

export interface NodeDecl {
  kind: 'node';
  id: string;
  idSpan: Span;
  type: string;
  typeSpan: Span;
  /** Absent when the declaration has no `( … )` list. */
  inputs?: PortList;
  /** Absent when the declaration has no `-> ( … )` list. */
  outputs?: PortList;
  config: ConfigEntry[];
  /** Nodes and connections inside the body; only a Group may have them. */
  body: Statement[];
  span: Span;
}

export interface PortRef {
  /** `node.port`, `self.port`, or a longer path reaching into a group (an error). */
  path: string[];
  pathSpans: Span[];
  span: Span;
}

export interface Connection {
  kind: 'connection';
  target: PortRef;
  source: PortRef;
  span: Span;
}

export type Statement = NodeDecl | Connection;

export interface Program {
  statements: Statement[];
}
