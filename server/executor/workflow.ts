import * as restate from '@restatedev/restate-sdk';
import type { ExecutionRecords } from './records';
import { planExecution } from './plan';
import { runPlannedNode } from './runNode';

export interface ExecutionInput {
  executionId: string;
}

/**
 * One workflow per execution, keyed by the execution id. Each step that touches the
 * outside world runs inside ctx.run, so after a crash Restate replays the journal and
 * no finished step runs again.
 */
export function createExecutionWorkflow(records: ExecutionRecords) {
  return restate.workflow({
    name: 'Execution',
    handlers: {
      run: async (ctx: restate.WorkflowContext, input: ExecutionInput): Promise<void> => {
        const { executionId } = input;
        await ctx.run('mark running', () => records.markRunning(executionId));
        const plan = await ctx.run('plan', async () => planExecution(await records.loadVersionCode(executionId)));
        if (!plan.ok) {
          await ctx.run('refuse', () => records.finish(executionId, { status: 'failed', error: plan.error }));
          return;
        }
        const outputs: Record<string, Record<string, unknown>> = {};
        let failed: string | undefined;
        for (const nodeId of plan.graph.order) {
          const node = plan.graph.nodes.find((candidate) => candidate.id === nodeId)!;
          const result = await ctx.run(`node ${node.id}`, () => runPlannedNode(records, executionId, node, outputs));
          outputs[node.id] = result.output;
          if (result.error && !failed) failed = `${node.id}: ${result.error}`;
        }
        await ctx.run('finish', () =>
          records.finish(executionId, failed ? { status: 'failed', error: failed } : { status: 'completed' }),
        );
      },
    },
  });
}

export type ExecutionWorkflow = ReturnType<typeof createExecutionWorkflow>;
