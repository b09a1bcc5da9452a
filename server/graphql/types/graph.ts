import type { Endpoint, GraphIR, IREdge, IRNode, IRPort } from '../../weft/ir';
import type { LaneMode } from '../../weft/types';
import { builder } from '../builder';
import { redactConfig, seesSecrets } from '../redaction';

const LaneModeEnum = builder.enumType('LaneMode', {
  description: '`expand`: a list feeds one value per lane; `gather`: lanes are collected into a list; `single`: neither.',
  values: ['single', 'expand', 'gather'] as const,
});

const LaneRef = builder.objectRef<LaneMode>('Lane').implement({
  fields: (t) => ({
    mode: t.field({ type: LaneModeEnum, resolve: (lane) => lane.mode }),
    depth: t.exposeInt('depth', { description: 'How many levels of lanes it opens or closes.' }),
  }),
});

const PortRef = builder.objectRef<IRPort>('Port').implement({
  description: 'An input or output of a node.',
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.exposeString('type', { description: 'The Weft type, e.g. `List[String]`.' }),
    optional: t.exposeBoolean('optional'),
    declared: t.exposeBoolean('declared', { description: "Written in the node's port list rather than fixed by its type." }),
    lane: t.field({ type: LaneRef, nullable: true, description: 'Inputs only.', resolve: (port) => port.lane ?? null }),
    filledFromConfig: t.boolean({ resolve: (port) => port.configValue ?? false }),
  }),
});

const PointRef = builder.objectRef<{ x: number; y: number }>('Point').implement({
  fields: (t) => ({ x: t.exposeFloat('x'), y: t.exposeFloat('y') }),
});

const SizeRef = builder.objectRef<{ width: number; height: number }>('Size').implement({
  fields: (t) => ({ width: t.exposeFloat('width'), height: t.exposeFloat('height') }),
});

const SourceRangeRef = builder.objectRef<IRNode['code']>('SourceRange').implement({
  fields: (t) => ({
    line: t.exposeInt('line'),
    column: t.exposeInt('column'),
    endLine: t.exposeInt('endLine'),
    endColumn: t.exposeInt('endColumn'),
  }),
});

const NodeKindEnum = builder.enumType('GraphNodeKind', { values: ['node', 'group', 'annotation'] as const });

const GraphNodeRef = builder.objectRef<IRNode>('GraphNode').implement({
  description: 'A node of the compiled program, as drawn on the canvas.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Qualified id: `group.child` inside a group.' }),
    localId: t.exposeString('localId'),
    type: t.exposeString('type'),
    kind: t.field({ type: NodeKindEnum, resolve: (node) => node.kind }),
    label: t.string({ nullable: true, resolve: (node) => node.label ?? null }),
    config: t.field({
      type: 'JSON',
      description: 'Its config; below the admin scope, credentials (fields of type api_key or password) show as "(set)".',
      resolve: (node, _args, context) => (seesSecrets(context) ? node.config : redactConfig(node.type, node.config)),
    }),
    inputs: t.field({ type: [PortRef], resolve: (node) => node.inputs }),
    outputs: t.field({ type: [PortRef], resolve: (node) => node.outputs }),
    scope: t.exposeStringList('scope', { description: 'Enclosing groups, outermost first.' }),
    parent: t.string({ nullable: true, resolve: (node) => node.parent ?? null }),
    position: t.field({ type: PointRef, description: 'Relative to the parent group, if any.', resolve: (node) => node.position }),
    size: t.field({ type: SizeRef, nullable: true, resolve: (node) => node.size ?? null }),
    expanded: t.exposeBoolean('expanded'),
    autoPlaced: t.boolean({ description: 'True when the layout text has no position for it.', resolve: (node) => node.placement === 'auto' }),
    isTrigger: t.exposeBoolean('isTrigger'),
    laneDepth: t.exposeInt('laneDepth'),
    code: t.field({ type: SourceRangeRef, description: 'Where it is declared.', resolve: (node) => node.code }),
  }),
});

const EndpointRef = builder.objectRef<Endpoint>('GraphEndpoint').implement({
  fields: (t) => ({ node: t.exposeString('node'), port: t.exposeString('port') }),
});

const EdgeKindEnum = builder.enumType('GraphEdgeKind', { values: ['flow', 'groupInput', 'groupOutput', 'groupThrough'] as const });

const GraphEdgeRef = builder.objectRef<IREdge>('GraphEdge').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    source: t.field({ type: EndpointRef, resolve: (edge) => edge.source }),
    target: t.field({ type: EndpointRef, resolve: (edge) => edge.target }),
    kind: t.field({ type: EdgeKindEnum, resolve: (edge) => edge.kind }),
    lane: t.field({ type: LaneRef, resolve: (edge) => edge.lane }),
    code: t.field({ type: SourceRangeRef, resolve: (edge) => edge.code }),
  }),
});

export const GraphRef = builder.objectRef<Pick<GraphIR, 'nodes' | 'edges'>>('Graph').implement({
  description: 'A compiled Weft program: its nodes (groups included) and connections.',
  fields: (t) => ({
    nodes: t.field({ type: [GraphNodeRef], resolve: (graph) => graph.nodes }),
    edges: t.field({ type: [GraphEdgeRef], resolve: (graph) => graph.edges }),
  }),
});
