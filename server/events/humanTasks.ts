import type { HumanTask, HumanTaskKind, HumanTaskState, Prisma, PrismaClient } from '../db/generated/client';
import { commitExecutionChange } from './record';

const laneKeyOf = (lane: readonly number[]) => lane.join('.');

export interface TaskOpening {
  nodeId: string;
  lane: number[];
  kind?: HumanTaskKind;
  title: string;
  description: string;
  form: Prisma.InputJsonValue;
  actionUrl?: string;
}

export interface TaskClosing {
  state: Exclude<HumanTaskState, 'open'>;
  answer?: Prisma.InputJsonValue;
  answeredBy?: string;
}

/**
 * Opens a HumanQuery form and publishes it as a `humanTask` event of its execution, in one
 * transaction; opening it again (a replayed step) writes and publishes nothing. Null when
 * the execution has already ended.
 */
export async function commitTaskOpened(prisma: PrismaClient, executionId: string, task: TaskOpening): Promise<HumanTask | null> {
  const key = { executionId_nodeId_laneKey: { executionId, nodeId: task.nodeId, laneKey: laneKeyOf(task.lane) } };
  await commitExecutionChange(prisma, executionId, {
    alreadyRecorded: async (tx) => (await tx.humanTask.findUnique({ where: key, select: { id: true } })) !== null,
    humanTask: (tx) => tx.humanTask.create({ data: { executionId, laneKey: laneKeyOf(task.lane), ...task } }),
  });
  return prisma.humanTask.findUnique({ where: key });
}

/** Closes an open form (answered, skipped or cancelled) with its event; a closed one stays as it is. Resolves to true when this call closed it. */
export async function commitTaskClosed(
  prisma: PrismaClient,
  executionId: string,
  where: { nodeId: string; lane: readonly number[] },
  closing: TaskClosing,
): Promise<boolean> {
  const key = { executionId_nodeId_laneKey: { executionId, nodeId: where.nodeId, laneKey: laneKeyOf(where.lane) } };
  const committed = await commitExecutionChange(prisma, executionId, {
    alreadyRecorded: async (tx) => (await tx.humanTask.findUnique({ where: key, select: { state: true } }))?.state !== 'open',
    humanTask: (tx) => tx.humanTask.update({ where: key, data: { ...closing, answeredAt: new Date() } }),
  });
  return committed !== null;
}

/**
 * Marks an open Action task done, with its event, also after its execution has ended (an
 * Action task does not keep its run waiting). Resolves to true when this call closed it.
 */
export async function commitActionTaskDone(prisma: PrismaClient, task: { id: string; executionId: string }, answeredBy?: string): Promise<boolean> {
  const committed = await commitExecutionChange(prisma, task.executionId, {
    evenWhenEnded: true,
    alreadyRecorded: async (tx) => (await tx.humanTask.findUnique({ where: { id: task.id }, select: { state: true } }))?.state !== 'open',
    humanTask: (tx) => tx.humanTask.update({ where: { id: task.id }, data: { state: 'answered', answeredBy, answeredAt: new Date() } }),
  });
  return committed !== null;
}
