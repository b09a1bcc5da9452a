export { compileWeft, type CompileOptions, type CompileResult } from './compile';
export { hasErrors, type Diagnostic, type Severity } from './diagnostics';
export type {
  Endpoint, ExecutableGraph, ExecutableInput, ExecutableNode, ExecutableOutput, GraphIR, IREdge, IREdgeKind, IRNode, IRPort, NodeKind,
  SourceRange,
} from './ir';
export { layoutOf } from './ir';
export { autoLayout, parseLayout, printLayout, printLayoutLine, type LayoutEntry, type ParsedLayout } from './layout';
export { parseProgram, programLines } from './parser';
export { catalogEntry, defaultPorts, formPorts, nodeTypeNames, type NodePort, type PortOrigin } from './ports';
export {
  connectionLane, formatType, inferType, isAssignable, isCompatible, parseType, valueFits, type JsonValue, type LaneMode, type WeftType,
} from './types';
export { closest, didYouMean, editDistance, suggestion } from './suggest';
export type * from './ast';
