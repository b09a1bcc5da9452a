import * as clients from '@restatedev/restate-sdk-clients';
import type { Execution, Prisma, TriggerKind } from '../db/generated/client';
import type { Logger } from '../log';
import type { ExecutionRecords } from './records';
import type { ExecutionWorkflow } from './workflow';

/** Records a new execution, then hands it to Restate as a workflow keyed by its id. */
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
  }): Promise<Execution> {
    const execution = await this.records.createExecution(input);
    try {
      await this.ingress
        .workflowClient<ExecutionWorkflow>({ name: 'Execution' }, execution.id)
        .workflowSubmit({ executionId: execution.id });
    } catch (error) {
      const reason = `Could not hand the execution to Restate: ${(error as Error).message}`;
      this.log.error('execution not started', { executionId: execution.id, error });
      await this.records.finish(execution.id, { status: 'failed', error: reason });
      throw new Error(reason);
    }
    this.log.info('execution started', { executionId: execution.id, projectId: input.projectId, trigger: input.trigger });
    return execution;
  }
}
