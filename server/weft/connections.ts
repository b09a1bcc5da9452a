/** Resolves `target.input = source.output` lines into typed edges, scope by scope. */
import type { Connection, PortRef, Span } from './ast';
import { errorAt, type Diagnostic } from './diagnostics';
import { findPort, type Endpoint, type ResolvedEdge, type ResolvedNode, type ResolvedPort } from './model';
import type { Scopes } from './resolveNodes';
import { didYouMean } from './suggest';
import { connectionLane, formatType } from './types';

type Side = 'target' | 'source';

interface ResolvedEnd {
  endpoint: Endpoint;
  /** Undefined when the node's ports are unknown (unknown type): nothing to check. */
  port?: ResolvedPort;
  viaSelf: boolean;
}

class WiringProblem extends Error {
  constructor(readonly span: Span, readonly code: string, message: string) {
    super(message);
  }
}

export interface Wiring {
  edges: ResolvedEdge[];
  /** Inputs (`node:port`) that a connection targets, valid or not: a broken connection is not also a missing input. */
  targeted: Set<string>;
}

export function resolveConnections(scopes: Scopes, diagnostics: Diagnostic[]): Wiring {
  const edges: ResolvedEdge[] = [];
  const targeted = new Set<string>();
  const connected = new Map<string, Connection>();
  for (const { connection, scope } of scopes.connections) {
    const edge = resolveConnection(connection, scope, scopes, diagnostics, targeted);
    if (!edge) continue;
    const key = `${edge.toGroupOutput ? 'out' : 'in'}:${edge.target.node}:${edge.target.port}`;
    const first = connected.get(key);
    if (first) {
      const at = first.span.start;
      diagnostics.push(errorAt(connection.target.span, 'duplicate-connection',
        `${connection.target.path.join('.')} is already connected at line ${at.line}:${at.column}; an input takes at most one connection`));
      continue;
    }
    connected.set(key, connection);
    edges.push(edge);
  }
  return { edges, targeted };
}

function resolveConnection(
  connection: Connection, scope: string, scopes: Scopes, diagnostics: Diagnostic[], targeted: Set<string>,
): ResolvedEdge | undefined {
  let target: ResolvedEnd | undefined;
  let source: ResolvedEnd | undefined;
  for (const side of ['target', 'source'] as const) {
    try {
      const end = resolveEnd(connection[side], side, scope, scopes);
      if (side === 'target') target = end;
      else source = end;
    } catch (error) {
      if (!(error instanceof WiringProblem)) throw error;
      diagnostics.push(errorAt(error.span, error.code, error.message));
    }
  }
  if (target && !target.viaSelf) targeted.add(`${target.endpoint.node}:${target.endpoint.port}`);
  if (!target || !source) return undefined;
  const lane = target.port && source.port ? connectionLane(source.port.type, target.port.type) : { mode: 'single' as const, depth: 0 as const };
  if (!lane) {
    diagnostics.push(errorAt(connection.span, 'type-mismatch',
      `type mismatch: ${connection.target.path.join('.')} takes ${formatType(target.port!.type)}, ` +
        `but ${connection.source.path.join('.')} gives ${formatType(source.port!.type)}`));
    return undefined;
  }
  return {
    source: source.endpoint,
    target: target.endpoint,
    fromGroupInput: source.viaSelf,
    toGroupOutput: target.viaSelf,
    lane,
    span: connection.span,
    connection,
  };
}

function resolveEnd(ref: PortRef, side: Side, scope: string, scopes: Scopes): ResolvedEnd {
  const [nodeName, portName] = ref.path as [string, string];
  const portSpan = ref.pathSpans[1]!;
  if (ref.path.length > 2) throw pastInterface(ref, scope, scopes);
  if (nodeName === 'self') return resolveSelf(ref, side, scope, scopes);
  const node = scopes.byScope.get(scope)?.get(nodeName);
  if (!node) throw unknownNode(ref, scope, scopes);
  if (!node.known) return { endpoint: { node: node.id, port: portName }, viaSelf: false };
  const wanted = side === 'target' ? node.inputs : node.outputs;
  const other = side === 'target' ? node.outputs : node.inputs;
  const port = findPort(wanted, portName);
  if (port) return { endpoint: { node: node.id, port: portName }, port, viaSelf: false };
  if (findPort(other, portName)) {
    throw new WiringProblem(portSpan, 'wrong-port-direction', side === 'target'
      ? `${nodeName}.${portName} is an output; the left of "=" takes an input`
      : `${nodeName}.${portName} is an input; the right of "=" takes an output`);
  }
  throw new WiringProblem(portSpan, 'unknown-port',
    `${nodeName} (${node.type}) has no ${side === 'target' ? 'input' : 'output'} "${portName}"` +
      `${didYouMean(portName, wanted.map((p) => p.name))}${portList(wanted, side)}`);
}

/** Inside a group, `self.x` is the group's input x when read, its output x when written. */
function resolveSelf(ref: PortRef, side: Side, scope: string, scopes: Scopes): ResolvedEnd {
  const portName = ref.path[1]!;
  const group = scopes.byId.get(scope);
  if (!group) throw new WiringProblem(ref.pathSpans[0]!, 'self-outside-group', '"self" means the enclosing group, and this line is not inside a group');
  const wanted = side === 'target' ? group.outputs : group.inputs;
  const other = side === 'target' ? group.inputs : group.outputs;
  const port = findPort(wanted, portName);
  if (port) return { endpoint: { node: group.id, port: portName }, port, viaSelf: true };
  if (findPort(other, portName)) {
    throw new WiringProblem(ref.pathSpans[1]!, 'wrong-port-direction', side === 'target'
      ? `self.${portName} is an input of group ${group.localId}; inside the group it can only be read (right of "=")`
      : `self.${portName} is an output of group ${group.localId}; inside the group it can only be set (left of "=")`);
  }
  throw new WiringProblem(ref.pathSpans[1]!, 'unknown-port',
    `group ${group.localId} has no ${side === 'target' ? 'output' : 'input'} "${portName}"` +
      `${didYouMean(portName, wanted.map((p) => p.name))}; declare it in the group's ${side === 'target' ? '-> ( … )' : '( … )'} list`);
}

function unknownNode(ref: PortRef, scope: string, scopes: Scopes): WiringProblem {
  const nodeName = ref.path[0]!;
  const elsewhere = scopes.nodes.find((n) => n.localId === nodeName);
  if (elsewhere) return crossesBoundary(ref, elsewhere, scope, scopes);
  const visible = [...(scopes.byScope.get(scope)?.keys() ?? []), ...(scope ? ['self'] : [])];
  return new WiringProblem(ref.pathSpans[0]!, 'unknown-node', `unknown node "${nodeName}"${didYouMean(nodeName, visible)}`);
}

function crossesBoundary(ref: PortRef, node: ResolvedNode, scope: string, scopes: Scopes): WiringProblem {
  const here = scopes.byId.get(scope);
  const deeper = !here || node.scope.includes(scope);
  const message = !deeper
    ? `${ref.path[0]} is outside group ${here.localId}; a group's children reach outside only through its interface: ` +
      `add an input to ${here!.localId} and read it as self.<input>`
    : `${ref.path[0]} is inside group ${node.scope[node.scope.length - 1]}; from outside, use the group's inputs and outputs`;
  return new WiringProblem(ref.pathSpans[0]!, 'past-group-interface', message);
}

function pastInterface(ref: PortRef, scope: string, scopes: Scopes): WiringProblem {
  const [first, second] = ref.path as [string, string];
  const node = scopes.byScope.get(scope)?.get(first);
  if (node?.kind === 'group') {
    return new WiringProblem(ref.span, 'past-group-interface',
      `${first}.${second} is inside group ${first}; wire the group's interface instead ` +
        `(declare a port on ${first} and connect ${second} to it through self inside the group)`);
  }
  return new WiringProblem(ref.span, 'syntax', `"${ref.path.join('.')}" is not a port; write node.port`);
}

function portList(ports: ResolvedPort[], side: Side): string {
  if (ports.length === 0) return `; it has no ${side === 'target' ? 'inputs' : 'outputs'}`;
  return `; its ${side === 'target' ? 'inputs' : 'outputs'} are ${ports.map((p) => p.name).join(', ')}`;
}
