import type { JsonValue } from '../weft/types';
import { compileWeft, type Diagnostic } from '../weft';
import type { ExecutableGraph } from '../weft/ir';

export type ExecutionPlan = { ok: true; graph: ExecutableGraph } | { ok: false; error: string; diagnostics: Diagnostic[] };

/** Compiles a version's code into the graph to run, or the diagnostics that stop it from running. */
export function planExecution(source: { code: string; layout: string }): ExecutionPlan {
  const { graph, diagnostics } = compileWeft(source.code, source.layout);
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (!graph || errors.length > 0) {
    return { ok: false, error: describeErrors(errors), diagnostics: errors };
  }
  return { ok: true, graph: graph.executable };
}

export function describeErrors(errors: readonly Diagnostic[]): string {
  const lines = errors.map((d) => `${d.line}:${d.column}: ${d.message}`);
  return `The program does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

export type { JsonValue };
