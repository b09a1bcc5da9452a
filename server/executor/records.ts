import type { Execution, NodeRun, NodeRunStatus, Prisma, PrismaClient, TriggerKind } from '../db/generated/client';
import { commitExecutionChange, commitNewExecution } from '../events/record';

/** The executor's writes to the record: each one a committed, published change. */
export class ExecutionRecords {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates a pending execution pinned to a version holding the project's current code. */
  async createExecution(input: {
    projectId: string;
    trigger: TriggerKind;
    triggeredBy?: string;
    triggerPayload?: Prisma.InputJsonValue;
  }): Promise<Execution> {
    const project = await this.prisma.project.findUniqueOrThrow({ where: { id: input.projectId } });
    const version = await this.versionForRun(project.id, project.code, project.layout);
    return commitNewExecution(this.prisma, {
      projectId: project.id,
      versionId: version.id,
      trigger: input.trigger,
      triggeredBy: input.triggeredBy,
      triggerPayload: input.triggerPayload,
    });
  }

  async markRunning(executionId: string): Promise<void> {
    await commitExecutionChange(this.prisma, executionId, { execution: { status: 'running' } });
  }

  async finish(executionId: string, outcome: { status: 'completed' | 'failed' | 'cancelled'; error?: string }): Promise<void> {
    await commitExecutionChange(this.prisma, executionId, {
      execution: { status: outcome.status, error: outcome.error ?? null, completedAt: new Date() },
    });
  }

  async recordNodeRun(
    executionId: string,
    run: {
      nodeId: string;
      nodeType: string;
      lane?: number[];
      status: NodeRunStatus;
      inputs?: Prisma.InputJsonValue;
      output?: Prisma.InputJsonValue;
      error?: string | null;
      startedAt?: Date;
      completedAt?: Date;
    },
  ): Promise<NodeRun> {
    const lane = run.lane ?? [];
    const laneKey = lane.join('.');
    const { nodeId, nodeType, ...changes } = run;
    const { nodeRun } = await commitExecutionChange(this.prisma, executionId, {
      nodeRun: (tx, seq) =>
        tx.nodeRun.upsert({
          where: { executionId_nodeId_laneKey: { executionId, nodeId, laneKey } },
          create: { executionId, nodeId, nodeType, laneKey, ...changes, lane, seq },
          update: { ...changes, seq },
        }),
    });
    return nodeRun as NodeRun;
  }

  async loadVersionCode(executionId: string): Promise<{ code: string; layout: string }> {
    const execution = await this.prisma.execution.findUniqueOrThrow({
      where: { id: executionId },
      include: { version: true, project: true },
    });
    return execution.version ?? execution.project;
  }

  private async versionForRun(projectId: string, code: string, layout: string) {
    const latest = await this.prisma.version.findFirst({
      where: { projectId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    if (latest && latest.code === code && latest.layout === layout) return latest;
    return this.prisma.version.create({ data: { projectId, kind: 'auto', code, layout } });
  }
}
