import { parseWeft } from '../weft/parser';

export interface PlannedNode {
  id: string;
  type: string;
  config: Record<string, unknown>;
}

export type ExecutionPlan = { ok: true; nodes: PlannedNode[] } | { ok: false; error: string };

/** Turns a version's code into the nodes to run, or the reason it cannot run. */
export function planExecution(source: { code: string }): ExecutionPlan {
  const { program, diagnostics } = parseWeft(source.code);
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0) {
    return { ok: false, error: errors.map((d) => `${d.line}:${d.column}: ${d.message}`).join('\n') };
  }
  const nodes: PlannedNode[] = [];
  for (const statement of program.statements) {
    if (statement.kind !== 'node' || statement.type === 'Annotation') continue;
    nodes.push({ id: statement.id, type: statement.type, config: Object.fromEntries(statement.config.map((entry) => [entry.key, toJson(entry.value)])) });
  }
  return { ok: true, nodes };
}

type ValueNode = ReturnType<typeof parseWeft>['program']['statements'][number] extends infer S
  ? S extends { config: { value: infer V }[] } ? V : never
  : never;

function toJson(value: ValueNode): unknown {
  switch (value.kind) {
    case 'null':
      return null;
    case 'array':
      return value.items.map(toJson);
    case 'object':
      return Object.fromEntries(value.entries.map((entry) => [entry.key, toJson(entry.value)]));
    default:
      return value.value;
  }
}
