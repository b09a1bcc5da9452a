import { checkProgram } from './checker';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics';
import { buildGraph, type GraphIR } from './ir';
import { parseLayout, unknownLayoutIds } from './layout';
import { parseWeft } from './parser';

export interface CompileOptions {
  /** Also return the graph when there are errors (best effort), e.g. to draw code being edited. Never run it. */
  partial?: boolean;
}

export interface CompileResult {
  /** Present when the program compiles without errors (or always, with `partial`). */
  graph?: GraphIR;
  /** Every problem found, in source order; layout problems (source: 'layout') last. */
  diagnostics: Diagnostic[];
}

/** Compiles Weft code (and its layout text) into the graph IR, with all diagnostics at once. */
export function compileWeft(code: string, layoutText = '', options: CompileOptions = {}): CompileResult {
  const parsed = parseWeft(code);
  const checked = checkProgram(parsed.program);
  const layout = parseLayout(layoutText);
  const nodeIds = new Set(checked.nodes.map((n) => n.id));
  const diagnostics = sortDiagnostics([
    ...parsed.diagnostics,
    ...checked.diagnostics,
    ...layout.diagnostics,
    ...unknownLayoutIds(layout, nodeIds),
  ]);
  if (hasErrors(diagnostics) && !options.partial) return { diagnostics };
  return { graph: buildGraph(checked, layout.entries), diagnostics };
}
