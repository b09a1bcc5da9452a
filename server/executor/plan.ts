import { nodeDefinition } from '../nodes/catalog';
import { weftCatalogEntry } from '../nodes/weftCatalog';
import { withGroupGates } from './groupGates';
import { compileWeft, type Diagnostic } from '../weft';
import type { Endpoint, ExecutableGraph, ExecutableInput, ExecutableNode, GraphIR, IREdge, IRNode } from '../weft/ir';
import { describeValue, laneDelta, laneFromDelta, parseType, valueFits, type JsonValue } from '../weft/types';

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
  const mocks = checkOutputs(graph.executable, source.mocks ?? {}, 'mock', compiled.nodes);
  if (typeof mocks === 'string') return { ok: false, error: mocks };
  const triggerOutputs = checkOutputs(graph.executable, source.triggerPayload ?? {}, 'input');
  if (typeof triggerOutputs === 'string') return { ok: false, error: triggerOutputs };
  const withMocks = withMockedGroups(compiled, withCatalogRequirements(graph.executable), Object.keys(mocks));
  const runnable = withGroupGates(compiled, withMocks);
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
export function checkOutputs(
  graph: ExecutableGraph,
  given: unknown,
  what: 'mock' | 'input',
  /** The compiled graph's nodes: a mock may name a group (NODES.md 1.5), checked against the group's outputs. */
  irNodes: readonly IRNode[] = [],
): OutputsByNode | string {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    return `Each ${what} must be given as { "<node id>": { "<output port>": value } }`;
  }
  const problems: string[] = [];
  for (const [nodeId, outputs] of Object.entries(given)) {
    const node =
      graph.nodes.find((candidate) => candidate.id === nodeId) ??
      (what === 'mock' ? irNodes.find((candidate) => candidate.kind === 'group' && candidate.id === nodeId) : undefined);
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

/**
 * Mocked groups (NODES.md 1.5): the group completes with its mock without running what is inside.
 * Groups are flattened away in the executable graph, so each outermost mocked group comes back as one
 * node of its own (type `Group`, the group's ports and lane depth, its inputs fed by what feeds the
 * group) that the scheduler mocks like any node; every reader of the group's outputs reads that node
 * instead of the producer inside; every node inside (nested groups too) is marked `mockedGroup` and skips.
 */
export function withMockedGroups(graph: GraphIR, executable: ExecutableGraph, mocked: readonly string[]): ExecutableGraph {
  const irById = new Map(graph.nodes.map((node) => [node.id, node]));
  const groups = new Set(mocked.filter((id) => irById.get(id)?.kind === 'group'));
  if (groups.size === 0) return executable;
  // Only the outermost mocked group counts: one mocked inside it is skipped with everything else.
  const outermost = (node: IRNode | undefined): string | undefined => node?.scope.find((id) => groups.has(id));
  const active = new Set([...groups].filter((id) => outermost(irById.get(id)) === undefined));
  const depths = new Map<string, number>([
    ...executable.nodes.map((node): [string, number] => [node.id, node.laneDepth]),
    ...[...active].map((id): [string, number] => [id, irById.get(id)!.laneDepth]),
  ]);
  const trace = (start: IREdge | undefined) => traceToProducer(graph, start, active);
  const into = (node: string, port: string, kinds: IREdge['kind'][]) =>
    graph.edges.find((edge) => edge.target.node === node && edge.target.port === port && kinds.includes(edge.kind));

  const rerouted = (node: ExecutableNode): ExecutableNode => {
    let changed = false;
    const inputs = node.inputs.map((input) => {
      if (!input.wired) return input;
      const found = trace(into(node.id, input.name, ['flow', 'groupInput', 'groupOutput', 'groupThrough']));
      if (!found.source || !active.has(found.source.node)) return input;
      changed = true;
      return { ...input, source: found.source, lane: laneFromDelta(found.delta) };
    });
    return changed ? { ...node, inputs } : node;
  };
  const nodes: ExecutableNode[] = executable.nodes.map((node) => {
    const group = outermost(irById.get(node.id));
    return group ? { ...node, mockedGroup: group } : rerouted(node);
  });
  const order = [...executable.order];
  for (const id of active) {
    const group = irById.get(id)!;
    const inputs: ExecutableInput[] = [];
    for (const port of group.inputs) {
      const found = trace(into(id, port.name, ['flow', 'groupInput']));
      if (!found.source) continue;
      // What the group only gathers inside does not give the mocked group lanes of its own.
      const arrival = (depths.get(found.source.node) ?? 0) + found.delta;
      if (arrival < 0 || arrival > group.laneDepth) continue;
      inputs.push({ name: port.name, type: port.type, optional: true, lane: laneFromDelta(found.delta), source: found.source, configurable: false, wired: true });
    }
    const node: ExecutableNode = {
      id, type: 'Group', config: {}, isTrigger: false, isInfrastructure: false, laneDepth: group.laneDepth, requireOneOf: [],
      inputs, outputs: group.outputs.map((port) => ({ name: port.name, type: port.type, optional: true, connected: true })),
    };
    if (group.label !== undefined) node.label = group.label;
    if (group.parent) node.parent = group.parent;
    nodes.push(node);
    // After its sources and before its readers: place it before the first node that reads it.
    const firstReader = order.findIndex((other) => nodes.find((n) => n.id === other)?.inputs.some((input) => input.source?.node === id));
    order.splice(firstReader < 0 ? order.length : firstReader, 0, id);
  }
  return { nodes, order };
}

/**
 * Follows an edge back through group boundaries to the node output that feeds it, stopping at the output
 * of a group in `stopAt`; with the lanes added (or removed) on the way.
 */
function traceToProducer(graph: GraphIR, start: IREdge | undefined, stopAt: ReadonlySet<string>): { source?: Endpoint; delta: number } {
  const kinds = new Map(graph.nodes.map((node) => [node.id, node.kind]));
  const into = (node: string, port: string, inside: boolean) =>
    graph.edges.find((edge) => edge.target.node === node && edge.target.port === port &&
      (inside ? edge.kind === 'groupOutput' || edge.kind === 'groupThrough' : edge.kind === 'flow' || edge.kind === 'groupInput'));
  let delta = 0;
  const seen = new Set<IREdge>();
  let edge = start;
  while (edge && !seen.has(edge)) {
    seen.add(edge);
    delta += laneDelta(edge.lane);
    const { node, port } = edge.source;
    if (edge.kind === 'groupInput' || edge.kind === 'groupThrough') edge = into(node, port, false);
    else if (kinds.get(node) === 'group') {
      if (stopAt.has(node)) return { source: { node, port }, delta };
      edge = into(node, port, true);
    } else return { source: { node, port }, delta };
  }
  return { delta };
}
