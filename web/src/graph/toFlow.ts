import type { Edge, Node } from '@xyflow/react';
import type { GraphFieldsFragment } from '../graphql/generated/graphql';

export type GraphNode = GraphFieldsFragment['nodes'][number];
export type GraphEdge = GraphFieldsFragment['edges'][number];

export type WeftNodeData = {
  node: GraphNode;
  expanded: boolean;
  /** A group's nodes, at any depth, and the group itself (whose runs, if any, count too). */
  members?: readonly string[];
};
export type WeftFlowNode = Node<WeftNodeData, 'basic' | 'group' | 'annotation'>;

/** Children sit this far inside their group's frame (below its header); the layout stores positions without it. */
export const GROUP_INSET = { x: 40, y: 48 };
export const NODE_WIDTH = 240;

const flowType = { node: 'basic', group: 'group', annotation: 'annotation' } as const;

function estimatedHeight(node: GraphNode): number {
  if (node.kind === 'annotation') return 100;
  return 64 + 24 * Math.max(node.inputs.length, node.outputs.length, 1);
}

/** React Flow nodes for the compiled graph: parents before children, children of collapsed groups hidden. */
export function flowNodes(graph: GraphFieldsFragment): WeftFlowNode[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const childrenOf = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    if (!node.parent) continue;
    childrenOf.set(node.parent, [...(childrenOf.get(node.parent) ?? []), node]);
  }
  const hiddenByCollapse = (node: GraphNode): boolean => {
    for (let parent = node.parent ? byId.get(node.parent) : undefined; parent; parent = parent.parent ? byId.get(parent.parent) : undefined) {
      if (!parent.expanded) return true;
    }
    return false;
  };
  const frameSize = (group: GraphNode): { width: number; height: number } => {
    if (group.size) return group.size;
    const children = childrenOf.get(group.id) ?? [];
    let right = NODE_WIDTH + 40;
    let bottom = 100;
    for (const child of children) {
      const size = child.kind === 'group' && child.expanded ? frameSize(child) : { width: NODE_WIDTH, height: estimatedHeight(child) };
      right = Math.max(right, child.position.x + size.width);
      bottom = Math.max(bottom, child.position.y + size.height);
    }
    return { width: right + GROUP_INSET.x * 2, height: bottom + GROUP_INSET.y + 32 };
  };
  const membersOf = (group: GraphNode): string[] => [group.id, ...(childrenOf.get(group.id) ?? []).flatMap((child) => (child.kind === 'group' ? membersOf(child) : [child.id]))];
  const depth = (node: GraphNode): number => (node.parent ? 1 + depth(byId.get(node.parent) ?? { ...node, parent: null }) : 0);
  const ordered = [...graph.nodes].sort((a, b) => depth(a) - depth(b));
  const moved = clearOpenGroups(graph.nodes, frameSize);
  return ordered.map((node) => {
    const inset = node.parent ? GROUP_INSET : { x: 0, y: 0 };
    const flowNode: WeftFlowNode = {
      id: node.id,
      type: flowType[node.kind],
      position: { x: (moved.get(node.id)?.x ?? node.position.x) + inset.x, y: (moved.get(node.id)?.y ?? node.position.y) + inset.y },
      data: node.kind === 'group' ? { node, expanded: node.expanded, members: membersOf(node) } : { node, expanded: node.expanded },
      hidden: hiddenByCollapse(node),
      ...(node.parent ? { parentId: node.parent, extent: 'parent' as const } : {}),
    };
    if (node.kind === 'group' && node.expanded) {
      const size = frameSize(node);
      flowNode.width = size.width;
      flowNode.height = size.height;
      flowNode.dragHandle = '.group-header';
    }
    return flowNode;
  });
}

const GAP = 40;

/**
 * Where top-level nodes go so that no open group's frame covers them: the layout places a
 * group as wide as one node, and opened it grows over its neighbours. Nodes beside it move
 * right by what it grew; any still under it move below it. Positions of others are unchanged.
 */
function clearOpenGroups(nodes: readonly GraphNode[], frameSize: (group: GraphNode) => { width: number; height: number }): Map<string, { x: number; y: number }> {
  const topLevel = nodes.filter((node) => !node.parent);
  const at = new Map(topLevel.map((node) => [node.id, { ...node.position }]));
  const sizeOf = (node: GraphNode) => (node.kind === 'group' && node.expanded ? frameSize(node) : { width: NODE_WIDTH, height: estimatedHeight(node) });
  const open = topLevel.filter((node) => node.kind === 'group' && node.expanded).sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y);
  for (const group of open) {
    const origin = at.get(group.id)!;
    const frame = sizeOf(group);
    const grewBy = frame.width - NODE_WIDTH;
    const overlaps = (node: GraphNode) => {
      const place = at.get(node.id)!;
      const size = sizeOf(node);
      return place.x < origin.x + frame.width + GAP && place.x + size.width + GAP > origin.x
        && place.y < origin.y + frame.height + GAP && place.y + size.height + GAP > origin.y;
    };
    const others = topLevel.filter((node) => node.id !== group.id);
    const rowOf = (node: GraphNode) => {
      const place = at.get(node.id)!;
      return place.y < origin.y + frame.height && place.y + sizeOf(node).height > origin.y;
    };
    if (grewBy > 0) {
      for (const node of others) if (at.get(node.id)!.x > origin.x + NODE_WIDTH / 2 && rowOf(node)) at.get(node.id)!.x += grewBy;
    }
    for (const node of others) if (overlaps(node)) at.get(node.id)!.y = origin.y + frame.height + GAP;
  }
  const moved = new Map<string, { x: number; y: number }>();
  for (const node of topLevel) {
    const place = at.get(node.id)!;
    if (place.x !== node.position.x || place.y !== node.position.y) moved.set(node.id, place);
  }
  return moved;
}

/** The layout position of a node drawn at `position` (children are drawn inset in their group). */
export function layoutPosition(node: { position: { x: number; y: number }; parentId?: string }): { x: number; y: number } {
  const inset = node.parentId ? GROUP_INSET : { x: 0, y: 0 };
  return { x: node.position.x - inset.x, y: node.position.y - inset.y };
}

export interface EdgeState {
  /** The source produced its output: the edge carried data. */
  carried: boolean;
  /** The source failed. */
  failed: boolean;
}

/** Each group's members (see WeftNodeData), for colouring the edges that leave a group by its nodes' runs. */
export function groupMembers(nodes: readonly WeftFlowNode[]): Map<string, readonly string[]> {
  return new Map(nodes.filter((node) => node.data.members).map((node) => [node.id, node.data.members!]));
}

/** React Flow edges, one per connection; handles are the port names. */
export function flowEdges(graph: GraphFieldsFragment, hiddenNodes: ReadonlySet<string>, stateOf: (sourceNodeId: string) => EdgeState | undefined): Edge[] {
  return graph.edges.map((edge) => {
    const state = stateOf(edge.source.node);
    return {
      id: edge.id,
      source: edge.source.node,
      sourceHandle: edge.source.port,
      target: edge.target.node,
      targetHandle: edge.target.port,
      hidden: hiddenNodes.has(edge.source.node) || hiddenNodes.has(edge.target.node),
      className: state?.failed ? 'edge-failed' : state?.carried ? 'edge-carried' : undefined,
      animated: false,
      data: { kind: edge.kind },
    };
  });
}
