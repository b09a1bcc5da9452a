/** Checks a parsed program against the catalog and the language rules; reports every problem at once. */
import type { Program } from './ast';
import { resolveConnections } from './connections';
import { errorAt, warningAt, type Diagnostic } from './diagnostics';
import { flatten, type Flattened } from './flatten';
import type { ResolvedEdge, ResolvedNode } from './model';
import { collectNodes, resolveNode } from './resolveNodes';
import { formatType } from './types';

export interface CheckedProgram {
  nodes: ResolvedNode[];
  edges: ResolvedEdge[];
  flattened: Flattened;
  diagnostics: Diagnostic[];
}

export function checkProgram(program: Program): CheckedProgram {
  const diagnostics: Diagnostic[] = [];
  const scopes = collectNodes(program.statements, diagnostics);
  for (const node of scopes.nodes) resolveNode(node, diagnostics);
  const { edges, targeted } = resolveConnections(scopes, diagnostics);
  checkRequiredInputs(scopes.nodes, targeted, diagnostics);
  checkGroupOutputs(scopes.nodes, edges, diagnostics);
  const flattened = flatten(scopes.nodes, edges, diagnostics);
  return { nodes: scopes.nodes, edges, flattened, diagnostics };
}

/** Every required input needs a connection or a config value of the same name. */
function checkRequiredInputs(nodes: ResolvedNode[], wired: Set<string>, diagnostics: Diagnostic[]): void {
  for (const node of nodes) {
    if (!node.known) continue;
    for (const port of node.inputs) {
      if (port.optional || wired.has(`${node.id}:${port.name}`) || port.name in node.config) continue;
      diagnostics.push(errorAt(node.decl.idSpan, 'missing-input',
        `${node.localId} needs its input "${port.name}" (${formatType(port.type)}): connect ${node.localId}.${port.name} = … ` +
          `or set ${port.name}: in its config, or declare it optional with ?`));
    }
  }
}

function checkGroupOutputs(nodes: ResolvedNode[], edges: ResolvedEdge[], diagnostics: Diagnostic[]): void {
  const set = new Set(edges.filter((e) => e.toGroupOutput).map((e) => `${e.target.node}:${e.target.port}`));
  for (const group of nodes.filter((n) => n.kind === 'group')) {
    for (const port of group.outputs) {
      if (set.has(`${group.id}:${port.name}`)) continue;
      diagnostics.push(warningAt(port.span ?? group.decl.idSpan, 'unset-group-output',
        `output "${port.name}" of group ${group.localId} is never set inside it (self.${port.name} = …); it will always be null`));
    }
  }
}
