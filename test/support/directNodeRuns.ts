import type { Database } from '../../server/db/database';
import { eventsChannel } from '../../server/events/types';
import type { NodeRunStatus } from '../../server/db/generated/client';

export interface DirectNodeRun {
  nodeId: string;
  nodeType: string;
  lane?: number[];
  status: NodeRunStatus;
  inputs?: unknown;
  output?: unknown;
  error?: string | null;
  startedAt?: Date | null;
  completedAt?: Date | null;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const executionJson = `jsonb_build_object(
  'id', bumped.id, 'projectId', bumped."projectId", 'versionId', bumped."versionId", 'testConfigId', bumped."testConfigId",
  'trigger', bumped.trigger, 'triggerId', bumped."triggerId", 'triggeredBy', bumped."triggeredBy", 'status', bumped.status,
  'error', bumped.error, 'costUsd', bumped."costUsd"::text, 'startedAt', ${iso('bumped."startedAt"')},
  'completedAt', ${iso('bumped."completedAt"')}, 'lastSeq', bumped."lastSeq")`;

/**
 * Commits node-run changes the way the platform's commit does, in one statement: for each,
 * the execution's next seq, the NodeRun row (created, or updated for the same node and
 * lane) and a `nodeRun` event whose payload is what `server/events/record.ts` stores (the
 * execution and node-run snapshots at that seq), NOTIFYed at commit. Fast enough for
 * thousands of events per second on one execution, which the platform's interactive
 * transaction is not. A node and lane may appear only once per call.
 */
export async function commitNodeRunsDirectly(database: Database, executionId: string, runs: readonly DirectNodeRun[]): Promise<number[]> {
  if (runs.length === 0) return [];
  const input = runs.map((run, index) => ({
    index: index + 1,
    nodeId: run.nodeId,
    nodeType: run.nodeType,
    laneKey: (run.lane ?? []).join('.'),
    status: run.status,
    inputs: run.inputs ?? null,
    output: run.output ?? null,
    error: run.error ?? null,
    startedAt: run.startedAt?.toISOString() ?? null,
    completedAt: run.completedAt?.toISOString() ?? null,
  }));
  const rows = await database.sql.query<{ seq: number }>(
    `WITH bumped AS (
       UPDATE "Execution" SET "lastSeq" = "lastSeq" + $3 WHERE id = $1::uuid RETURNING *
     ), input AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(
         index int, "nodeId" text, "nodeType" text, "laneKey" text, status text, inputs jsonb, output jsonb,
         error text, "startedAt" timestamptz, "completedAt" timestamptz)
     ), run AS (
       INSERT INTO "NodeRun" (id, "executionId", "nodeId", "nodeType", lane, "laneKey", status, inputs, output, error, "startedAt", "completedAt", seq)
       SELECT gen_random_uuid(), $1::uuid, i."nodeId", i."nodeType", string_to_array(i."laneKey", '.')::int[], i."laneKey",
              i.status::"NodeRunStatus", i.inputs, i.output, i.error, i."startedAt", i."completedAt", bumped."lastSeq" - $3 + i.index
       FROM bumped, input i
       ON CONFLICT ("executionId", "nodeId", "laneKey") DO UPDATE SET
         status = EXCLUDED.status, inputs = EXCLUDED.inputs, output = EXCLUDED.output, error = EXCLUDED.error,
         "startedAt" = COALESCE(EXCLUDED."startedAt", "NodeRun"."startedAt"), "completedAt" = EXCLUDED."completedAt", seq = EXCLUDED.seq
       RETURNING *
     ), stored AS (
       INSERT INTO "ExecutionEvent" ("executionId", seq, kind, payload)
       SELECT $1::uuid, run.seq, 'nodeRun', jsonb_build_object(
         'kind', 'nodeRun',
         'execution', ${executionJson} || jsonb_build_object('lastSeq', run.seq),
         'nodeRun', jsonb_build_object(
           'id', run.id, 'executionId', run."executionId", 'nodeId', run."nodeId", 'nodeType', run."nodeType", 'lane', to_jsonb(run.lane),
           'status', run.status, 'inputs', run.inputs, 'output', run.output, 'error', run.error, 'details', run.details,
           'costUsd', run."costUsd"::text, 'startedAt', ${iso('run."startedAt"')}, 'completedAt', ${iso('run."completedAt"')}, 'seq', run.seq))
       FROM bumped, run ORDER BY run.seq RETURNING id, seq
     )
     SELECT seq, pg_notify('${eventsChannel}', id::text) FROM stored ORDER BY seq`,
    [executionId, JSON.stringify(input), runs.length],
  );
  if (rows.length !== runs.length) throw new Error(`Execution ${executionId} does not exist`);
  return rows.map((row) => row.seq);
}

/** One node-run change (see commitNodeRunsDirectly); resolves to its seq. */
export async function commitNodeRunDirectly(database: Database, executionId: string, run: DirectNodeRun): Promise<number> {
  const [seq] = await commitNodeRunsDirectly(database, executionId, [run]);
  return seq!;
}

/** Sets the execution's status (and completion time) with its `execution` event, in one statement. */
export async function commitExecutionStatusDirectly(database: Database, executionId: string, status: string, completedAt: Date | null): Promise<number> {
  const [row] = await database.sql.query<{ seq: number }>(
    `WITH bumped AS (
       UPDATE "Execution" SET "lastSeq" = "lastSeq" + 1, status = $2::"ExecutionStatus", "completedAt" = $3::timestamptz
       WHERE id = $1::uuid RETURNING *
     ), stored AS (
       INSERT INTO "ExecutionEvent" ("executionId", seq, kind, payload)
       SELECT $1::uuid, bumped."lastSeq", 'execution', jsonb_build_object('kind', 'execution', 'execution', ${executionJson})
       FROM bumped RETURNING id, seq
     )
     SELECT seq, pg_notify('${eventsChannel}', id::text) FROM stored`,
    [executionId, status, completedAt?.toISOString() ?? null],
  );
  if (!row) throw new Error(`Execution ${executionId} does not exist`);
  return row.seq;
}
