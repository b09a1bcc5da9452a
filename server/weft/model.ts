/** What the checker understands of a program: nodes with their ports, and typed edges. */
import type { Connection, NodeDecl, Span } from './ast';
import type { NodeDefinition } from '../nodes/definition';
import type { JsonValue, LaneMode, WeftType } from './types';

export interface ResolvedPort {
  name: string;
  type: WeftType;
  optional: boolean;
  /** Written in the declaration's port list (not fixed by the catalog). */
  declared: boolean;
  span?: Span;
}

export type NodeKind = 'node' | 'group' | 'annotation';

export interface ResolvedNode {
  /** Qualified id: `group.child` inside groups. */
  id: string;
  localId: string;
  type: string;
  kind: NodeKind;
  decl: NodeDecl;
  /** Qualified ids of the enclosing groups, outermost first. */
  scope: string[];
  inputs: ResolvedPort[];
  outputs: ResolvedPort[];
  config: Record<string, JsonValue>;
  requireOneOf: string[][];
  definition?: NodeDefinition;
  /** False when the type is unknown: its ports are unknown too, so its connections are not checked. */
  known: boolean;
}

export interface Endpoint {
  node: string;
  port: string;
}

export interface ResolvedEdge {
  source: Endpoint;
  target: Endpoint;
  /** The source is `self.port` inside a group: the group's input seen from inside. */
  fromGroupInput: boolean;
  /** The target is `self.port` inside a group: the group's output fed from inside. */
  toGroupOutput: boolean;
  lane: LaneMode;
  span: Span;
  connection: Connection;
}

export const findPort = (ports: readonly ResolvedPort[], name: string): ResolvedPort | undefined =>
  ports.find((port) => port.name === name);
