import * as clients from '@restatedev/restate-sdk-clients';
import type { Execution, Prisma, TriggerKind } from '../db/generated/client';
import type { Logger } from '../log';
import type { ExecutionRecords } from './records';
import { humanAnswerPromise, type ExecutionWorkflow, type HumanAnswer } from './workflow';

/** Starts executions on Restate (a workflow keyed by the execution id) and sends them what they wait for. */
export class ExecutionStarter {
  private readonly ingress: clients.Ingress;

  constructor(
    private readonly records: ExecutionRecords,
    ingressUrl: string,
    private readonly log: Logger,
  ) {
    this.ingress = clients.connect({ url: ingressUrl });
  }

  async start(input: {
    projectId: string;
    trigger: TriggerKind;
    triggeredBy?: string;
    triggerPayload?: Prisma.InputJsonValue;
    testConfigId?: string;
  }): Promise<Execution> {
    const execution = await this.records.createExecution(input);
    try {
      const submitted = await this.ingress
        .workflowClient<ExecutionWorkflow>({ name: 'Execution' }, execution.id)
        .workflowSubmit({ executionId: execution.id });
      await this.records.setInvocationId(execution.id, submitted.invocationId);
    } catch (error) {
      const reason = `Could not hand the execution to Restate: ${(error as Error).message}`;
      this.log.error('execution not started', { executionId: execution.id, error });
      await this.records.finish(execution.id, { status: 'failed', error: reason });
      throw new Error(reason);
    }
    this.log.info('execution started', { executionId: execution.id, projectId: input.projectId, trigger: input.trigger });
    return execution;
  }

  /** Resumes the execution waiting on a HumanQuery instance with its answer (or skip). */
  async answer(executionId: string, nodeId: string, lane: number[], answer: HumanAnswer): Promise<void> {
    await this.ingress
      .workflowClient<ExecutionWorkflow>({ name: 'Execution' }, executionId)
      .answer({ promise: humanAnswerPromise(nodeId, lane), answer });
  }
}
