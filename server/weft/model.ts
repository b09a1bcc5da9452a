/** What the checker builds from a parsed program: node instances with their ports, and edges. */
import type { NodePort } from './ports';
import type { JsonValue } from './types';

export type NodeKind = 'node' | 'group' | 'annotation';

/** Catalog features of a node (catalog.json `features`); a group has only its `oneOfRequired`. */
export interface NodeFeatures {
  canAddInputPorts?: boolean;
  canAddOutputPorts?: boolean;
  isTrigger?: boolean;
  triggerCategory?: string;
  oneOfRequired?: string[][];
  isInfrastructure?: boolean;
  hasLiveData?: boolean;
  showDebugPreview?: boolean;
  hasFormSchema?: boolean;
}

export interface Endpoint {
  node: string;
  port: string;
}

export interface NodeInstance {
  /** Scoped id as the reference names it: `g.child`, `host__key`, `g.host__key`. */
  id: string;
  type: string;
  kind: NodeKind;
  label: string | null;
  config: Record<string, JsonValue>;
  parentId?: string;
  /** Enclosing group ids, outermost first. */
  scope: string[];
  inputs: NodePort[];
  outputs: NodePort[];
  /** Catalog oneOfRequired groups plus the program's @require_one_of groups. */
  oneOfRequired: string[][];
  isTrigger: boolean;
  isInfrastructure: boolean;
  /** The node's features as the reference's project node carries them: the catalog's, with the merged oneOfRequired. */
  features: NodeFeatures;
  line: number;
  column: number;
  endLine: number;
  /** An anonymous node from an inline expression. */
  inline: boolean;
  description?: string;
}

export interface Edge {
  source: string;
  /** Port name; `x__inner` when the source is a group's own input seen from inside. */
  sourceHandle: string;
  target: string;
  /** Port name; `y__inner` when the target is a group's own output set from inside. */
  targetHandle: string;
  sourceIsSelf: boolean;
  targetIsSelf: boolean;
  line: number;
  column: number;
}

export const INNER = '__inner';
export const plainHandle = (handle: string): string => (handle.endsWith(INNER) ? handle.slice(0, -INNER.length) : handle);
