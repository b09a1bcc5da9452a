/**
 * Runs in a worker thread of the compile pool (compiled.ts): compiles Weft code off the event
 * loop, so that a large program never holds up other requests, /health or subscriptions.
 * What it sends back is what the caller needs and no more: copying it to the main thread
 * costs time there too.
 */
import { checkOutputs, planExecution, type ExecutionPlan } from '../executor/plan';
import { compileWeft, type Diagnostic } from '../weft';
import type { ExecutableNode, GraphIR, SourceRange } from '../weft/ir';

/** A compiled program as the API draws it: nodes and edges, without the executable form. */
export type DrawnGraph = Pick<GraphIR, 'nodes' | 'edges'>;

export interface DisplayResult {
  graph?: DrawnGraph;
  diagnostics: Diagnostic[];
}

export type PlanCheck = { ok: true } | { ok: false; error: string; diagnostics?: Diagnostic[] };
export type MockCheck = { ok: true; mocks: unknown } | { ok: false; error: string; diagnostics?: Diagnostic[] };

export type CompileTask =
  | { kind: 'display'; code: string; layout: string; maxNodes: number }
  | { kind: 'mocks'; code: string; layout: string; mocks: unknown }
  /** The executor's plan of a run (its `plan` step), whole. */
  | { kind: 'execution plan'; source: Parameters<typeof planExecution>[0] }
  /** A project's compiled trigger nodes, for activating them (triggers.ts). */
  | { kind: 'triggers'; code: string; layout: string; types: readonly string[] };

/** What trigger activation needs of a compiled program: its trigger nodes, or its errors. */
export type TriggerNodes =
  | { ok: true; nodes: ExecutableNode[]; sourceCode: Record<string, SourceRange | undefined> }
  | { ok: false; errors: Diagnostic[] };

export default function compileTask(task: CompileTask): DisplayResult | PlanCheck | MockCheck | ExecutionPlan | TriggerNodes {
  switch (task.kind) {
    case 'execution plan':
      return planExecution(task.source);
    case 'triggers': {
      const { graph, diagnostics } = compileWeft(task.code, task.layout);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (!graph || errors.length > 0) return { ok: false, errors };
      const nodes = graph.executable.nodes.filter((node) => node.isTrigger && task.types.includes(node.type));
      return { ok: true, nodes, sourceCode: Object.fromEntries(nodes.map((node) => [node.id, graph.nodes.find((n) => n.id === node.id)?.code])) };
    }
    case 'mocks': {
      const { graph, diagnostics } = compileWeft(task.code, task.layout);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (!graph || errors.length > 0) return { ok: false, error: 'Fix the errors in the code before saving mocks: they are checked against it', diagnostics: errors };
      const checked = checkOutputs(graph.executable, task.mocks, 'mock', graph.nodes);
      return typeof checked === 'string' ? { ok: false, error: checked.replace('This run cannot start: ', 'These mocks do not fit the program: ') } : { ok: true, mocks: checked };
    }
    case 'display': {
      const { graph, diagnostics } = compileWeft(task.code, task.layout, { partial: true });
      return limitedForDisplay(graph, diagnostics, task.maxNodes);
    }
  }
}

/** Over `maxNodes`, no graph (sending, drawing or running it is the cost the limit bounds) and an error saying so. */
export function limitedForDisplay(graph: GraphIR | undefined, diagnostics: Diagnostic[], maxNodes: number): DisplayResult {
  const nodes = graph?.nodes.length ?? 0;
  if (nodes > maxNodes) return { diagnostics: [tooManyNodes(nodes, maxNodes), ...diagnostics.slice(0, 100)] };
  return { graph: graph && { nodes: graph.nodes, edges: graph.edges }, diagnostics };
}

export function tooManyNodes(nodes: number, maxNodes: number): Diagnostic {
  return {
    severity: 'error',
    code: 'too-many-nodes',
    line: 1,
    column: 1,
    message: `The program has ${nodes} nodes; at most ${maxNodes} are allowed (MAX_PROJECT_NODES): split it into several projects`,
  };
}
