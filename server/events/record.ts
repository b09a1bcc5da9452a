import { Prisma, type PrismaClient } from '../db/generated/client';
import { recordSqlOf } from '../db/recordSql';
import { retryTransient, transactionGateOf } from '../db/transactions';
import type { Execution, ExecutionStatus, HumanTask, NodeRun } from '../db/generated/client';
import { eventsChannel, type ExecutionEventPayload, type ExecutionSnapshot, type HumanTaskSnapshot, type NodeRunSnapshot } from './types';

type Transaction = Prisma.TransactionClient;

export const finalStatuses: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled'];

export interface ExecutionChange {
  execution?: Prisma.ExecutionUpdateInput;
  nodeRun?: (tx: Transaction, seq: number) => Promise<NodeRun>;
  /** Opens or closes a HumanQuery form (not together with `nodeRun`). */
  humanTask?: (tx: Transaction) => Promise<HumanTask>;
  /**
   * Looked at with the execution row locked: true when the change is already recorded (a
   * step replayed by Restate), so nothing is written and `seq` does not move.
   */
  alreadyRecorded?: (tx: Transaction, current: { status: ExecutionStatus }) => Promise<boolean> | boolean;
  /** Also once the execution has ended (an Action task marked done after its run completed). */
  evenWhenEnded?: boolean;
}

/**
 * Changes an execution (and optionally one of its node runs) and stores the matching
 * event in one transaction. The NOTIFY is part of that transaction, so PostgreSQL sends
 * it only once the change is committed: subscribers never see an event that was rolled back.
 * A finished execution's record is final: later changes (a step that was still running when
 * it was cancelled) are dropped. Resolves to null when nothing was written.
 *
 * Changes of one execution are admitted one at a time and only when a connection is free
 * (server/db/transactions.ts), and a failure that certainly rolled it back (no connection
 * in time, a deadlock) tries the whole transaction again.
 */
export async function commitExecutionChange(
  prisma: PrismaClient,
  executionId: string,
  change: ExecutionChange,
): Promise<{ execution: Execution; nodeRun?: NodeRun; humanTask?: HumanTask } | null> {
  return recordTransaction(prisma, executionId, async (tx) => {
    const current = await lockExecution(tx, executionId);
    if (finalStatuses.includes(current.status) && !change.evenWhenEnded) return null;
    return applyChange(tx, executionId, current, change);
  });
}

/** One record transaction: in the execution's turn, in a free slot, tried again after transient errors. */
function recordTransaction<T>(prisma: PrismaClient, executionId: string | undefined, body: (tx: Transaction) => Promise<T>): Promise<T> {
  return transactionGateOf(prisma).run(executionId, () => retryTransient(() => prisma.$transaction(body)));
}

/**
 * Several changes of one execution in one transaction, each with its own `seq` and event:
 * `plan` reads the record with the execution row locked and says what to change, so no
 * other change can slip in between (how a cancellation ends every unfinished node run and
 * the execution together). Nothing happens when the execution has already ended.
 */
export async function commitExecutionChanges(
  prisma: PrismaClient,
  executionId: string,
  plan: (tx: Transaction) => Promise<ExecutionChange[]>,
): Promise<boolean> {
  return recordTransaction(prisma, executionId, async (tx) => {
    let current = await lockExecution(tx, executionId);
    if (finalStatuses.includes(current.status)) return false;
    for (const change of await plan(tx)) {
      const applied = await applyChange(tx, executionId, current, change);
      if (applied) current = { status: applied.execution.status };
    }
    return true;
  });
}

async function lockExecution(tx: Transaction, executionId: string): Promise<{ status: ExecutionStatus }> {
  const [current] = await tx.$queryRaw<{ status: ExecutionStatus }[]>`
    SELECT status FROM "Execution" WHERE id = ${executionId}::uuid FOR UPDATE`;
  if (!current) throw new Error(`Execution ${executionId} does not exist`);
  return current;
}

async function applyChange(
  tx: Transaction,
  executionId: string,
  current: { status: ExecutionStatus },
  change: ExecutionChange,
): Promise<{ execution: Execution; nodeRun?: NodeRun; humanTask?: HumanTask } | null> {
  if (await change.alreadyRecorded?.(tx, current)) return null;
  const execution = await tx.execution.update({
    where: { id: executionId },
    data: { ...change.execution, lastSeq: { increment: 1 } },
  });
  const nodeRun = change.nodeRun ? await change.nodeRun(tx, execution.lastSeq) : undefined;
  const humanTask = change.humanTask ? await change.humanTask(tx) : undefined;
  await insertEvent(tx, executionId, execution.lastSeq, eventPayload(execution, nodeRun, humanTask));
  return { execution, nodeRun, humanTask };
}

function eventPayload(execution: Execution, nodeRun?: NodeRun, humanTask?: HumanTask): ExecutionEventPayload {
  if (nodeRun) return { kind: 'nodeRun', execution: executionSnapshot(execution), nodeRun: nodeRunSnapshot(nodeRun) };
  if (humanTask) return { kind: 'humanTask', execution: executionSnapshot(execution), humanTask: humanTaskSnapshot(humanTask) };
  return { kind: 'execution', execution: executionSnapshot(execution) };
}

/** Creates an execution with its first event (seq 1) in one transaction. */
export async function commitNewExecution(prisma: PrismaClient, data: Prisma.ExecutionUncheckedCreateInput): Promise<Execution> {
  return recordTransaction(prisma, undefined, async (tx) => {
    const execution = await tx.execution.create({ data: { ...data, lastSeq: 1 } });
    await insertEvent(tx, execution.id, 1, { kind: 'execution', execution: executionSnapshot(execution) });
    return execution;
  });
}

/** What a new execution is made of, as the platform starts one (see insertNewExecution). */
export interface NewExecution {
  projectId: string;
  versionId?: string;
  trigger: Execution['trigger'];
  triggeredBy?: string;
  triggerPayload?: Prisma.InputJsonValue;
  testConfigId?: string;
  triggerId?: string;
  /** With triggerId, unique: a second start with the same key fails as a unique violation (isUniqueViolation). */
  idempotencyKey?: string;
  configOverrides?: Prisma.InputJsonValue;
  pageId?: string;
}

/**
 * commitNewExecution in one statement (a run's start is on the path of every run): the execution,
 * pending, its first event, and that event's NOTIFY, which carries it whole when it is small, as
 * notificationOf decides (weft_execution_snapshot gives the fields of executionSnapshot). Its
 * columns are named, not `*`: it is a prepared statement on a server, and a column that a later
 * migration adds would change its result type under the connections that prepared it.
 */
export async function insertNewExecution(prisma: PrismaClient, data: NewExecution, id: string): Promise<Execution> {
  const json = (value: Prisma.InputJsonValue | undefined) => (value === undefined ? null : JSON.stringify(value));
  const statement = `WITH created AS (
      INSERT INTO "Execution" (id, "projectId", "versionId", trigger, "triggeredBy", "triggerPayload", "testConfigId", "triggerId", "configOverrides", "pageId", "idempotencyKey", "lastSeq")
      VALUES ($1::uuid, $2::uuid, $3::uuid, $4::"TriggerKind", $5, $6::jsonb, $7::uuid, $8::uuid, $9::jsonb, $10::uuid, $13, 1)
      RETURNING *
    ), event AS (
      INSERT INTO "ExecutionEvent" ("executionId", seq, kind, payload)
      SELECT created.id, 1, 'execution', jsonb_build_object('kind', 'execution', 'execution', weft_execution_snapshot(ROW(created.*)::"Execution"))
      FROM created
      RETURNING id, "createdAt", payload
    )
    SELECT created.id, created."projectId", created."versionId", created.trigger, created."triggeredBy", created."triggerPayload",
      created.status, created.error, created."costUsd", created."startedAt", created."completedAt", created."lastSeq", created."invocationId",
      created."testConfigId", created."triggerId", created."idempotencyKey", created."configOverrides", created."pageId",
      pg_notify($11, CASE WHEN octet_length(whole.event) < $12 THEN whole.event ELSE event.id::text END) IS NULL AS notified
    FROM created, event, LATERAL (SELECT (event.payload || jsonb_build_object('id', event.id::text, 'executionId', created.id, 'seq', 1,
      'createdAt', weft_iso_time(event."createdAt")))::text AS event) AS whole`;
  const parameters = [id, data.projectId, data.versionId ?? null, data.trigger, data.triggeredBy ?? null, json(data.triggerPayload), data.testConfigId ?? null,
    data.triggerId ?? null, json(data.configOverrides), data.pageId ?? null, eventsChannel, wholeEventNotificationBytes, data.idempotencyKey ?? null];
  // As recordTransaction: within the connections kept for records, tried again after a failure that certainly rolled back.
  const [row] = await transactionGateOf(prisma).run(undefined, () =>
    retryTransient(() => recordSqlOf(prisma).query<Omit<Execution, 'costUsd'> & { costUsd: string | number; notified?: boolean }>(statement, parameters)),
  );
  const { notified: _notified, ...execution } = row!;
  return { ...execution, costUsd: new Prisma.Decimal(execution.costUsd), startedAt: new Date(execution.startedAt) } as Execution;
}

async function insertEvent(tx: Transaction, executionId: string, seq: number, payload: ExecutionEventPayload): Promise<void> {
  // The payload goes in as JSON text (`::jsonb`), serialised once: handed to Prisma as an object,
  // a node run's large output would be walked value by value on the event loop (issue 12 A4).
  const text = JSON.stringify(payload);
  const [event] = await tx.$queryRaw<{ id: bigint; createdAt: Date }[]>`
    INSERT INTO "ExecutionEvent" ("executionId", "seq", "kind", "payload")
    VALUES (${executionId}::uuid, ${seq}, ${payload.kind}, ${text}::jsonb) RETURNING "id", "createdAt"`;
  await tx.$executeRaw`SELECT pg_notify(${eventsChannel}, ${notificationOf(text, event!.id, executionId, seq, event!.createdAt)})`;
}

/** Events whose NOTIFY carries them whole are below this size; larger ones carry their id (PostgreSQL allows 8,000 bytes). */
export const wholeEventNotificationBytes = 7_000;

/** The NOTIFY payload of an event: the whole event when it is small (the hub reads nothing back), else its id. */
function notificationOf(payloadText: string, id: bigint, executionId: string, seq: number, createdAt: Date): string {
  if (payloadText.length >= wholeEventNotificationBytes) return id.toString();
  const event = `${payloadText.slice(0, -1)},"id":"${id}","executionId":"${executionId}","seq":${seq},"createdAt":"${createdAt.toISOString()}"}`;
  return Buffer.byteLength(event) < wholeEventNotificationBytes ? event : id.toString();
}

export function executionSnapshot(execution: Execution): ExecutionSnapshot {
  return {
    id: execution.id,
    projectId: execution.projectId,
    versionId: execution.versionId,
    testConfigId: execution.testConfigId,
    trigger: execution.trigger,
    triggerId: execution.triggerId,
    triggeredBy: execution.triggeredBy,
    status: execution.status,
    error: execution.error,
    costUsd: execution.costUsd.toString(),
    startedAt: execution.startedAt.toISOString(),
    completedAt: execution.completedAt?.toISOString() ?? null,
    lastSeq: execution.lastSeq,
  };
}

export function nodeRunSnapshot(nodeRun: NodeRun): NodeRunSnapshot {
  return {
    id: nodeRun.id,
    executionId: nodeRun.executionId,
    nodeId: nodeRun.nodeId,
    nodeType: nodeRun.nodeType,
    lane: nodeRun.lane,
    status: nodeRun.status,
    inputs: nodeRun.inputs,
    output: nodeRun.output,
    error: nodeRun.error,
    details: nodeRun.details,
    costUsd: nodeRun.costUsd.toString(),
    startedAt: nodeRun.startedAt?.toISOString() ?? null,
    completedAt: nodeRun.completedAt?.toISOString() ?? null,
    seq: nodeRun.seq,
  };
}

export function humanTaskSnapshot(task: HumanTask): HumanTaskSnapshot {
  return {
    id: task.id,
    executionId: task.executionId,
    nodeId: task.nodeId,
    lane: task.lane,
    kind: task.kind,
    title: task.title,
    actionUrl: task.actionUrl,
    description: task.description,
    form: task.form,
    state: task.state,
    answer: task.answer,
    answeredBy: task.answeredBy,
    createdAt: task.createdAt.toISOString(),
    answeredAt: task.answeredAt?.toISOString() ?? null,
  };
}
