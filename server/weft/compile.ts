import { checkProgram } from './checker';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics';
import { buildGraphIR, type GraphIR } from './ir';
import { parseLayout, unknownLayoutIds } from './layout';
import { parseProgram, programLines } from './parser';

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
  const lines = programLines(code);
  const checked = checkProgram(parseProgram(lines));
  const layout = parseLayout(layoutText);
  const nodeIds = new Set(checked.nodes.map((n) => n.id));
  for (const d of checked.diagnostics) {
    if (d.endColumn === undefined) d.endColumn = Math.max(d.column + 1, (lines[d.line - 1] ?? '').trimEnd().length + 1);
  }
  const diagnostics = sortDiagnostics([...checked.diagnostics, ...layout.diagnostics, ...unknownLayoutIds(layout, nodeIds)]);
  if (hasErrors(diagnostics) && !options.partial) return { diagnostics };
  return { graph: buildGraphIR(checked, layout.entries, lines), diagnostics };
}
