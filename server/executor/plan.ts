import { nodeDefinition } from '../nodes/catalog';
import { weftCatalogEntry } from '../nodes/weftCatalog';
import { withGroupGates } from './groupGates';
import { compileWeft, type Diagnostic } from '../weft';
import type { ExecutableGraph } from '../weft/ir';
import { describeValue, parseType, valueFits, type JsonValue } from '../weft/types';

type OutputsByNode = Record<string, Record<string, JsonValue>>;

export type ExecutionPlan =
  | { ok: true; graph: ExecutableGraph; mocks: OutputsByNode; triggerOutputs: OutputsByNode }
  | { ok: false; error: string; diagnostics?: Diagnostic[] };

/**
 * Compiles a version's code into the graph to run, with the run's mocks and trigger
 * outputs checked against the nodes' output ports; or the reason it cannot run.
 */
export function planExecution(source: {
  code: string;
  layout: string;
  mocks?: unknown;
  triggerPayload?: unknown;
  configOverrides?: unknown;
}): ExecutionPlan {
  const { graph: compiled, diagnostics } = compileWeft(source.code, source.layout);
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (!compiled || errors.length > 0) return { ok: false, error: describeErrors(errors), diagnostics: errors };
  const executable = applyConfigOverrides(compiled.executable, source.configOverrides);
  if (typeof executable === 'string') return { ok: false, error: executable };
  const graph = { ...compiled, executable };
  const mocks = checkOutputs(graph.executable, source.mocks ?? {}, 'mock');
  if (typeof mocks === 'string') return { ok: false, error: mocks };
  const triggerOutputs = checkOutputs(graph.executable, source.triggerPayload ?? {}, 'input');
  if (typeof triggerOutputs === 'string') return { ok: false, error: triggerOutputs };
  const runnable = withGroupGates(compiled, withCatalogRequirements(graph.executable));
  return { ok: true, graph: runnable, mocks, triggerOutputs: { ...dormantTriggerOutputs(runnable), ...triggerOutputs } };
}

/**
 * The outputs of every trigger in a run it did not start (NODES.md 1.9): most give nulls, so what
 * follows skips; a few reference triggers emit something (ApiPost `receivedAt: ""`, HumanTrigger
 * `{key}_rejected: true`). The firing trigger's outputs replace these.
 */
export function dormantTriggerOutputs(graph: ExecutableGraph): OutputsByNode {
  const outputs: OutputsByNode = {};
  for (const node of graph.nodes) {
    const dormant = node.isTrigger ? nodeDefinition(node.type)?.dormantOutputs : undefined;
    if (!dormant) continue;
    const given = dormant(node.config);
    outputs[node.id] = Object.fromEntries(node.outputs.filter((port) => port.name in given).map((port) => [port.name, given[port.name]!]));
  }
  return outputs;
}

/** The catalog's `oneOfRequired` groups of each node's type, added to the program's own `@require_one_of`. */
export function withCatalogRequirements(graph: ExecutableGraph): ExecutableGraph {
  const nodes = graph.nodes.map((node) => {
    const groups = (weftCatalogEntry(node.type)?.features.oneOfRequired ?? [])
      .map((group) => group.filter((name) => node.inputs.some((input) => input.name === name)))
      .filter((group) => group.length > 0 && !node.requireOneOf.some((own) => own.join('\0') === group.join('\0')));
    return groups.length === 0 ? node : { ...node, requireOneOf: [...node.requireOneOf, ...groups] };
  });
  return { ...graph, nodes };
}

/**
 * Config values for one run only (a runner page's fields), applied to the plan rather than the
 * code: each named node's config, and the unwired input ports that config fills (an edge, if
 * any, still wins, as in LANGUAGE §8.6). `null` removes a value.
 */
export function applyConfigOverrides(graph: ExecutableGraph, overrides: unknown): ExecutableGraph | string {
  if (overrides === undefined || overrides === null) return graph;
  if (typeof overrides !== 'object' || Array.isArray(overrides)) return 'Config overrides must be given as { "<node id>": { "<field>": value } }';
  const byNode = overrides as Record<string, unknown>;
  const unknown = Object.keys(byNode).filter((id) => !graph.nodes.some((node) => node.id === id));
  if (unknown.length > 0) return `This run cannot start: config overrides for unknown node${unknown.length === 1 ? '' : 's'} ${unknown.map((id) => `"${id}"`).join(', ')}`;
  const nodes = graph.nodes.map((node) => {
    const values = byNode[node.id];
    if (values === undefined) return node;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) return node;
    const config: Record<string, JsonValue> = { ...node.config };
    for (const [key, value] of Object.entries(values as Record<string, JsonValue>)) {
      if (value === null) delete config[key];
      else config[key] = value;
    }
    const inputs = node.inputs.map((input) => {
      if (input.source !== undefined || !(input.name in (values as object))) return input;
      const value = (values as Record<string, JsonValue>)[input.name];
      const { value: _previous, ...rest } = input;
      return value === null || value === undefined ? rest : { ...rest, value };
    });
    return { ...node, config, inputs };
  });
  return { ...graph, nodes };
}

export function describeErrors(errors: readonly Diagnostic[]): string {
  const lines = errors.map((d) => `${d.line}:${d.column}: ${d.message}`);
  return `The program does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** `{ node: { port: value } }` given for a run: every node, port and value must fit the program. */
export function checkOutputs(graph: ExecutableGraph, given: unknown, what: 'mock' | 'input'): OutputsByNode | string {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    return `Each ${what} must be given as { "<node id>": { "<output port>": value } }`;
  }
  const problems: string[] = [];
  for (const [nodeId, outputs] of Object.entries(given)) {
    const node = graph.nodes.find((candidate) => candidate.id === nodeId);
    if (!node) {
      problems.push(`${what} for unknown node "${nodeId}"`);
      continue;
    }
    if (what === 'input' && !node.isTrigger) problems.push(`"${nodeId}" is not a trigger node: only triggers take run inputs`);
    if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
      problems.push(`${what} for "${nodeId}" must be an object of output values`);
      continue;
    }
    for (const [port, value] of Object.entries(outputs as Record<string, JsonValue>)) {
      const output = node.outputs.find((candidate) => candidate.name === port);
      if (!output) {
        problems.push(`"${nodeId}" has no output "${port}" (its outputs are ${node.outputs.map((o) => o.name).join(', ') || 'none'})`);
        continue;
      }
      const type = parseType(output.type);
      if (type.ok && value !== null && !valueFits(value, type.type)) {
        problems.push(`${what} for ${nodeId}.${port} is ${describeValue(value)}, which is not a ${output.type}`);
      }
    }
  }
  return problems.length > 0 ? `This run cannot start: ${problems.join('; ')}` : (given as OutputsByNode);
}
