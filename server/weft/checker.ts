/** Checks a parsed program against the catalog and the language rules; reports every problem at once. */
import type { ParsedProgram } from './ast';
import { buildGraph, Problems } from './build';
import type { Diagnostic } from './diagnostics';
import { flatten, type ExecutableGraph } from './flatten';
import type { Edge, NodeInstance } from './model';
import { resolveTypes, type Resolution } from './resolve';
import { checkConfigFilledPorts, checkInfrastructure, checkNodeValidators, checkRequiredPorts, wiredInputs } from './rules';

export interface CheckedProgram {
  name: string;
  description: string | null;
  nodes: NodeInstance[];
  edges: Edge[];
  byId: Map<string, NodeInstance>;
  resolution: Resolution;
  executable: ExecutableGraph;
  diagnostics: Diagnostic[];
}

export function checkProgram(parsed: ParsedProgram): CheckedProgram {
  const problems = new Problems();
  for (const e of parsed.errors) problems.error(e.line, e.column, e.message, e.code);
  const { nodes, edges, byId } = buildGraph(parsed, problems);
  const resolution = resolveTypes(nodes, edges, byId, problems);
  const wired = wiredInputs(edges);
  checkConfigFilledPorts(nodes, wired, problems);
  checkRequiredPorts(nodes, wired, problems);
  checkInfrastructure(nodes, edges, byId, problems);
  checkNodeValidators(nodes, edges, byId, problems);
  // Duplicate ids inside a group are tolerated (§7); the graph keeps the first, as every lookup does.
  const drawn = nodes.filter((node) => byId.get(node.id) === node);
  const executable = flatten(drawn, edges, byId, resolution);
  return { name: parsed.name, description: parsed.description, nodes: drawn, edges, byId, resolution, executable, diagnostics: problems.list };
}
