import type { Execution, Prisma, PrismaClient, Trigger, TriggerKind } from '../db/generated/client';
import { isUniqueViolation } from '../db/transactions';
import type { ExecutionStarter } from '../executor/starter';
import { describeErrors } from '../executor/plan';
import type { Logger } from '../log';
import { nodeDefinition } from '../nodes/catalog';
import { buildForm, validateAnswer, type AnswerProblem, type FormSchema } from '../nodes/feedback/humanForm';
import { triggerNodesInWorker } from '../graphql/compiled';
import type { Diagnostic, ExecutableNode } from '../weft';
import type { JsonValue } from '../weft/types';
import type { CronSchedule, CronSchedules, FireOutcome } from './cronObject';
import { defaultPollIntervalSecs, type FeedEntry } from '../nodes/triggers/rss';
import type { FeedSchedule, FeedSchedules } from './rssObject';

export const triggerKinds = ['Cron', 'ApiPost', 'HumanTrigger', 'Rss'] as const satisfies readonly TriggerKind[];

/** An output port of a trigger node, as stored when it was activated. */
export interface TriggerOutput {
  name: string;
  type: string;
  optional: boolean;
  /** Declared in the program without `?` (Weft never requires an output; a webhook refuses a payload without it). */
  declaredRequired?: boolean;
}

/** A refusal the caller can act on; `kind` says which (the API maps it to a code or an HTTP status). */
export class TriggerProblem extends Error {
  constructor(
    readonly kind: 'not found' | 'program has errors' | 'inactive' | 'wrong kind' | 'not in the code',
    message: string,
    readonly diagnostics?: Diagnostic[],
    /** For `not found`: what was looked for. */
    readonly missing?: { what: 'Project' | 'Trigger'; id: string },
  ) {
    super(message);
  }
}

const defaultTimezone = 'UTC';

export const outputsOf = (trigger: Trigger) => trigger.outputs as unknown as TriggerOutput[];
export const configOf = (trigger: Trigger) => trigger.config as Record<string, JsonValue>;

export const formOf = (trigger: Trigger): FormSchema => buildForm(configOf(trigger));

export function cronScheduleOf(trigger: Pick<Trigger, 'config' | 'timezone'>): CronSchedule {
  return { expression: String((trigger.config as Record<string, JsonValue>).cron), timezone: trigger.timezone ?? defaultTimezone };
}

/** The start of an Rss trigger's error while its feed cannot be read (it keeps polling, and is active again once it can). */
export const feedProblemPrefix = 'The feed could not be read: ';

/** Rss triggers: their polling objects and the shortest interval the platform polls at. */
export interface FeedTriggers {
  schedules: FeedSchedules;
  minPollSecs: number;
}

/**
 * The trigger nodes of projects: activation takes a snapshot of the project's current code
 * (one Trigger row per trigger node, pinned to a version of that code) and turns them on;
 * active triggers start runs of that version. Editing the code changes nothing until the
 * triggers are activated again, so a half-edited program never breaks a schedule.
 */
export class Triggers {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly executions: ExecutionStarter,
    private readonly schedules: CronSchedules,
    private readonly log: Logger,
    private readonly feeds?: FeedTriggers,
  ) {}

  feedScheduleOf(trigger: Pick<Trigger, 'config'>): FeedSchedule {
    const config = trigger.config as Record<string, JsonValue>;
    const asked = typeof config.pollIntervalSecs === 'number' ? config.pollIntervalSecs : defaultPollIntervalSecs;
    return { url: String(config.url), intervalSecs: Math.max(asked, this.feeds?.minPollSecs ?? 0) };
  }

  /** Takes the current code's trigger nodes and activates every one of them. */
  async activateProject(projectId: string): Promise<Trigger[]> {
    const synced = await this.sync(projectId);
    const activated: Trigger[] = [];
    for (const { trigger, problem } of synced) activated.push(problem ? trigger : await this.turnOn(trigger));
    return activated;
  }

  async deactivateProject(projectId: string): Promise<Trigger[]> {
    await this.projectOrThrow(projectId);
    const triggers = await this.prisma.trigger.findMany({ where: { projectId }, orderBy: { nodeId: 'asc' } });
    const deactivated: Trigger[] = [];
    for (const trigger of triggers) deactivated.push(await this.turnOff(trigger));
    return deactivated;
  }

  /** Activates one trigger, refreshed from the current code like the project's. */
  async activate(triggerId: string): Promise<Trigger> {
    const trigger = await this.triggerOrThrow(triggerId);
    const [synced] = await this.sync(trigger.projectId, trigger.nodeId);
    if (!synced) throw new TriggerProblem('not in the code', `The node "${trigger.nodeId}" is no longer a trigger in the project's code`);
    return synced.problem ? synced.trigger : this.turnOn(synced.trigger);
  }

  async deactivate(triggerId: string): Promise<Trigger> {
    return this.turnOff(await this.triggerOrThrow(triggerId));
  }

  /** At start: every active Cron trigger has its tick on its way (a no-op when Restate kept it). */
  async ensureSchedules(): Promise<void> {
    const crons = await this.prisma.trigger.findMany({ where: { kind: 'Cron', state: 'active' } });
    for (const trigger of crons) {
      await this.schedules.ensure(trigger.id, cronScheduleOf(trigger)).catch((error: Error) =>
        this.log.error('cron schedule not restored', { triggerId: trigger.id, error: error.message }),
      );
    }
    if (crons.length > 0) this.log.info('cron schedules checked', { count: crons.length });
    if (!this.feeds) return;
    const feeds = await this.prisma.trigger.findMany({
      where: { kind: 'Rss', OR: [{ state: 'active' }, { state: 'error', error: { startsWith: feedProblemPrefix } }] },
    });
    for (const trigger of feeds) {
      await this.feeds.schedules.ensure(trigger.id, this.feedScheduleOf(trigger)).catch((error: Error) =>
        this.log.error('rss polling not restored', { triggerId: trigger.id, error: error.message }),
      );
    }
  }

  /** Loads an active trigger of this kind, or says why it cannot start a run. */
  async activeTrigger(triggerId: string, kind: TriggerKind): Promise<Trigger> {
    const trigger = await this.triggerOfKind(triggerId, kind);
    if (trigger.state !== 'active') {
      throw new TriggerProblem('inactive', `The ${kind} trigger "${trigger.nodeId}" is ${trigger.state}: activate it to start runs`);
    }
    return trigger;
  }

  async triggerOfKind(triggerId: string, kind: TriggerKind): Promise<Trigger> {
    const trigger = await this.prisma.trigger.findUnique({ where: { id: triggerId } });
    if (!trigger || trigger.kind !== kind) throw new TriggerProblem('not found', `There is no ${kind} trigger ${triggerId}`, undefined, { what: 'Trigger', id: triggerId });
    return trigger;
  }

  /**
   * Starts a run of the trigger's version with these outputs of its node. With an
   * idempotency key, a second start with the same key answers the first run instead.
   */
  async startRun(
    trigger: Trigger,
    outputs: Record<string, JsonValue>,
    run: { triggeredBy: string; idempotencyKey?: string },
  ): Promise<{ execution: Execution; replayed: boolean }> {
    const earlier = run.idempotencyKey ? await this.runWithKey(trigger.id, run.idempotencyKey) : null;
    if (earlier) return { execution: earlier, replayed: true };
    try {
      const execution = await this.executions.start({
        projectId: trigger.projectId,
        versionId: trigger.versionId ?? undefined,
        trigger: trigger.kind,
        triggerId: trigger.id,
        triggeredBy: run.triggeredBy,
        triggerPayload: { [trigger.nodeId]: outputs } as Prisma.InputJsonValue,
        idempotencyKey: run.idempotencyKey,
      });
      return { execution, replayed: false };
    } catch (error) {
      if (!run.idempotencyKey || !isUniqueViolation(error)) throw error;
      const concurrent = await this.runWithKey(trigger.id, run.idempotencyKey);
      if (!concurrent) throw error;
      return { execution: concurrent, replayed: true };
    }
  }

  /** A person's answer to an active HumanTrigger's form: a run with the answers as outputs, or what is wrong with it. */
  async submitForm(
    triggerId: string,
    answer: unknown,
    submittedBy: string,
  ): Promise<{ ok: true; execution: Execution } | { ok: false; problems: AnswerProblem[] }> {
    const trigger = await this.activeTrigger(triggerId, 'HumanTrigger');
    const check = validateAnswer(formOf(trigger), answer);
    if (!check.ok) return check;
    const { execution } = await this.startRun(trigger, check.outputs, { triggeredBy: submittedBy });
    return { ok: true, execution };
  }

  /** A tick of a Cron trigger (called by its CronTrigger object inside a journaled step). */
  async fireCron(triggerId: string, scheduledTime: string, actualTime: string): Promise<FireOutcome> {
    const trigger = await this.prisma.trigger.findUnique({ where: { id: triggerId } });
    if (!trigger || trigger.kind !== 'Cron' || trigger.state !== 'active') return 'stopped';
    try {
      const { execution } = await this.startRun(trigger, { scheduledTime, actualTime }, {
        triggeredBy: cronScheduleOf(trigger).expression,
        idempotencyKey: `cron:${scheduledTime}`,
      });
      this.log.info('cron tick', { triggerId, scheduledTime, executionId: execution.id });
      return 'started';
    } catch (error) {
      this.log.error('cron tick could not start a run', { triggerId, scheduledTime, error: (error as Error).message });
      return 'failed';
    }
  }

  /**
   * How an Rss trigger's poll went (called by its RssTrigger object inside a journaled step): a
   * problem puts it in the error state, saying so, and a good poll makes it active again;
   * `stopped` when it was deactivated, retired or removed (the polling ends).
   */
  async reportFeed(triggerId: string, problem: string | undefined): Promise<FireOutcome> {
    const trigger = await this.prisma.trigger.findUnique({ where: { id: triggerId } });
    if (!trigger || trigger.kind !== 'Rss') return 'stopped';
    const feedError = trigger.state === 'error' && (trigger.error ?? '').startsWith(feedProblemPrefix);
    if (trigger.state !== 'active' && !feedError) return 'stopped';
    if (problem) {
      const error = `${feedProblemPrefix}${problem}`;
      if (trigger.error !== error) {
        await this.prisma.trigger.updateMany({ where: { id: triggerId, state: trigger.state }, data: { state: 'error', error } });
        this.log.warn('rss feed could not be read', { triggerId, error });
      }
      return 'failed';
    }
    if (feedError) await this.prisma.trigger.updateMany({ where: { id: triggerId, state: 'error' }, data: { state: 'active', error: null } });
    return 'started';
  }

  /** A new entry of an Rss trigger's feed (called by its RssTrigger object inside a journaled step). */
  async fireRss(triggerId: string, entry: FeedEntry): Promise<FireOutcome> {
    const trigger = await this.prisma.trigger.findUnique({ where: { id: triggerId } });
    if (!trigger || trigger.kind !== 'Rss' || trigger.state !== 'active') return 'stopped';
    try {
      const { execution } = await this.startRun(trigger, entry.outputs, {
        triggeredBy: this.feedScheduleOf(trigger).url,
        idempotencyKey: `rss:${entry.entryId}`,
      });
      this.log.info('rss entry', { triggerId, entryId: entry.entryId, executionId: execution.id });
      return 'started';
    } catch (error) {
      this.log.error('rss entry could not start a run', { triggerId, entryId: entry.entryId, error: (error as Error).message });
      return 'failed';
    }
  }

  /**
   * Finishes a start interrupted between the record and Restate: a run of the key still pending is
   * submitted (again, if it was handed over: harmless, see submitAgain).
   */
  private async runWithKey(triggerId: string, idempotencyKey: string): Promise<Execution | null> {
    const execution = await this.prisma.execution.findUnique({ where: { triggerId_idempotencyKey: { triggerId, idempotencyKey } } });
    if (execution?.status === 'pending') await this.executions.submitAgain(execution);
    return execution;
  }

  /** One Trigger row per trigger node of the current code (or just `onlyNodeId`), pinned to a version of it. */
  private async sync(projectId: string, onlyNodeId?: string): Promise<{ trigger: Trigger; problem?: string }[]> {
    const project = await this.projectOrThrow(projectId);
    // Compiled in the compile pool's worker threads: a large program would hold the event loop.
    const compiled = await triggerNodesInWorker(project.code, project.layout, triggerKinds);
    if (!compiled.ok) throw new TriggerProblem('program has errors', describeErrors(compiled.errors), compiled.errors);
    const nodes = compiled.nodes.filter((node) => !onlyNodeId || node.id === onlyNodeId);
    // The reference takes any cron text; a schedule that cannot run is refused here, before any row is kept.
    const settingErrors = nodes.flatMap((node) => scheduleProblems(node, compiled.sourceCode[node.id]));
    if (settingErrors.length > 0) throw new TriggerProblem('program has errors', describeErrors(settingErrors), settingErrors);
    const versionId = nodes.length > 0 ? await this.versionOfCode(project) : undefined;
    const synced: { trigger: Trigger; problem?: string }[] = [];
    for (const node of nodes) {
      const problem = configProblem(node.type as TriggerKind, node.config);
      synced.push({ trigger: await this.upsert(projectId, node, versionId, problem), problem });
    }
    if (!onlyNodeId) await this.retireRemoved(projectId, nodes.map((node) => node.id));
    else if (nodes.length === 0) await this.retireRemoved(projectId, [], onlyNodeId);
    return synced;
  }

  private async upsert(projectId: string, node: ExecutableNode, versionId: string | undefined, problem: string | undefined): Promise<Trigger> {
    const kind = node.type as TriggerKind;
    const snapshot = {
      kind,
      config: node.config as Prisma.InputJsonValue,
      outputs: node.outputs.map(({ name, type, optional, declaredRequired }) => ({ name, type, optional, ...(declaredRequired ? { declaredRequired } : {}) })),
      timezone: kind === 'Cron' ? String(node.config.timezone ?? defaultTimezone) : null,
      versionId,
      ...(problem ? { state: 'error' as const, error: problem } : {}),
    };
    return this.prisma.trigger.upsert({
      where: { projectId_nodeId: { projectId, nodeId: node.id } },
      create: { projectId, nodeId: node.id, ...snapshot },
      update: snapshot,
    });
  }

  /** Rows of trigger nodes that left the code stop and say so; their runs keep pointing at them. */
  private async retireRemoved(projectId: string, keptNodeIds: string[], onlyNodeId?: string): Promise<void> {
    const removed = await this.prisma.trigger.findMany({
      where: { projectId, nodeId: onlyNodeId ? onlyNodeId : { notIn: keptNodeIds }, state: { not: 'error' } },
    });
    for (const trigger of removed) {
      await this.stopSchedule(trigger);
      await this.prisma.trigger.update({
        where: { id: trigger.id },
        data: { state: 'error', error: `The node "${trigger.nodeId}" is no longer a trigger in the project's code` },
      });
    }
  }

  private async turnOn(trigger: Trigger): Promise<Trigger> {
    if (trigger.kind === 'Cron') {
      try {
        const { nextTime } = await this.schedules.activate(trigger.id, cronScheduleOf(trigger));
        this.log.info('cron trigger scheduled', { triggerId: trigger.id, nextTime });
      } catch (error) {
        const message = `Restate could not schedule it: ${(error as Error).message}`;
        return this.prisma.trigger.update({ where: { id: trigger.id }, data: { state: 'error', error: message } });
      }
    }
    if (trigger.kind === 'Rss') {
      try {
        if (!this.feeds) throw new Error('this server polls no feeds');
        await this.feeds.schedules.activate(trigger.id, this.feedScheduleOf(trigger));
        this.log.info('rss trigger polling', { triggerId: trigger.id, ...this.feedScheduleOf(trigger) });
      } catch (error) {
        const message = `Restate could not schedule its polls: ${(error as Error).message}`;
        return this.prisma.trigger.update({ where: { id: trigger.id }, data: { state: 'error', error: message } });
      }
    }
    return this.prisma.trigger.update({ where: { id: trigger.id }, data: { state: 'active', error: null, activatedAt: new Date() } });
  }

  private async turnOff(trigger: Trigger): Promise<Trigger> {
    // The record first: a tick that finds its trigger inactive ends the schedule by itself.
    const updated = await this.prisma.trigger.update({
      where: { id: trigger.id },
      data: { state: 'inactive', error: trigger.state === 'error' ? trigger.error : null },
    });
    await this.stopSchedule(trigger);
    return updated;
  }

  private async stopSchedule(trigger: Trigger): Promise<void> {
    if (trigger.kind === 'Rss') {
      await this.feeds?.schedules.deactivate(trigger.id).catch((error: Error) =>
        this.log.warn('rss polling not told to stop; its next poll will stop it', { triggerId: trigger.id, error: error.message }),
      );
      return;
    }
    if (trigger.kind !== 'Cron') return;
    await this.schedules.deactivate(trigger.id).catch((error: Error) =>
      this.log.warn('cron schedule not told to stop; its next tick will stop it', { triggerId: trigger.id, error: error.message }),
    );
  }

  /** A version holding exactly the current code: the newest such one, or a new one. */
  private async versionOfCode(project: { id: string; code: string; layout: string }): Promise<string> {
    const same = await this.prisma.version.findFirst({
      where: { projectId: project.id, code: project.code, layout: project.layout },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    if (same) return same.id;
    const created = await this.prisma.version.create({
      data: { projectId: project.id, kind: 'manual', label: 'Triggers activated', code: project.code, layout: project.layout },
    });
    return created.id;
  }

  private async projectOrThrow(projectId: string) {
    const project = await this.prisma.project.findUnique({ where: { id: projectId }, select: { id: true, code: true, layout: true } });
    if (!project) throw new TriggerProblem('not found', `Project ${projectId} does not exist`, undefined, { what: 'Project', id: projectId });
    return project;
  }

  private async triggerOrThrow(triggerId: string): Promise<Trigger> {
    const trigger = await this.prisma.trigger.findUnique({ where: { id: triggerId } });
    if (!trigger) throw new TriggerProblem('not found', `Trigger ${triggerId} does not exist`, undefined, { what: 'Trigger', id: triggerId });
    return trigger;
  }
}

/**
 * A Cron node's settings as its definition checks them (a 5-field expression, a known time zone),
 * which the compiler leaves alone as the reference does; each problem located at the node.
 */
function scheduleProblems(node: ExecutableNode, at: { line: number; column: number; endLine: number; endColumn: number } | undefined): Diagnostic[] {
  if (node.type !== 'Cron' && node.type !== 'Rss') return [];
  const parsed = nodeDefinition(node.type)?.config.safeParse(node.config);
  if (!parsed || parsed.success) return [];
  const where = at ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return parsed.error.issues.map((issue) => ({
    severity: 'error' as const,
    code: 'invalid-config',
    message: `${node.id} (${node.type}): ${issue.message}`,
    ...where,
  }));
}

/** What the compiler does not check but a trigger needs to work; undefined when it can be activated. */
function configProblem(kind: TriggerKind, config: Record<string, JsonValue>): string | undefined {
  if (kind !== 'HumanTrigger') return undefined;
  try {
    buildForm(config);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
