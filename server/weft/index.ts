export { compileWeft, type CompileOptions, type CompileResult } from './compile';
export { hasErrors, type Diagnostic, type Severity } from './diagnostics';
export type {
  Endpoint, ExecutableGraph, ExecutableInput, ExecutableNode, GraphIR, IREdge, IREdgeKind, IRNode, IRPort, NodeKind, SourceRange,
} from './ir';
export { layoutOf } from './ir';
export { autoLayout, parseLayout, printLayout, printLayoutLine, type LayoutEntry, type ParsedLayout } from './layout';
export { lex, type Token } from './lexer';
export { parseWeft, type ParseResult } from './parser';
export {
  connectionLane, formatType, isAssignable, parseType, valueFits, type JsonValue, type LaneMode, type WeftType,
} from './types';
export { closest, didYouMean, editDistance } from './suggest';
export type * from './ast';
