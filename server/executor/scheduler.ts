/**
 * The pure scheduler of one execution: which node instances can start, what a settled one means
 * for the rest, and when the run is over. No I/O: the Restate workflow (and the in-process driver in
 * localRun.ts) call `takeReady` and `settle`. The same settles in the same order give the same
 * decisions in the same order, which is what a journaled replay needs.
 *
 * An instance is one node in one lane. Semantics are those of NODES.md Part 1 (the reference's runtime):
 * - A root node (no wired input) runs exactly once and never skips; config fills its inputs.
 * - A wired input's value is checked against its port's type at dispatch; a mismatch fails the node
 *   without running it. An element a list runs the node with is checked in its lane, and one that does
 *   not fit becomes null there (so a required input skips that lane); a gathered list is not checked.
 * - Skip: a required input that is wired and carries null (unless its type includes Null), or a
 *   `@require_one_of` group (the program's and the catalog's) where no port has a value. A config
 *   value fills an unwired port; an edge always wins, even with null. An optional input takes null.
 * - Lanes: two inputs that both run a node in lanes are zipped by index; lists of different lengths
 *   fail the node once, at the parent lane path, with both lengths in the error. A null or non-list
 *   where lanes should come from skips the node once at the parent lane path, and so everything whose
 *   lanes come from it; an empty list runs it in no lane, and a gather over it gets []. A gather gets
 *   null for a lane that skipped or failed. The skipped or failed instance at a parent lane path
 *   carries no inputs.
 * - Mocks replace a node's work, not its place in the flow: a mocked node still waits for its inputs
 *   and lanes, then completes with the mocked outputs in every lane, even where a null would skip it.
 *   A mocked group is one such node (plan.ts); the nodes inside it skip at once, once each.
 * - Triggers complete at once with this run's trigger outputs (the plan gives a trigger that did not
 *   fire its dormant outputs); output ports given no value are null (for mocks too).
 * - A node that failed gives null on every output, except those its failure says it gave (a failure
 *   found in the outputs it returned: the reference nulls only the port at fault, NODES.md 1.4).
 */
import type { ExecutableGraph, ExecutableInput, ExecutableNode } from '../weft/ir';
import { describeValue, laneDelta, type JsonValue } from '../weft/types';
import { compareLanes, descend, laneKey, type LanePath, tooManyLanes } from './lanes';
import { isGate, type GateInput } from './groupGates';
import { acceptsNull, inferredType, shortValue, valueFitsPort } from './typeCheck';

export interface NodeInstance {
  nodeId: string;
  /** Lane index path, outermost first; [] outside lanes. */
  lane: number[];
}

export type Outcome =
  /** Missing output ports count as null. */
  | { status: 'completed'; outputs: Record<string, JsonValue> }
  /** Outputs are null downstream, but for those given here (the ports a failed output check kept). */
  | { status: 'failed'; error: string; outputs?: Record<string, JsonValue> };

/** Every input port resolved: null where null or unwired and optional; config constants applied. */
export interface ReadyInstance extends NodeInstance {
  inputs: Record<string, JsonValue>;
}

export interface SkippedInstance extends NodeInstance {
  inputs: Record<string, JsonValue>;
  reason: string;
  /** Which required input got null, and from which node, for a person to follow (absent for @require_one_of). */
  cause?: SkipCause;
}

/** Why a node skipped, in parts: the required input that got null and the node output it came from. */
export interface SkipCause {
  /** The input that got null; for a node skipped with its group, the group's input. */
  input: string;
  /** The enclosing group whose required input got null, when the node skipped with its group. */
  group?: string;
  /** The node and output port the null came from; absent when the input is not wired to one. */
  fromNode?: string;
  fromPort?: string;
  /** How that node ended: it gave null (completed), skipped or failed. */
  fromStatus?: 'completed' | 'skipped' | 'failed';
}

export interface CompletedInstance extends NodeInstance {
  inputs: Record<string, JsonValue>;
  outputs: Record<string, JsonValue>;
}

export interface FailedInstance extends NodeInstance {
  error: string;
  /** The inputs it was given, when it failed at dispatch (a type mismatch). */
  inputs?: Record<string, JsonValue>;
}

export interface ReadyBatch {
  /** To run now (the caller bounds concurrency), then `settle`. */
  run: ReadyInstance[];
  /** Settled here: outputs all null. */
  skipped: SkippedInstance[];
  /** Settled here with the mocked outputs; the node did not run. */
  mocked: CompletedInstance[];
  /** Trigger nodes, settled here with this run's trigger outputs. */
  triggered: CompletedInstance[];
  /** Settled here without running: lanes that do not line up, inputs that do not fit their port's type. */
  failed: FailedInstance[];
}

export interface RunOptions {
  /** nodeId → outputs: the node does not run, it completes with these (every lane). */
  mocks?: Record<string, Record<string, JsonValue>>;
  /** Trigger node outputs for this run; a trigger node without an entry completes with all-null outputs. */
  triggerOutputs?: Record<string, Record<string, JsonValue>>;
}

export interface RunSummary {
  status: 'completed' | 'failed';
  failed: FailedInstance[];
  counts: Record<'completed' | 'failed' | 'skipped', number>;
}

/** What a node has decided for one lane path: lanes opened under it (above its depth), or an instance. */
type Slot =
  /** `unsettled`: lanes below that have not settled yet, so a gather knows without walking them. */
  | { kind: 'lanes'; count: number; unsettled: number }
  | { kind: 'running' }
  | { kind: 'completed'; outputs: Record<string, JsonValue> }
  | { kind: 'failed'; error: string; outputs?: Record<string, JsonValue> }
  | { kind: 'skipped'; reason: string; cause?: SkipCause };

interface Wire {
  input: ExecutableInput;
  source: NodeState;
  port: string;
  /** Lanes added (expand) or removed (gather) between source and this input. */
  shift: number;
  /** The lane depth the value arrives at: this input defines the node's lanes above it. */
  arrival: number;
}

interface NodeState {
  node: ExecutableNode;
  index: number;
  wires: Wire[];
  readers: number[];
  slots: Map<string, Slot>;
  /** Lane paths whose parent is decided and which are not yet. */
  open: number[][];
  instances: number;
}

export interface RunState {
  nodes: NodeState[];
  byId: Map<string, NodeState>;
  mocks: Record<string, Record<string, JsonValue>>;
  triggerOutputs: Record<string, Record<string, JsonValue>>;
  /** Nodes that may decide more since last looked at → the lane paths of their sources that changed ('all' at first, or when many did). */
  dirty: Map<number, LanePath[] | 'all'>;
  running: number;
  found: ReadyBatch;
  failures: FailedInstance[];
  counts: RunSummary['counts'];
}

/** What an input sees once its source settled; `because` says why a null came (its source skipped or failed). */
interface Seen {
  value: JsonValue;
  because?: string;
  /** Set when the source skipped or failed (so the value is null); unset when it completed. */
  sourceEnded?: 'skipped' | 'failed';
}

export function createRunState(graph: ExecutableGraph, options: RunOptions = {}): RunState {
  const position = new Map(graph.order.map((id, i) => [id, i]));
  const sorted = [...graph.nodes].sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  const nodes: NodeState[] = sorted.map((node, index) => ({ node, index, wires: [], readers: [], slots: new Map(), open: [[]], instances: 0 }));
  const byId = new Map(nodes.map((n) => [n.node.id, n]));
  for (const state of nodes) {
    for (const input of state.node.inputs) {
      if (!input.source) continue;
      const source = byId.get(input.source.node);
      if (!source) throw new Error(`${state.node.id}.${input.name} reads ${input.source.node}, which is not in the graph`);
      const shift = laneDelta(input.lane) + outputLaneShift(source.node, input.source.port);
      state.wires.push({ input, source, port: input.source.port, shift, arrival: source.node.laneDepth + shift });
      if (!source.readers.includes(state.index)) source.readers.push(state.index);
    }
  }
  return {
    nodes,
    byId,
    mocks: options.mocks ?? {},
    triggerOutputs: options.triggerOutputs ?? {},
    dirty: new Map(nodes.map((n) => [n.index, 'all'])),
    running: 0,
    found: emptyBatch(),
    failures: [],
    counts: { completed: 0, failed: 0, skipped: 0 },
  };
}

/**
 * An output whose catalog lane mode is Expand (StackTrim's value) emits one value per element of the
 * list it gives, into lanes one level deeper; a Gather output collects its lanes one level up (1.6).
 */
function outputLaneShift(node: ExecutableNode, port: string): number {
  const mode = node.outputs.find((output) => output.name === port)?.laneMode;
  return mode === 'expand' ? 1 : mode === 'gather' ? -1 : 0;
}

export function takeReady(state: RunState): ReadyBatch {
  advance(state);
  const found = state.found;
  state.found = emptyBatch();
  const order = (a: NodeInstance, b: NodeInstance) =>
    nodeState(state, a.nodeId).index - nodeState(state, b.nodeId).index || compareLanes(a.lane, b.lane);
  for (const list of Object.values(found) as NodeInstance[][]) list.sort(order);
  return found;
}

export function settle(state: RunState, instance: NodeInstance, outcome: Outcome): void {
  const node = nodeState(state, instance.nodeId);
  const key = laneKey(instance.lane);
  if (node.slots.get(key)?.kind !== 'running') {
    throw new Error(`${instance.nodeId} in lane [${instance.lane.join(', ')}] is not running: settle only what takeReady returned to run, once`);
  }
  state.running--;
  if (outcome.status === 'completed') {
    finish(state, node, instance.lane, { kind: 'completed', outputs: outcome.outputs });
    state.counts.completed++;
  } else {
    finish(state, node, instance.lane, { kind: 'failed', error: outcome.error, ...(outcome.outputs ? { outputs: outcome.outputs } : {}) });
    state.counts.failed++;
    state.failures.push({ nodeId: instance.nodeId, lane: [...instance.lane], error: outcome.error });
  }
}

/** Nothing running and nothing ready: every instance that can exist has settled. */
export function isFinished(state: RunState): boolean {
  advance(state);
  return state.running === 0 && Object.values(state.found).every((list: unknown[]) => list.length === 0);
}

export function summarize(state: RunState): RunSummary {
  const failed = [...state.failures].sort(
    (a, b) => nodeState(state, a.nodeId).index - nodeState(state, b.nodeId).index || compareLanes(a.lane, b.lane),
  );
  return { status: failed.length > 0 ? 'failed' : 'completed', failed, counts: { ...state.counts } };
}

/** nodeId → how many instances (node runs) it had: one per lane, or one skipped where its lanes could not open. */
export function laneCounts(state: RunState): Record<string, number> {
  return Object.fromEntries(state.nodes.map((n) => [n.node.id, n.instances]));
}

function emptyBatch(): ReadyBatch {
  return { run: [], skipped: [], mocked: [], triggered: [], failed: [] };
}

function nodeState(state: RunState, id: string): NodeState {
  const node = state.byId.get(id);
  if (!node) throw new Error(`no node ${id} in this execution's graph`);
  return node;
}

/** Decides whatever has become decidable, in graph order; a decision can only unblock later nodes. */
function advance(state: RunState): void {
  while (state.dirty.size > 0) {
    for (const index of [...state.dirty.keys()].sort((a, b) => a - b)) {
      const changed = state.dirty.get(index);
      if (!changed) continue;
      state.dirty.delete(index);
      advanceNode(state, state.nodes[index]!, changed);
    }
  }
}

/** Beyond this many changed paths a node simply retries all its open lane paths. */
const MAX_CHANGED_PATHS = 32;

/** Tells a node's readers that its slot at this lane path changed. */
function touchReaders(state: RunState, node: NodeState, path: LanePath): void {
  for (const reader of node.readers) {
    const changed = state.dirty.get(reader);
    if (changed === 'all') continue;
    if (!changed) state.dirty.set(reader, [path]);
    else if (changed.length < MAX_CHANGED_PATHS) changed.push(path);
    else state.dirty.set(reader, 'all');
  }
}

/**
 * Tries the open lane paths that a change could concern (lanes it opens are tried at once).
 * Lane paths line up from the outermost level, so a change at p concerns the paths that agree with p
 * as far as both go.
 */
function advanceNode(state: RunState, node: NodeState, changed: LanePath[] | 'all'): void {
  if (node.node.mockedGroup !== undefined) {
    // Inside a mocked group (NODES.md 1.5): skipped once, without waiting for inputs or lanes.
    if (node.open.length > 0 && !node.slots.has(laneKey([]))) settleHere(state, node, [], { kind: 'skipped', reason: `group ${node.node.mockedGroup} is mocked` });
    node.open = [];
    return;
  }
  const queue = node.open;
  const tried = queue.length;
  node.open = [];
  for (let i = 0; i < queue.length; i++) {
    const path = queue[i]!;
    const concerned = i >= tried || changed === 'all' || changed.some((p) => agree(p, path));
    const done = concerned && (path.length < node.node.laneDepth ? openLanes(state, node, path, queue) : startInstance(state, node, path));
    if (!done) node.open.push(path);
  }
}

function agree(a: LanePath, b: LanePath): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return false;
  return true;
}

type LaneSource = { count: number } | { missing: string; cause: SkipCause };

/** Decides how many lanes a node has under `path`, from every input that brings lanes at that level. */
function openLanes(state: RunState, node: NodeState, path: number[], queue: number[][]): boolean {
  const found: { name: string; lanes: LaneSource }[] = [];
  for (const wire of node.wires.filter((w) => w.arrival > path.length)) {
    const lanes = lanesFrom(wire, path);
    if (!lanes) return false;
    found.push({ name: wire.input.name, lanes });
  }
  const missing = found.find((f) => 'missing' in f.lanes);
  if (missing && 'missing' in missing.lanes) {
    settleHere(state, node, path, { kind: 'skipped', reason: missing.lanes.missing, cause: missing.lanes.cause });
    return true;
  }
  const counts = found.map((f) => ({ name: f.name, count: (f.lanes as { count: number }).count }));
  const first = counts[0]!;
  const other = counts.find((c) => c.count !== first.count);
  if (other) {
    const error =
      `lanes do not line up: ${first.name} gives ${first.count} and ${other.name} gives ${other.count}; ` +
      'inputs that run a node in the same lanes need lists of the same length';
    settleHere(state, node, path, { kind: 'failed', error });
    return true;
  }
  const overLimit = tooManyLanes(node.node.id, node.slots.size + first.count);
  if (overLimit) {
    settleHere(state, node, path, { kind: 'failed', error: overLimit });
    return true;
  }
  if (first.count === 0) finish(state, node, path, { kind: 'lanes', count: 0, unsettled: 0 });
  else {
    node.slots.set(laneKey(path), { kind: 'lanes', count: first.count, unsettled: first.count });
    touchReaders(state, node, path);
  }
  for (let i = 0; i < first.count; i++) queue.push([...path, i]);
  return true;
}

/** How many lanes an input brings under `path`: the source's own lanes there, or the length of the list it gives. */
function lanesFrom(wire: Wire, path: LanePath): LaneSource | undefined {
  const { source, input } = wire;
  const depth = source.node.laneDepth;
  if (path.length < depth) {
    const slot = lookup(source, path);
    if (slot?.kind === 'lanes') return { count: slot.count };
    if (slot?.kind === 'skipped' || slot?.kind === 'failed') {
      const cause: SkipCause = { input: input.name, fromNode: source.node.id, fromPort: wire.port, fromStatus: slot.kind };
      return { missing: `no lanes for ${input.name}: ${source.node.id} ${slot.kind === 'skipped' ? 'was skipped' : 'failed'}`, cause };
    }
    return undefined;
  }
  const seen = seenIn(source, lookup(source, path.slice(0, depth)), wire.port);
  if (!seen) return undefined;
  const list = descend(seen.value, path.slice(depth));
  if (Array.isArray(list)) return { count: list.length };
  const because = seen.because ? ` (${seen.because})` : '';
  return { missing: `no lanes for ${input.name}: it gets ${describeValue(list)}, not a list${because}`, cause: causeOf(input.name, wire, seen) };
}

/** Resolves an instance's inputs once they have all settled, and decides: run, skip, mock or trigger. */
function startInstance(state: RunState, node: NodeState, lane: number[]): boolean {
  const seen = new Map<string, Seen>();
  for (const input of node.node.inputs) {
    const value = readInput(state, node, input, lane);
    if (!value) return false;
    seen.set(input.name, value);
  }
  nullMisfitElements(node, seen);
  // Group gates (groupGates.ts) decide a skip; they are not the node's inputs.
  const gates = new Set(node.node.inputs.filter(isGate).map((input) => input.name));
  const inputs = Object.fromEntries([...seen].filter(([name]) => !gates.has(name)).map(([name, s]) => [name, s.value]));
  const instance = { nodeId: node.node.id, lane: [...lane], inputs };
  const key = laneKey(lane);
  node.instances++;
  const mock = state.mocks[node.node.id];
  if (mock || node.node.isTrigger) {
    const outputs = withEveryPort(node.node, mock ?? state.triggerOutputs[node.node.id] ?? {});
    finish(state, node, lane, { kind: 'completed', outputs });
    state.counts.completed++;
    (mock ? state.found.mocked : state.found.triggered).push({ ...instance, outputs });
    return true;
  }
  const mismatch = typeMismatch(node, seen);
  if (mismatch) {
    finish(state, node, lane, { kind: 'failed', error: mismatch });
    state.counts.failed++;
    state.failures.push({ nodeId: instance.nodeId, lane: instance.lane, error: mismatch });
    state.found.failed.push({ nodeId: instance.nodeId, lane: instance.lane, inputs, error: mismatch });
    return true;
  }
  const skip = skipReason(node, seen);
  if (skip) {
    const { reason, cause } = skip;
    finish(state, node, lane, { kind: 'skipped', reason, cause });
    state.counts.skipped++;
    state.found.skipped.push({ ...instance, reason, ...(cause ? { cause } : {}) });
    return true;
  }
  node.slots.set(key, { kind: 'running' });
  state.running++;
  state.found.run.push(instance);
  return true;
}

/** Records a slot that will not change again, and counts it as settled in the lanes above it. */
function finish(state: RunState, node: NodeState, path: LanePath, slot: Slot): void {
  node.slots.set(laneKey(path), slot);
  touchReaders(state, node, path);
  for (let length = path.length - 1; length >= 0; length--) {
    const parent = node.slots.get(laneKey(path.slice(0, length)));
    if (parent?.kind !== 'lanes' || --parent.unsettled > 0) return;
  }
}

/** Skips or fails a node at a lane path where its lanes cannot open: one instance stands for all lanes below. */
function settleHere(state: RunState, node: NodeState, path: number[], slot: Extract<Slot, { kind: 'skipped' | 'failed' }>): void {
  finish(state, node, path, slot);
  node.instances++;
  const instance = { nodeId: node.node.id, lane: [...path] };
  if (slot.kind === 'skipped') {
    state.counts.skipped++;
    state.found.skipped.push({ ...instance, inputs: {}, reason: slot.reason, ...(slot.cause ? { cause: slot.cause } : {}) });
  } else {
    state.counts.failed++;
    state.failures.push({ ...instance, error: slot.error });
    state.found.failed.push({ ...instance, error: slot.error });
  }
}

/**
 * An element a list runs the node with (expand) is checked against the port as it arrives in its
 * lane; one that does not fit becomes null there, as in the reference (NODES.md 1.6), saying why.
 */
function nullMisfitElements(node: NodeState, seen: Map<string, Seen>): void {
  for (const { wire, value } of misfits(node, seen, (shift) => shift > 0)) {
    const because = `the element of ${wire.source.node.id}.${wire.port} in this lane is ${inferredType(value)} ${shortValue(value)}, not ${wire.input.type}`;
    seen.set(wire.input.name, { value: null, because });
  }
}

/**
 * Values that arrive by edge must fit their port (NODES.md 1.2, step 1). Elements that run the node in
 * lanes were checked by nullMisfitElements; a gathered list is not checked.
 */
function typeMismatch(node: NodeState, seen: Map<string, Seen>): string | undefined {
  const problems = misfits(node, seen, (shift) => shift === 0).map(
    ({ wire, value }) => `input ${wire.input.name} expects ${wire.input.type}, but ${wire.source.node.id}.${wire.port} gave ${inferredType(value)} ${shortValue(value)}`,
  );
  return problems.length > 0 ? `type mismatch: ${problems.join('; ')}` : undefined;
}

/** The wires (of a lane shift `shift` selects, gates aside) whose non-null value does not fit the port they feed. */
function misfits(node: NodeState, seen: Map<string, Seen>, shift: (shift: number) => boolean): { wire: Wire; value: JsonValue }[] {
  const found: { wire: Wire; value: JsonValue }[] = [];
  for (const wire of node.wires) {
    if (!shift(wire.shift) || isGate(wire.input)) continue;
    const { value } = seen.get(wire.input.name)!;
    if (value !== null && !valueFitsPort(value, wire.input.type)) found.push({ wire, value });
  }
  return found;
}

/** A port counts as having a value for @require_one_of: non-null, or wired with a type that includes Null. */
function hasValue(input: ExecutableInput, seen: Seen | undefined): boolean {
  if (!seen) return false;
  return seen.value !== null || (input.source !== undefined && acceptsNull(input.type));
}

/** The skip's cause for a person: `input` got `seen`'s null, through `wire` when it is wired. */
function causeOf(input: string, wire: Wire | undefined, seen: Seen): SkipCause {
  if (!wire) return { input };
  return { input, fromNode: wire.source.node.id, fromPort: wire.port, fromStatus: seen.sourceEnded ?? 'completed' };
}

function skipReason(node: NodeState, seen: Map<string, Seen>): { reason: string; cause?: SkipCause } | undefined {
  // A root node runs once and is never skipped.
  if (node.wires.length === 0) return undefined;
  const because = (s: Seen) => (s.because ? ` (${s.because})` : '');
  const wireOf = (input: ExecutableInput) => node.wires.find((w) => w.input === input);
  for (const input of node.node.inputs) {
    if (!input.source || input.optional) continue;
    const s = seen.get(input.name)!;
    if (s.value !== null || acceptsNull(input.type)) continue;
    if (isGate(input)) {
      const reason = `group ${input.gate.group} is skipped: its required input ${input.gate.port} is null${because(s)}`;
      return { reason, cause: { ...causeOf(input.gate.port, wireOf(input), s), group: input.gate.group } };
    }
    return { reason: `required input ${input.name} is null${because(s)}`, cause: causeOf(input.name, wireOf(input), s) };
  }
  for (const group of node.node.requireOneOf) {
    const inputs = group.map((name) => node.node.inputs.find((input) => input.name === name));
    if (inputs.some((input) => input && hasValue(input, seen.get(input.name)))) continue;
    const gated = inputs.filter((input) => input !== undefined && isGate(input)) as GateInput[];
    const prefix = gated.length > 0 ? `${gated[0]!.gate.group}.` : undefined;
    if (prefix && group.every((name) => name.startsWith(prefix))) {
      return { reason: `group ${gated[0]!.gate.group} is skipped: none of ${group.map((name) => name.slice(prefix.length)).join(', ')} has a value (@require_one_of)` };
    }
    return { reason: `none of ${group.join(', ')} has a value (@require_one_of)` };
  }
  return undefined;
}

function readInput(state: RunState, node: NodeState, input: ExecutableInput, lane: LanePath): Seen | undefined {
  const wire = node.wires.find((w) => w.input === input);
  if (!wire) return { value: input.value ?? null };
  const { source, port, shift } = wire;
  const depth = source.node.laneDepth;
  if (shift < 0) return gather(source, port, lane.slice(0, wire.arrival));
  const seen = seenIn(source, lookup(source, lane.slice(0, depth)), port);
  return seen && shift > 0 ? { ...seen, value: descend(seen.value, lane.slice(depth, wire.arrival)) } : seen;
}

/** The source's lanes under `prefix` as nested lists, in index order; null for a lane that skipped or failed. */
function gather(source: NodeState, port: string, prefix: LanePath): Seen | undefined {
  const slot = lookup(source, prefix);
  if (slot?.kind === 'lanes' && slot.unsettled > 0) return undefined;
  return slot?.kind === 'lanes' ? gatherLanes(source, port, prefix, slot.count) : seenIn(source, slot, port);
}

function gatherLanes(source: NodeState, port: string, prefix: LanePath, count: number): Seen | undefined {
  const items: JsonValue[] = [];
  for (let i = 0; i < count; i++) {
    const path = [...prefix, i];
    const slot = source.slots.get(laneKey(path));
    const item = slot?.kind === 'lanes' ? gatherLanes(source, port, path, slot.count) : seenIn(source, slot, port);
    if (!item) return undefined;
    items.push(item.value);
  }
  return { value: items };
}

/**
 * The slot that decides a lane path of a node: the path's own, or that of a parent lane path where
 * the node skipped or failed before its lanes opened. Undefined while not decided.
 */
function lookup(node: NodeState, path: LanePath): Slot | undefined {
  for (let length = 0; length < path.length; length++) {
    const slot = node.slots.get(laneKey(path.slice(0, length)));
    if (!slot || slot.kind === 'skipped' || slot.kind === 'failed') return slot;
  }
  return node.slots.get(laneKey(path));
}

/** What a reader sees of one output port of a settled instance; undefined while it has not settled. */
function seenIn(source: NodeState, slot: Slot | undefined, port: string): Seen | undefined {
  switch (slot?.kind) {
    case 'completed':
      return { value: slot.outputs[port] ?? null };
    case 'failed': {
      const kept = slot.outputs?.[port];
      if (kept !== undefined && kept !== null) return { value: kept };
      return { value: null, because: `${source.node.id} failed`, sourceEnded: 'failed' };
    }
    case 'skipped':
      return { value: null, because: `${source.node.id} was skipped`, sourceEnded: 'skipped' };
    default:
      return undefined;
  }
}

function withEveryPort(node: ExecutableNode, given: Record<string, JsonValue>): Record<string, JsonValue> {
  return { ...Object.fromEntries(node.outputs.map((port) => [port.name, null])), ...given };
}
