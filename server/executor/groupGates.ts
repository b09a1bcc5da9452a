/**
 * Group skip (NODES.md 1.8): a group whose required input is wired and carries null, or none of whose
 * `@require_one_of` ports has a value, is skipped as a whole — every node inside it skips, and its
 * outputs are null. Groups are flattened away in the
 * executable graph, so each node inside a group gets a gate: a hidden required input per required
 * input of each enclosing group, fed by what feeds that group input. The scheduler waits for gates
 * as for inputs, skips on a null one, and hands no gate to the node; a group's `@require_one_of` becomes
 * one over the gates of its ports (optional gates, which skip only together).
 */
import type { Endpoint, ExecutableGraph, ExecutableInput, GraphIR, IRPort } from '../weft/ir';
import { laneDelta, laneFromDelta } from '../weft/types';
import { acceptsNull } from './typeCheck';

/** A hidden input standing for a required input of an enclosing group. */
export interface GateInput extends ExecutableInput {
  /** The group (qualified id) and its input, e.g. `price.qty`. */
  gate: { group: string; port: string };
}

export const isGate = (input: ExecutableInput): input is GateInput => 'gate' in input;

interface Boundary {
  source: Endpoint;
  /** Lanes added (or removed) between the producer and the group's input. */
  delta: number;
}

/** What feeds each group input, read off a node inside that reads it (whose input the compiler traced to its producer). */
function groupBoundaries(graph: GraphIR, executable: ExecutableGraph): Map<string, Boundary> {
  const nodes = new Map(executable.nodes.map((node) => [node.id, node]));
  const boundaries = new Map<string, Boundary>();
  for (const edge of graph.edges) {
    if (edge.kind !== 'groupInput') continue;
    const key = `${edge.source.node}\u0000${edge.source.port}`;
    if (boundaries.has(key)) continue;
    const input = nodes.get(edge.target.node)?.inputs.find((candidate) => candidate.name === edge.target.port);
    if (!input?.source) continue;
    boundaries.set(key, { source: input.source, delta: laneDelta(input.lane) - laneDelta(edge.lane) });
  }
  return boundaries;
}

export function withGroupGates(graph: GraphIR, executable: ExecutableGraph): ExecutableGraph {
  const irNodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const depths = new Map(executable.nodes.map((node) => [node.id, node.laneDepth]));
  const boundaries = groupBoundaries(graph, executable);
  const nodes = executable.nodes.map((node) => {
    const gates: GateInput[] = [];
    const requireOneOf: string[][] = [];
    for (const groupId of irNodes.get(node.id)?.scope ?? []) {
      const group = irNodes.get(groupId);
      const gateFor = (port: IRPort, optional: boolean): GateInput | undefined => {
        const name = `${groupId}.${port.name}`;
        const existing = gates.find((gate) => gate.name === name);
        if (existing) return existing;
        const boundary = boundaries.get(`${groupId}\u0000${port.name}`);
        if (!boundary || boundary.source.node === node.id) return undefined;
        // A gate can only be read in lanes the node has: deeper ones (a list the group runs over that
        // this node does not read) would give it lanes of its own.
        const arrival = (depths.get(boundary.source.node) ?? 0) + boundary.delta;
        if (arrival < 0 || arrival > node.laneDepth) return undefined;
        const gate: GateInput = {
          name, type: port.type, optional, lane: laneFromDelta(boundary.delta),
          source: boundary.source, configurable: false, wired: true, gate: { group: groupId, port: port.name },
        };
        gates.push(gate);
        return gate;
      };
      for (const port of group?.inputs ?? []) {
        if (!port.optional && !acceptsNull(port.type)) gateFor(port, false);
      }
      // The group's @require_one_of (NODES.md 1.8): none of the group's ports has a value → it skips whole.
      for (const names of group?.requireOneOf ?? []) {
        const wired = names
          .map((name) => group!.inputs.find((port) => port.name === name))
          .filter((port) => port !== undefined && boundaries.has(`${groupId}\u0000${port.name}`)) as IRPort[];
        const gated = wired.map((port) => gateFor(port, true)?.name);
        // Decided only where this node can read every wired port of the group (not from a deeper lane);
        // the unwired ones are named too (they never have a value), for the skip's reason.
        if (gated.length > 0 && gated.every((name) => name !== undefined)) requireOneOf.push(names.map((name) => `${groupId}.${name}`));
      }
    }
    if (gates.length === 0 && requireOneOf.length === 0) return node;
    return { ...node, inputs: [...node.inputs, ...gates], requireOneOf: [...node.requireOneOf, ...requireOneOf] };
  });
  return { ...executable, nodes };
}
