import type { Prisma } from '../db/generated/client';
import type { ExecutableNode } from '../weft/ir';
import type { ExecutionRecords } from './records';

const constantTypes = new Set(['Text', 'Number', 'Boolean', 'List', 'Dict', 'Date']);

export interface NodeResult {
  output: Record<string, unknown>;
  error?: string;
}

/** Runs one node and records it: running, then completed (with its output) or failed. */
export async function runPlannedNode(
  records: ExecutionRecords,
  executionId: string,
  node: ExecutableNode,
  _upstreamOutputs: Record<string, Record<string, unknown>>,
): Promise<NodeResult> {
  const base = { nodeId: node.id, nodeType: node.type };
  await records.recordNodeRun(executionId, { ...base, status: 'running', startedAt: new Date() });
  if (!constantTypes.has(node.type)) {
    const error = `Node type ${node.type} cannot run yet`;
    await records.recordNodeRun(executionId, { ...base, status: 'failed', error, completedAt: new Date() });
    return { output: {}, error };
  }
  const output = { value: node.config.value ?? null };
  await records.recordNodeRun(executionId, {
    ...base,
    status: 'completed',
    output: output as Prisma.InputJsonValue,
    completedAt: new Date(),
  });
  return { output };
}
