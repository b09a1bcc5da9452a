import type { Prisma } from '../db/generated/client';
import { nodeDefinition } from '../nodes/catalog';
import { coerceConfig, NodeFailure, type NodeSettings } from '../nodes/definition';
import type { ExecutableNode } from '../weft/ir';
import type { JsonValue } from '../weft/types';
import type { ExecutionRecords, NodeRunChange } from './records';
import { withCredentialsUnsealed } from '../credentials/runtime';
import type { Outcome, ReadyInstance } from './scheduler';
import { inferredType, shortValue, valueFitsPort } from './typeCheck';
import { findInlineMedia, recordProducedFiles } from '../files/producedFiles';

type Json = Prisma.InputJsonValue;

/**
 * Runs one node instance and records it: running, then completed with its outputs or
 * failed with its error. A node's own failure is an outcome; a failure to record it
 * throws, so that Restate retries the step.
 *
 * `attempt` is aborted when the Restate attempt running this step has ended (for instance
 * restate-server went away): the step's result will not be journaled and the next attempt
 * runs it again, so this one records nothing more. Otherwise its late "completed" could
 * land after the next attempt's "running" and make the record keep an output the journal
 * (and every node downstream) does not have.
 */
export async function runNodeInstance(
  records: ExecutionRecords,
  limits: RunLimits,
  executionId: string,
  node: ExecutableNode,
  ready: ReadyInstance,
  attempt: AbortSignal = new AbortController().signal,
): Promise<Outcome> {
  const record = async (change: NodeRunChange) => {
    if (attempt.aborted) throw new Error(`The attempt running ${node.id} has ended; the next attempt records it`);
    await records.recordNodeRun(executionId, change);
  };
  await record({ ...identityOf(node, ready), status: 'running', inputs: ready.inputs as Json, startedAt: new Date() });
  const result = await checkedResult(limits, executionId, node, ready, attempt);
  if (result.ok) {
    await recordProducedFiles({ executionId, nodeId: node.id, lane: ready.lane }, result.outputs);
    const action = notifyActionOf(result.details);
    if (action && !attempt.aborted) await records.openActionTask(executionId, { nodeId: node.id, lane: ready.lane, actionUrl: action.actionUrl });
  }
  const { outcome, change } = ending(node, ready, result);
  await record(change);
  return outcome;
}

/**
 * Runs an instance of a pure node (NodeDefinition.pure) in the workflow itself: its outcome and the
 * one change that records it, from its inputs to its ending (with its size as JSON), which the
 * workflow hands to the next step that writes. Undefined when its outputs hold inline media:
 * storing their files takes a step.
 */
export async function runPureInstance(
  limits: RunLimits,
  executionId: string,
  node: ExecutableNode,
  ready: ReadyInstance,
): Promise<{ outcome: Outcome; change: NodeRunChange; bytes: number } | undefined> {
  const startedAt = new Date();
  const result = await checkedResult(limits, executionId, node, ready, neverAborted);
  if (result.ok && findInlineMedia(result.outputs, node.id).length > 0) return undefined;
  const { outcome, change } = ending(node, ready, result, { inputs: ready.inputs as Json, startedAt });
  return { outcome, change, bytes: JSON.stringify(change).length };
}

/** The signal of a pure node's run: it does no I/O that could be cut short. */
const neverAborted = new AbortController().signal;

interface RunLimits {
  settings: NodeSettings;
  maxOutputBytesPerPort: number;
}

/** The node's work with sealed credentials opened for it, its outputs checked for size and type. */
async function checkedResult(
  limits: RunLimits,
  executionId: string,
  node: ExecutableNode,
  ready: ReadyInstance,
  signal: AbortSignal,
): Promise<DefinitionResult> {
  const result = await withCredentialsUnsealed(ready.inputs, (inputs) => runDefinition(limits.settings, node, { ...ready, inputs }, signal, executionId));
  return checkOutputTypes(node, checkOutputSizes(result, limits.maxOutputBytesPerPort));
}

/** The outcome the scheduler settles with, and the node run's ending as recorded. */
const identityOf = (node: ExecutableNode, ready: ReadyInstance) => ({ nodeId: node.id, nodeType: node.type, lane: ready.lane });

// The change is built key by key (no spread): it is made for every node run, and a spread
// followed by more keys made such objects many times slower to build and to serialise.
function ending(
  node: ExecutableNode,
  ready: ReadyInstance,
  result: DefinitionResult,
  /** A pure node's run is recorded once, when it ends: with its inputs and start. */
  start?: { inputs: Json; startedAt: Date },
): { outcome: Outcome; change: NodeRunChange } {
  const completedAt = new Date();
  const details = result.details as Json | undefined;
  const { id: nodeId, type: nodeType } = node;
  const { lane } = ready;
  const inputs = start?.inputs;
  const startedAt = start?.startedAt;
  if (result.ok) {
    return {
      outcome: { status: 'completed', outputs: result.outputs },
      change: { nodeId, nodeType, lane, status: 'completed', inputs, output: result.outputs as Json, details, costUsd: result.costUsd, startedAt, completedAt },
    };
  }
  return {
    outcome: result.outputs ? { status: 'failed', error: result.error, outputs: result.outputs } : { status: 'failed', error: result.error },
    change: { nodeId, nodeType, lane, status: 'failed', inputs, error: result.error, details, startedAt, completedAt },
  };
}

/** The reference's extra key by which a node (Notify) asks for an Action task: a link a person opens. */
function notifyActionOf(details: Record<string, JsonValue> | undefined): { actionUrl: string } | undefined {
  const action = details?.__notify_action__;
  if (!action || typeof action !== 'object' || Array.isArray(action)) return undefined;
  return typeof action.actionUrl === 'string' && action.actionUrl !== '' ? { actionUrl: action.actionUrl } : undefined;
}

export type DefinitionResult =
  | { ok: true; outputs: Record<string, JsonValue>; costUsd?: string; details?: Record<string, JsonValue> }
  /** `outputs`: the ports a failed output check kept (the others are null downstream). */
  | { ok: false; error: string; outputs?: Record<string, JsonValue>; details?: Record<string, JsonValue> };

async function runDefinition(settings: NodeSettings, node: ExecutableNode, ready: ReadyInstance, signal: AbortSignal, executionId?: string): Promise<DefinitionResult> {
  const definition = nodeDefinition(node.type);
  if (!definition?.run) return { ok: false, error: `Node type ${node.type} does not run on its own` };
  try {
    const result = await definition.run({
      nodeId: node.id,
      executionId,
      inputs: ready.inputs,
      // As the reference's runner: config values coerced by the type of their catalog field.
      config: coerceConfig(definition.catalog?.fields ?? [], node.config),
      outputs: node.outputs,
      settings,
      signal,
    });
    const outputs = Object.fromEntries(node.outputs.map((port) => [port.name, result.outputs[port.name] ?? null]));
    return { ok: true, outputs, costUsd: result.costUsd, details: result.details };
  } catch (error) {
    if (error instanceof NodeFailure) return { ok: false, error: error.message, details: error.details };
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Each connected output port of lane mode Single must carry a value of its declared type (NODES.md 1.4),
 * as in the reference: a value that does not fit fails the node with the port named, becomes null on that
 * port only, and the node's other outputs still flow. Ports no edge reads are not checked.
 */
export function checkOutputTypes(node: Pick<ExecutableNode, 'outputs'>, result: DefinitionResult): DefinitionResult {
  if (!result.ok) return result;
  const misfits = node.outputs.filter((port) => {
    const value = result.outputs[port.name] ?? null;
    return port.connected && port.laneMode === undefined && value !== null && !valueFitsPort(value, port.type);
  });
  if (misfits.length === 0) return result;
  const error = misfits.map((port) => `Output port '${port.name}': expected ${port.type}, got ${inferredType(result.outputs[port.name]!)} ${shortValue(result.outputs[port.name]!)}`).join('; ');
  const kept = { ...result.outputs };
  for (const port of misfits) kept[port.name] = null;
  return { ok: false, error, outputs: kept, details: { ...result.details, outputs: result.outputs } };
}

/** Outputs are stored whole; one larger than the limit fails the node instead of the database. */
function checkOutputSizes(result: DefinitionResult, maxBytes: number): DefinitionResult {
  if (!result.ok) return result;
  for (const [port, value] of Object.entries(result.outputs)) {
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > maxBytes) {
      return {
        ok: false,
        error: `Output "${port}" is ${bytes} bytes, more than the ${maxBytes} bytes a port may hold (MAX_OUTPUT_BYTES_PER_PORT)`,
        details: result.details,
      };
    }
  }
  return result;
}
