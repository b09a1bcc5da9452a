import { randomUUID } from 'node:crypto';
import type { Execution, HumanTask, NodeRun, NodeRunStatus, Prisma, PrismaClient, TriggerKind } from '../db/generated/client';
import { largeJsonBytes, yieldToEventLoop } from '../db/largeJson';
import { recordSqlOf } from '../db/recordSql';
import { retryTransient, transactionGateOf } from '../db/transactions';
import { commitTaskClosed, commitTaskOpened } from '../events/humanTasks';
import { commitExecutionChange, commitExecutionChanges, insertNewExecution, type ExecutionChange } from '../events/record';

type Json = Prisma.InputJsonValue;

export interface NodeRunChange {
  nodeId: string;
  nodeType: string;
  lane?: number[];
  status: NodeRunStatus;
  inputs?: Json;
  output?: Json;
  error?: string | null;
  details?: Json;
  costUsd?: string;
  startedAt?: Date;
  completedAt?: Date;
}

export const laneKeyOf = (lane: readonly number[]) => lane.join('.');

/** Statuses a node instance's step ends with: written by a record step of their own, after the work. */
const finalNodeRunStatuses: readonly NodeRunStatus[] = ['completed', 'failed', 'skipped', 'cancelled'];

/**
 * What a node's work step hands to the record step that follows it (journaled by Restate, so
 * JSON: dates as strings). `output: 'fromOutcome'` stands for the outcome's outputs, journaled
 * once already with the step's result.
 */
export type DeferredNodeRun = Omit<NodeRunChange, 'output' | 'startedAt' | 'completedAt'> & {
  output?: Json | 'fromOutcome';
  startedAt?: string;
  completedAt?: string;
};

/** The executor's writes to the record: each one a committed, published change. */
export class ExecutionRecords {
  constructor(protected readonly prisma: PrismaClient) {}

  /**
   * Records for one node's work step: its ending (completed, failed, …) is kept and handed back
   * by `deferred`, for the workflow to write in a later step (the next node's work step, before
   * that work begins, or a record step of its own). A record that fails then makes Restate
   * retry that later step before its own work, never this node's work (an Http call, a Python
   * run) whose result is already journaled. `carried`, what the workflow has not written yet
   * (endings earlier work steps deferred, pure nodes' records, the scheduler's own settles, the
   * run's start), is written together with this step's first record (its `running`), in one
   * statement, before the work begins.
   */
  forWorkStep(carried: readonly RecordedChange[] = []): ExecutionRecords & { deferred(outputs?: unknown): DeferredNodeRun[]; writeCarried(executionId: string): Promise<void> } {
    return new WorkStepRecords(this.prisma, carried);
  }

  /** Writes what a work step deferred (see forWorkStep), with `then` after it: once, whatever the retries. */
  async recordDeferred(executionId: string, deferred: readonly RecordedChange[], then?: ExecutionStatusChange): Promise<void> {
    await this.recordChanges(executionId, [...deferred, ...(then ? [then] : [])]);
  }

  /**
   * Writes changes of one execution in order, each with its own `seq` and event, each skipped
   * when it is recorded already (a node run with that status; an execution status with
   * `unlessSame`), none once the execution has ended: one parameterised statement
   * (weft_record_changes, prisma/migrations/20261201180000_record_changes_in_one_pass) in the
   * execution's turn. Changes that carry a large JSON value go through recordNodeRun's path,
   * which hands each large value over as text in a statement of its own.
   */
  async recordChanges(executionId: string, changes: readonly RecordedChange[]): Promise<void> {
    if (changes.length === 0) return;
    const rows = JSON.stringify(changes.map(changeRow));
    // Each value is serialised once more only when the batch is large, and what is found is kept for the write.
    const large = rows.length >= largeJsonBytes ? changes.map((change) => (change.kind === 'nodeRun' ? largeJsonOf(change) : [])) : [];
    if (large.some((values) => values.length > 0)) {
      for (const [index, change] of changes.entries()) {
        if (change.kind !== 'nodeRun') {
          await this.recordChanges(executionId, [change]);
          continue;
        }
        const { kind: _kind, ...nodeRun } = change;
        await this.writeNodeRun(executionId, nodeRun, large[index]);
      }
      return;
    }
    await transactionGateOf(this.prisma).run(executionId, () =>
      retryTransient(() => recordSqlOf(this.prisma).query('SELECT weft_record_changes($1::uuid, $2::jsonb) AS written', [executionId, rows])),
    );
  }

  /** Creates a pending execution pinned to a version holding the project's current code. */
  async createExecution(input: {
    projectId: string;
    trigger: TriggerKind;
    triggeredBy?: string;
    triggerPayload?: Json;
    testConfigId?: string;
    /** Run this version instead of the project's current code (a re-run, a trigger's activated version). */
    versionId?: string;
    /** The trigger that started it, and what makes a retried start of it start one run. */
    triggerId?: string;
    idempotencyKey?: string;
    /** Config values for this run only: `{ node: { field: value } }`, applied by planExecution. */
    configOverrides?: Json;
    pageId?: string;
    /** The project as the caller has just read it with projectForRun (else it is read here, when no versionId is given). */
    project?: ProjectForRun;
  }): Promise<Execution> {
    const versionId = input.versionId ?? (await this.currentVersionId(input.projectId, input.project));
    return insertNewExecution(
      this.prisma,
      {
        projectId: input.projectId,
        versionId,
        trigger: input.trigger,
        triggeredBy: input.triggeredBy,
        triggerPayload: input.triggerPayload,
        testConfigId: input.testConfigId,
        triggerId: input.triggerId,
        idempotencyKey: input.idempotencyKey,
        configOverrides: input.configOverrides,
        pageId: input.pageId,
      },
      uuidV7(),
    );
  }

  async setStatus(executionId: string, status: 'running' | 'waiting_for_input' | 'paused'): Promise<void> {
    await this.recordChanges(executionId, [statusChange(status)]);
  }

  /** Ends the execution; an execution that has already ended keeps its first ending. */
  async finish(executionId: string, outcome: { status: 'completed' | 'failed' | 'cancelled'; error?: string }): Promise<void> {
    await this.recordChanges(executionId, [finishChange(outcome)]);
  }

  /**
   * Writes one node run (per lane) and adds its cost to the execution's. Writing the status
   * it already has is a no-op, so a step that Restate replays records each transition once.
   */
  async recordNodeRun(executionId: string, change: NodeRunChange): Promise<void> {
    await this.recordChanges(executionId, [{ kind: 'nodeRun', ...change }]);
  }

  /** recordNodeRun through an interactive transaction, large JSON values handed over as text. */
  private async writeNodeRun(executionId: string, change: NodeRunChange, large: LargeJson[] = largeJsonOf(change)): Promise<void> {
    const lane = change.lane ?? [];
    const laneKey = laneKeyOf(lane);
    const { nodeId, nodeType, ...fields } = change;
    const where = { executionId_nodeId_laneKey: { executionId, nodeId, laneKey } };
    const cost = change.costUsd && change.costUsd !== '0' ? change.costUsd : undefined;
    const small = withoutColumns(fields, large);
    await commitExecutionChange(this.prisma, executionId, {
      alreadyRecorded: async (tx) => (await tx.nodeRun.findUnique({ where, select: { status: true } }))?.status === change.status,
      execution: cost ? { costUsd: { increment: cost } } : undefined,
      nodeRun: async (tx, seq) => {
        if (large.length === 0) {
          return tx.nodeRun.upsert({ where, create: { executionId, nodeId, nodeType, laneKey, ...small, lane, seq }, update: { ...small, seq } });
        }
        // A large value is handed to the database once, as JSON text, and not read back: given to
        // Prisma as an object it would be walked value by value, twice (create and update), on the event loop.
        const row = await tx.nodeRun.upsert({
          where,
          create: { executionId, nodeId, nodeType, laneKey, ...small, lane, seq },
          update: { ...small, seq },
          select: selectAllBut(large.map(({ column }) => column)),
        });
        await writeLargeJson(tx, row.id, large);
        return { ...row, ...Object.fromEntries(large.map(({ column, value }) => [column, value])) } as NodeRun;
      },
    });
  }

  /**
   * Marks the execution running (unless it has ended) and reads what it runs, in one statement:
   * its version's code (the project's, for an execution without one), its trigger payload, mocks
   * and config overrides.
   */
  async startRun(executionId: string) {
    const running = JSON.stringify([changeRow(startingChange)]);
    const [source] = await transactionGateOf(this.prisma).run(executionId, () =>
      retryTransient(() =>
        recordSqlOf(this.prisma).query<RunSource>(
          `SELECT weft_record_changes(e.id, $2::jsonb) AS written,
             CASE WHEN v.id IS NULL THEN p.code ELSE v.code END AS code, CASE WHEN v.id IS NULL THEN p.layout ELSE v.layout END AS layout,
             e."triggerPayload", t.mocks, e."configOverrides"
           FROM "Execution" e JOIN "Project" p ON p.id = e."projectId"
             LEFT JOIN "Version" v ON v.id = e."versionId" LEFT JOIN "TestConfig" t ON t.id = e."testConfigId"
           WHERE e.id = $1::uuid`,
          [executionId, running],
        ),
      ),
    );
    if (!source) throw new Error(`Execution ${executionId} does not exist`);
    return { code: source.code, layout: source.layout, triggerPayload: source.triggerPayload, mocks: source.mocks ?? null, configOverrides: source.configOverrides };
  }

  /** Opens the form of a HumanQuery instance (once, whatever the retries) and marks its node run and the execution waiting. */
  async openHumanTask(
    executionId: string,
    task: { nodeId: string; nodeType: string; lane: number[]; title: string; description: string; form: Json; inputs: Json },
  ): Promise<HumanTask | null> {
    const { nodeId, lane, title, description, form } = task;
    const opened = await commitTaskOpened(this.prisma, executionId, { nodeId, lane, title, description, form });
    await this.recordNodeRun(executionId, {
      nodeId: task.nodeId,
      nodeType: task.nodeType,
      lane: task.lane,
      status: 'waiting_for_input',
      inputs: task.inputs,
      startedAt: new Date(),
    });
    await this.setStatus(executionId, 'waiting_for_input');
    return opened;
  }

  /**
   * Opens the Action task a Notify instance asks for (once, whatever the retries: one per
   * execution, node and lane). It keeps nothing waiting: the node run completes as any other.
   */
  async openActionTask(executionId: string, task: { nodeId: string; lane: number[]; actionUrl: string }): Promise<void> {
    await commitTaskOpened(this.prisma, executionId, {
      nodeId: task.nodeId,
      lane: task.lane,
      kind: 'action',
      title: 'Action',
      description: '',
      form: { title: 'Action', fields: [] },
      actionUrl: task.actionUrl,
    });
  }

  /** Closes a task with its answer (or as skipped) unless it is closed already. */
  async closeHumanTask(
    executionId: string,
    nodeId: string,
    lane: number[],
    close: { state: 'answered' | 'skipped' | 'cancelled'; answer?: Json; answeredBy?: string },
  ): Promise<void> {
    await commitTaskClosed(this.prisma, executionId, { nodeId, lane }, close);
  }

  async openTaskCount(executionId: string): Promise<number> {
    return this.prisma.humanTask.count({ where: { executionId, state: 'open', kind: 'form' } });
  }

  /**
   * After a cancel: node runs still going and open forms are cancelled, and the execution
   * ends cancelled, in one transaction, so a step that was still running cannot record a
   * start in between and stay "running" for ever.
   */
  async finishCancelled(executionId: string): Promise<void> {
    const completedAt = new Date();
    await commitExecutionChanges(this.prisma, executionId, async (tx) => {
      const unfinished = await tx.nodeRun.findMany({
        where: { executionId, status: { in: ['pending', 'running', 'waiting_for_input'] } },
        select: { id: true },
      });
      // Action tasks (Notify's links) outlive their run; only forms end with it.
      const open = await tx.humanTask.findMany({ where: { executionId, state: 'open', kind: 'form' }, select: { id: true } });
      return [
        ...unfinished.map(({ id }): ExecutionChange => ({
          nodeRun: (change, seq) => change.nodeRun.update({ where: { id }, data: { status: 'cancelled', completedAt, seq } }),
        })),
        ...open.map(({ id }): ExecutionChange => ({
          humanTask: (change) => change.humanTask.update({ where: { id }, data: { state: 'cancelled', answeredAt: completedAt } }),
        })),
        { execution: { status: 'cancelled', error: 'Cancelled', completedAt } },
      ];
    });
  }

  /**
   * A project's code to run, with its newest version when that holds this code (one read for
   * runProject; undefined when there is no such project).
   */
  async projectForRun(projectId: string): Promise<ProjectForRun | undefined> {
    const [project] = await recordSqlOf(this.prisma).query<ProjectForRun>(
      `SELECT p.code, p.layout, CASE WHEN v.code = p.code AND v.layout = p.layout THEN v.id END AS "latestVersionId"
       FROM "Project" p
       LEFT JOIN LATERAL (SELECT id, code, layout FROM "Version" WHERE "projectId" = p.id ORDER BY "createdAt" DESC, id DESC LIMIT 1) v ON true
       WHERE p.id = $1::uuid`,
      [projectId],
    );
    return project;
  }

  /** The version holding the project's current code: its newest, or a new one when the code has changed since. */
  private async currentVersionId(projectId: string, read?: ProjectForRun): Promise<string> {
    const project = read ?? (await this.projectForRun(projectId));
    if (!project) throw new Error(`Project ${projectId} does not exist`);
    if (project.latestVersionId) return project.latestVersionId;
    const { code, layout } = project;
    return (await this.prisma.version.create({ data: { projectId, kind: 'auto', code, layout }, select: { id: true } })).id;
  }
}

export interface ProjectForRun {
  code: string;
  layout: string;
  /** The project's newest version, when it holds this code and layout (else a run makes one). */
  latestVersionId: string | null;
}

class WorkStepRecords extends ExecutionRecords {
  private readonly kept: NodeRunChange[] = [];
  private carried: readonly RecordedChange[];

  constructor(prisma: PrismaClient, carried: readonly RecordedChange[]) {
    super(prisma);
    this.carried = carried;
  }

  override async recordNodeRun(executionId: string, change: NodeRunChange): Promise<void> {
    if (finalNodeRunStatuses.includes(change.status)) {
      this.kept.push(change);
      return;
    }
    await this.recordChanges(executionId, [{ kind: 'nodeRun', ...change }]);
  }

  override async recordChanges(executionId: string, changes: readonly RecordedChange[]): Promise<void> {
    await super.recordChanges(executionId, [...this.takeCarried(), ...changes]);
  }

  /** Writes what earlier steps deferred, if this step has not written it yet. */
  async writeCarried(executionId: string): Promise<void> {
    await super.recordChanges(executionId, this.takeCarried());
  }

  private takeCarried(): readonly RecordedChange[] {
    const carried = this.carried;
    this.carried = [];
    return carried;
  }

  deferred(outputs?: unknown): DeferredNodeRun[] {
    return this.kept.map((change) => ({
      ...change,
      output: change.output !== undefined && change.output === outputs ? 'fromOutcome' : change.output,
      startedAt: change.startedAt?.toISOString(),
      completedAt: change.completedAt?.toISOString(),
    }));
  }
}

interface RunSource {
  code: string;
  layout: string;
  triggerPayload: Prisma.JsonValue | null;
  mocks: Prisma.JsonValue | null;
  configOverrides: Prisma.JsonValue | null;
}

/** A change of the execution's own status, as recordChanges writes it. */
export interface ExecutionStatusChange {
  kind: 'execution';
  status: 'running' | 'waiting_for_input' | 'paused' | 'completed' | 'failed' | 'cancelled';
  /** Written only when the execution has another status now. */
  unlessSame?: boolean;
  /** Written only when the execution has this status now. */
  onlyFrom?: 'pending';
  error?: string | null;
  completedAt?: Date;
}

export type RecordedChange = ({ kind: 'nodeRun' } & NodeRunChange) | ExecutionStatusChange;

export const statusChange = (status: 'running' | 'waiting_for_input' | 'paused'): ExecutionStatusChange => ({ kind: 'execution', status, unlessSame: true });

/**
 * A run marking itself running, written with its first records: only from pending, so a pause or an
 * open form recorded before it (by a step that ran at the same time) stays as it is.
 */
export const startingChange: ExecutionStatusChange = { kind: 'execution', status: 'running', onlyFrom: 'pending' };

export const finishChange = (outcome: { status: 'completed' | 'failed' | 'cancelled'; error?: string }): ExecutionStatusChange => ({
  kind: 'execution',
  status: outcome.status,
  error: outcome.error ?? null,
  completedAt: new Date(),
});

/** A deferred change as the workflow holds it between steps: its dates back as dates, its output from the outcome. */
export function deferredChanges(deferred: readonly DeferredNodeRun[], outputs?: unknown): NodeRunChange[] {
  return deferred.map((change) => ({
    ...change,
    output: change.output === 'fromOutcome' ? (outputs as Json) : change.output,
    startedAt: change.startedAt ? new Date(change.startedAt) : undefined,
    completedAt: change.completedAt ? new Date(change.completedAt) : undefined,
  }));
}

/** The JSON row weft_record_changes reads (dates as ISO text; a key left out keeps the column's value). */
function changeRow(change: RecordedChange): object {
  if (change.kind === 'execution') return change;
  const lane = change.lane ?? [];
  // Every column named, as the type makes sure (an undefined one is left out of the JSON, as it
  // was with a spread): a spread with three more keys was the slowest part of a record.
  const row: { [K in keyof Required<NodeRunChange>]: NodeRunChange[K] } & { kind: 'nodeRun'; id: string; laneKey: string } = {
    kind: 'nodeRun',
    id: uuidV7(),
    nodeId: change.nodeId,
    nodeType: change.nodeType,
    lane,
    laneKey: laneKeyOf(lane),
    status: change.status,
    inputs: change.inputs,
    output: change.output,
    error: change.error,
    details: change.details,
    costUsd: change.costUsd,
    startedAt: change.startedAt,
    completedAt: change.completedAt,
  };
  return row;
}

/**
 * A time-ordered UUID (version 7, RFC 9562), as Prisma's `uuid(7)` default makes for rows it
 * creates: the 48-bit millisecond time, version 7, then the random bits and variant of a v4
 * UUID (randomUUID draws them from a pool; a randomBytes call per id cost more).
 */
function uuidV7(): string {
  const time = Date.now().toString(16).padStart(12, '0');
  // randomUUID: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; kept from after its version digit.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

type JsonColumn = 'inputs' | 'output' | 'details';
const jsonColumns: readonly JsonColumn[] = ['inputs', 'output', 'details'];
const nodeRunColumns = ['id', 'executionId', 'nodeId', 'nodeType', 'lane', 'laneKey', 'status', 'inputs', 'output', 'error', 'details', 'costUsd', 'startedAt', 'completedAt', 'seq'] as const;

interface LargeJson {
  column: JsonColumn;
  value: Json;
  text: string;
}

/** The JSON fields of a change that are large (LARGE_JSON_BYTES), each serialised once. */
function largeJsonOf(fields: Partial<Record<JsonColumn, Json>>): LargeJson[] {
  const large: LargeJson[] = [];
  for (const column of jsonColumns) {
    const value = fields[column];
    if (value === undefined) continue;
    const text = JSON.stringify(value);
    if (text.length >= largeJsonBytes) large.push({ column, value, text });
  }
  return large;
}

/** The fields without the large ones, which are written apart. */
function withoutColumns<T extends Partial<Record<JsonColumn, Json>>>(fields: T, large: readonly LargeJson[]): T {
  const small = { ...fields };
  for (const { column } of large) delete small[column];
  return small;
}

function selectAllBut(columns: readonly JsonColumn[]): Record<(typeof nodeRunColumns)[number], boolean> {
  return Object.fromEntries(nodeRunColumns.map((column) => [column, !(columns as readonly string[]).includes(column)])) as Record<(typeof nodeRunColumns)[number], boolean>;
}

/**
 * Writes each large JSON value with one parameterised statement of its own (`::jsonb` from a text
 * parameter), letting the event loop serve other requests between them: on the embedded
 * database each statement runs on the event loop's thread.
 */
async function writeLargeJson(tx: Prisma.TransactionClient, nodeRunId: string, large: readonly LargeJson[]): Promise<void> {
  for (const { column, text } of large) {
    await yieldToEventLoop();
    const assignment = { inputs: 'inputs', output: 'output', details: 'details' }[column];
    await tx.$executeRawUnsafe(`UPDATE "NodeRun" SET "${assignment}" = $1::jsonb WHERE "id" = $2::uuid`, text, nodeRunId);
  }
  await yieldToEventLoop();
}
