import * as clients from '@restatedev/restate-sdk-clients';
import type { Execution, Prisma, TriggerKind } from '../db/generated/client';
import type { Logger } from '../log';
import { workflowInvocationId } from '../restate/admin';
import { WorkflowIngress } from '../restate/ingress';
import type { ExecutionPlan } from './plan';
import type { ExecutionRecords, ProjectForRun } from './records';
import { currentJournalShape, executionWorkflowName, humanAnswerPromise, type ExecutionInput, type ExecutionWorkflow, type HumanAnswer } from './workflow';

/** Starts executions on Restate (a workflow keyed by the execution id) and sends them what they wait for. */
export class ExecutionStarter {
  private readonly ingress: clients.Ingress;
  private readonly submissions: WorkflowIngress;

  constructor(
    private readonly records: ExecutionRecords,
    private readonly restate: { ingressUrl: string; adminUrl: string },
    private readonly log: Logger,
  ) {
    this.ingress = clients.connect({ url: restate.ingressUrl });
    this.submissions = new WorkflowIngress(restate.ingressUrl);
  }

  async start(input: {
    projectId: string;
    trigger: TriggerKind;
    triggeredBy?: string;
    triggerPayload?: Prisma.InputJsonValue;
    testConfigId?: string;
    versionId?: string;
    triggerId?: string;
    idempotencyKey?: string;
    /** Config values for this run only (a runner page's fields): `{ node: { field: value } }`. */
    configOverrides?: Prisma.InputJsonValue;
    /** The published page whose visitor starts it. */
    pageId?: string;
    /** The project's code as the caller has just read it (see projectForRun). */
    project?: ProjectForRun;
    /** The plan of that code with the run's mocks and inputs, when the caller made it (see ExecutionInput.plan). */
    plan?: ExecutionPlan;
  }): Promise<Execution> {
    const { plan, ...creation } = input;
    const execution = await this.records.createExecution(creation);
    const invocationId = await this.handOver(execution, plan);
    this.log.info('execution started', { executionId: execution.id, projectId: input.projectId, trigger: input.trigger });
    return { ...execution, invocationId };
  }

  /**
   * Submits a created execution's workflow to Restate; submitting the same execution again
   * is harmless (one workflow per execution id), so a start interrupted here can be completed.
   * Resolves to the workflow's invocation id.
   */
  async handOver(execution: Execution, plan?: ExecutionPlan): Promise<string> {
    try {
      return await this.submit(execution, plan);
    } catch (error) {
      const reason = `Could not hand the execution to Restate: ${(error as Error).message}`;
      this.log.error('execution not started', { executionId: execution.id, error });
      await this.records.finish(execution.id, { status: 'failed', error: reason });
      throw new Error(reason);
    }
  }

  /** A project's code to run and its newest version if it holds that code, in one read (undefined: no such project). */
  projectForRun(projectId: string): Promise<ProjectForRun | undefined> {
    return this.records.projectForRun(projectId);
  }

  /**
   * Submits again a created execution whose hand-over may have been cut short (a trigger's
   * repeated delivery of its key). Harmless when it was handed over: Restate keeps one workflow
   * per execution. An error leaves the execution as it is (it may well be running): the caller
   * answers with it, and a later delivery tries again.
   */
  async submitAgain(execution: Execution): Promise<void> {
    await this.submit(execution);
  }

  /** The invocation id is not stored: a cancel asks Restate for it (one statement less for every run). */
  private submit(execution: Execution, plan?: ExecutionPlan): Promise<string> {
    const input: ExecutionInput = { executionId: execution.id, plan, journalShape: currentJournalShape };
    return this.submissions.submit(executionWorkflowName, execution.id, input);
  }

  /** Resumes the execution waiting on a HumanQuery instance with its answer (or skip). */
  async answer(executionId: string, nodeId: string, lane: number[], answer: HumanAnswer): Promise<void> {
    await this.workflow(executionId).answer({ promise: humanAnswerPromise(nodeId, lane), answer });
  }

  /** Stops the execution at once: Restate cancels the workflow, which records what was cut short. */
  async cancel(execution: { id: string; invocationId: string | null }): Promise<void> {
    // Stored by the versions before runs stopped writing it; else Restate says which invocation runs the workflow.
    const invocationId = execution.invocationId ?? (await workflowInvocationId(this.restate.adminUrl, executionWorkflowName, execution.id));
    if (!invocationId) throw new Error(`Restate has no invocation of execution ${execution.id} (it was never handed over, or Restate no longer keeps it)`);
    const response = await fetch(`${this.restate.adminUrl}/invocations/${encodeURIComponent(invocationId)}/cancel`, {
      method: 'PATCH',
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok && response.status !== 404) {
      throw new Error(`Restate did not cancel execution ${execution.id}: HTTP ${response.status} ${await response.text()}`);
    }
  }

  async pause(executionId: string): Promise<void> {
    await this.workflow(executionId).pause();
  }

  async resume(executionId: string): Promise<void> {
    await this.workflow(executionId).resume();
  }

  /** Closes the connections to Restate's ingress. */
  close(): Promise<void> {
    return this.submissions.close();
  }

  private workflow(executionId: string) {
    return this.ingress.workflowClient<ExecutionWorkflow>({ name: executionWorkflowName }, executionId);
  }
}
