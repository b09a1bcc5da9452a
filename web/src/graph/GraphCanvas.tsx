import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  applyNodeChanges, Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow,
  type Edge, type NodeChange, type NodeMouseHandler, type OnNodeDrag, type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { GraphFieldsFragment } from '../graphql/generated/graphql';
import type { RunStore } from '../run/useExecutionRun';
import { useEdgeStates } from '../run/useExecutionRun';
import { RunStoreContext } from '../run/RunStoreContext';
import { nodeTypes } from './nodes';
import { GroupToggleContext } from './nodes/groupToggle';
import { flowEdges, flowNodes, groupMembers, layoutPosition, type WeftFlowNode } from './toFlow';
import { useGroupEdgeStates } from './groupRun';
import type { Placement } from './layoutText';
import './graph.css';

export interface GraphCanvasProps {
  graph: GraphFieldsFragment;
  runStore: RunStore | null;
  onSelectNode: (nodeId: string | null) => void;
  /** A node was dragged or a group opened or closed: save its placement in the layout. */
  onPlaceNode: (nodeId: string, placement: Placement) => void;
  /** Shown for reading only (an old version): nodes cannot be dragged. */
  readOnly?: boolean;
  /** The node selected elsewhere (its line in the code): drawn selected and brought into view. */
  selectedNodeId?: string | null;
  /** Changes when a panel beside the canvas opens or closes: the view fits again. */
  panelsKey?: string;
  /** How many pixels of the canvas's right side a panel floating over it covers (the inspector): the selected node is kept clear of them. */
  coveredRight?: number;
}

/**
 * A graph larger than this draws only the nodes and edges in view: the page's layout and
 * compositing cost follows its DOM, and with 500 nodes drawn each keystroke in the code beside
 * them took two to three frames (bench/editorTyping.ts).
 */
export const VIRTUALISE_OVER_NODES = 200;

/**
 * Fitting never zooms out below this, so that text stays readable (a node's 13 px label is drawn at
 * 10.4 px, its 12 px port names at 9.6 px); a project larger than the canvas at this zoom is shown
 * from its start (or from the selected node) and the rest is reached by scrolling or dragging.
 */
export const MIN_FIT_ZOOM = 0.8;

/** The room, in screen pixels, left between the canvas's edge and a graph shown from its start. */
const START_MARGIN = 24;

const fitOptions = { padding: 0.15, maxZoom: 1.2, minZoom: MIN_FIT_ZOOM };

/**
 * The compiled graph drawn with React Flow, with the run being shown (if any) layered on it.
 * Memoised: the editor re-renders on every keystroke, and redrawing React Flow's nodes each time
 * would cost a 500-node project several frames per key (bench/editorTyping.ts).
 */
export const GraphCanvas = memo(function GraphCanvas(props: GraphCanvasProps) {
  return (
    <ReactFlowProvider>
      <RunStoreContext.Provider value={props.runStore}>
        <Canvas {...props} />
      </RunStoreContext.Provider>
    </ReactFlowProvider>
  );
});

function Canvas({ graph, runStore, onSelectNode, onPlaceNode, readOnly = false, selectedNodeId = null, panelsKey = '', coveredRight = 0 }: GraphCanvasProps) {
  const [nodes, setNodes] = useState<WeftFlowNode[]>(() => flowNodes(graph));
  const { fitView, getInternalNode, setCenter, getZoom, getViewport, getNodes, getNodesBounds, setViewport } = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const clicked = useRef<string | null>(null);

  // Keeps the selected node in the part of the canvas a floating panel (the inspector) leaves
  // clear: `always` for a node chosen from the code; otherwise only when it is not all in that part
  // (clicked under where the inspector opens, or a re-fit moved it) and there is room beside the panel
  // (on a phone the panel covers the canvas).
  const keepSelectedClear = useCallback((always: boolean) => {
    if (!selectedNodeId) return;
    const node = getInternalNode(selectedNodeId);
    if (!node || node.hidden) return;
    const { x, y } = node.internals.positionAbsolute;
    const width = node.measured?.width ?? 240;
    const height = node.measured?.height ?? 80;
    const clearWidth = (wrapper.current?.clientWidth ?? 0) - coveredRight;
    const viewport = getViewport();
    const left = x * viewport.zoom + viewport.x;
    const right = (x + width) * viewport.zoom + viewport.x;
    if (!always && (clearWidth < width * viewport.zoom || (left >= 0 && right <= clearWidth))) return;
    // Only a node chosen from the code zooms in (to a readable size); otherwise the view just moves.
    const zoom = always ? Math.max(getZoom(), MIN_FIT_ZOOM) : viewport.zoom;
    const shift = clearWidth >= width * zoom ? coveredRight / 2 / zoom : 0;
    const moving = setCenter(x + width / 2 + shift, y + height / 2, { zoom, duration: 200 });
    // Moved aside for the panel only: the view goes back when the panel closes.
    if (!always && coveredRight > 0) {
      const aside = { before: viewport, after: null as Viewport | null };
      movedAside.current = aside;
      void moving.then(() => void (aside.after = getViewport()));
    } else movedAside.current = null;
  }, [selectedNodeId, coveredRight, getInternalNode, setCenter, getZoom, getViewport]);
  const movedAside = useRef<{ before: Viewport; after: Viewport | null } | null>(null);
  // The panel closed: a view moved aside for it goes back where it was, unless the user moved it since.
  useEffect(() => {
    const aside = movedAside.current;
    if (coveredRight > 0 || !aside) return;
    movedAside.current = null;
    const now = getViewport();
    if (aside.after && now.x === aside.after.x && now.y === aside.after.y && now.zoom === aside.after.zoom) void setViewport(aside.before, { duration: 200 });
  }, [coveredRight, getViewport, setViewport]);
  const keepClearAfterFit = useRef(keepSelectedClear);
  keepClearAfterFit.current = keepSelectedClear;

  // After a fit at the smallest zoom, a graph that still overflows the canvas along an axis is
  // shown from its start along that axis (its left or top edge) rather than centred with both
  // ends cut off; when a selected node would then be out of the part the inspector leaves
  // clear, it is the selected node that is brought to the start instead.
  const showStartIfOverflowing = useCallback(async () => {
    const element = wrapper.current;
    if (!element) return;
    const drawn = getNodes().filter((node) => !node.hidden);
    if (drawn.length === 0) return;
    const bounds = getNodesBounds(drawn);
    const viewport = getViewport();
    const { zoom } = viewport;
    const width = element.clientWidth;
    const height = element.clientHeight;
    const selected = selectedNodeId ? getInternalNode(selectedNodeId) : undefined;
    const place = (start: number, size: number, view: number, clear: number, current: number, node?: { at: number; size: number }) => {
      if (size * zoom + 2 * START_MARGIN <= view) return current;
      const fromStart = START_MARGIN - start * zoom;
      if (!node || (node.at + node.size) * zoom + fromStart <= clear) return fromStart;
      const lowest = view - START_MARGIN - (start + size) * zoom;
      return Math.min(fromStart, Math.max(lowest, START_MARGIN - node.at * zoom));
    };
    const nodeBox = selected && !selected.hidden ? {
      x: selected.internals.positionAbsolute.x, y: selected.internals.positionAbsolute.y,
      width: selected.measured?.width ?? 240, height: selected.measured?.height ?? 80,
    } : undefined;
    const x = place(bounds.x, bounds.width, width, width - coveredRight, viewport.x, nodeBox && { at: nodeBox.x, size: nodeBox.width });
    const y = place(bounds.y, bounds.height, height, height, viewport.y, nodeBox && { at: nodeBox.y, size: nodeBox.height });
    if (x !== viewport.x || y !== viewport.y) await setViewport({ x, y, zoom });
  }, [selectedNodeId, coveredRight, getNodes, getNodesBounds, getViewport, getInternalNode, setViewport]);
  const fitReadable = useRef<() => void>(() => undefined);
  fitReadable.current = () => {
    movedAside.current = null;
    void fitView(fitOptions).then(showStartIfOverflowing).then(() => keepClearAfterFit.current(false));
  };

  useEffect(() => {
    setNodes((current) => current.map((node) => (node.selected === (node.id === selectedNodeId) ? node : { ...node, selected: node.id === selectedNodeId })));
    keepSelectedClear(selectedNodeId !== clicked.current);
  }, [selectedNodeId, keepSelectedClear]);

  useEffect(() => {
    setNodes((previous) => {
      const selected = new Set(previous.filter((node) => node.selected).map((node) => node.id));
      return flowNodes(graph).map((node) => (selected.has(node.id) ? { ...node, selected: true } : node));
    });
  }, [graph]);

  // Fit the view when what is drawn changes (first draw, a node added or removed, a group opened), not on every drag.
  const shape = useMemo(() => graph.nodes.map((node) => `${node.id}${node.expanded ? '+' : ''}`).join(' '), [graph]);
  useEffect(() => {
    const frame = requestAnimationFrame(() => fitReadable.current());
    return () => cancelAnimationFrame(frame);
  }, [shape, panelsKey]);
  // The canvas resized (a panel opened, the window changed): fit again, once it settles.
  useEffect(() => {
    const element = wrapper.current;
    if (!element) return;
    let frame = 0;
    let first = true;
    const observer = new ResizeObserver(() => {
      if (first) return void (first = false);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => fitReadable.current());
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);

  const onNodesChange = useCallback(
    (changes: NodeChange<WeftFlowNode>[]) => setNodes((current) => applyNodeChanges(changes, current)),
    [],
  );

  const onNodeDragStop: OnNodeDrag<WeftFlowNode> = useCallback(
    (_event, _node, dragged) => {
      for (const node of dragged) onPlaceNode(node.id, { ...layoutPosition(node), expanded: node.data.expanded });
    },
    [onPlaceNode],
  );

  const toggleGroup = useCallback(
    (groupId: string, expanded: boolean) => {
      const group = nodes.find((node) => node.id === groupId);
      if (group) onPlaceNode(groupId, { ...layoutPosition(group), expanded });
    },
    [nodes, onPlaceNode],
  );

  // Only what the edges show of the run: this component (and React Flow's 500 nodes with it)
  // redraws when an edge changes colour, not on every event; the nodes follow the run themselves.
  const edgeStates = useEdgeStates(runStore);
  // A group's edges take their colour from its nodes' runs (a collapsed group hides them).
  const groups = useMemo(() => groupMembers(flowNodes(graph)), [graph]);
  const groupEdgeStates = useGroupEdgeStates(runStore, groups);
  const hidden = useMemo(() => new Set(nodes.filter((node) => node.hidden).map((node) => node.id)), [nodes]);
  const previousEdges = useRef(new Map<string, Edge>());
  const edges = useMemo(() => {
    // Edges drawn as before keep their object, so React Flow redraws only those that changed.
    const drawn = flowEdges(graph, hidden, (sourceId) => edgeStates.get(sourceId) ?? groupEdgeStates.get(sourceId)).map((edge) => {
      const before = previousEdges.current.get(edge.id);
      return before && sameEdge(before, edge) ? before : edge;
    });
    previousEdges.current = new Map(drawn.map((edge) => [edge.id, edge]));
    return drawn;
  }, [graph, hidden, edgeStates, groupEdgeStates]);

  const onNodeClick: NodeMouseHandler<WeftFlowNode> = useCallback(
    (_event, node) => {
      clicked.current = node.id;
      onSelectNode(node.data.node.kind === 'annotation' ? null : node.id);
    },
    [onSelectNode],
  );
  const onPaneClick = useCallback(() => onSelectNode(null), [onSelectNode]);

  return (
    <GroupToggleContext.Provider value={toggleGroup}>
      <div ref={wrapper} className="graph-canvas-frame">
      <ReactFlow
        colorMode="system"
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onNodeClick={onNodeClick}
        onPaneClick={onPaneClick}
        nodesConnectable={false}
        nodesDraggable={!readOnly}
        edgesFocusable={false}
        minZoom={0.1}
        panOnScroll
        onlyRenderVisibleElements={graph.nodes.length > VIRTUALISE_OVER_NODES}
        proOptions={proOptions}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
      </div>
    </GroupToggleContext.Provider>
  );
}

const proOptions = { hideAttribution: true };

function sameEdge(a: Edge, b: Edge): boolean {
  return (a.data as { kind?: unknown } | undefined)?.kind === (b.data as { kind?: unknown } | undefined)?.kind
    && a.source === b.source && a.target === b.target && a.sourceHandle === b.sourceHandle && a.targetHandle === b.targetHandle
    && a.hidden === b.hidden && a.className === b.className;
}
