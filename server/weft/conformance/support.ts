/** Helpers of the conformance suite: compile a program and look at what a user would check. */
import { expect } from '@jest/globals';
import { compileWeft } from '../compile';
import type { Diagnostic } from '../diagnostics';
import type { GraphIR, IRNode, IRPort } from '../ir';

export const program = (...lines: string[]): string => lines.join('\n');

export interface Compiled {
  graph: GraphIR;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** Compiles with a best-effort graph even when there are errors. */
export function compile(code: string, layout = ''): Compiled {
  const result = compileWeft(code, layout, { partial: true });
  return {
    graph: result.graph!,
    diagnostics: result.diagnostics,
    errors: result.diagnostics.filter((d) => d.severity === 'error'),
    warnings: result.diagnostics.filter((d) => d.severity === 'warning'),
  };
}

/** The program is accepted: no error (warnings allowed). */
export function accepted(code: string, layout = ''): Compiled {
  const compiled = compile(code, layout);
  expect(compiled.errors.map((d) => `${d.line}: ${d.message}`)).toEqual([]);
  return compiled;
}

/** The program is rejected with an error at `line` whose message contains `text`. */
export function rejected(code: string, line: number, text: string): Compiled {
  const compiled = compile(code);
  expect(compiled.errors.map((d) => [d.line, d.message])).toContainEqual([line, expect.stringContaining(text)]);
  return compiled;
}

/** The program is accepted with a warning at `line` whose message contains `text`. */
export function warned(code: string, line: number, text: string): Compiled {
  const compiled = accepted(code);
  expect(compiled.warnings.map((d) => [d.line, d.message])).toContainEqual([line, expect.stringContaining(text)]);
  return compiled;
}

export function node(graph: GraphIR, id: string): IRNode {
  const found = graph.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}; nodes are ${graph.nodes.map((n) => n.id).join(', ')}`);
  return found;
}

/** `name: Type` (optional ports end with `?`). */
export const ports = (list: IRPort[]): string[] => list.map((p) => `${p.name}: ${p.type}${p.optional ? '?' : ''}`);

export const input = (graph: GraphIR, id: string, name: string): IRPort | undefined => node(graph, id).inputs.find((p) => p.name === name);
export const output = (graph: GraphIR, id: string, name: string): IRPort | undefined => node(graph, id).outputs.find((p) => p.name === name);

/** Edges as `source.port -> target.port`. */
export const edges = (graph: GraphIR): string[] => graph.edges.map((e) => `${e.source.node}.${e.source.port} -> ${e.target.node}.${e.target.port}`);
