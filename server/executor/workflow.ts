import * as restate from '@restatedev/restate-sdk';
import type { Prisma } from '../db/generated/client';
import type { NodeSettings } from '../nodes/definition';
import { fieldList } from '../nodes/feedback/formFields';
import { buildForm, type FormSchema } from '../nodes/feedback/humanForm';
import type { ExecutableNode } from '../weft/ir';
import type { JsonValue } from '../weft/types';
import { deferredChanges, finishChange, laneKeyOf, startingChange, type DeferredNodeRun, type ExecutionRecords, type NodeRunChange, type RecordedChange } from './records';
import { yieldToEventLoop } from '../db/largeJson';
import { planInWorker } from '../graphql/compiled';
import type { ExecutionPlan } from './plan';
import { nodeDefinition } from '../nodes/catalog';
import { runNodeInstance, runPureInstance } from './runNode';
import type { WorkSteps } from './workSteps';
import {
  createRunState, settle, summarize, takeReady, type NodeInstance, type Outcome, type ReadyBatch, type ReadyInstance, type RunState,
} from './scheduler';

export interface ExecutionInput {
  executionId: string;
  /**
   * The plan of its code, when the start had it at hand (a run started through the API: checked and
   * planned before the execution was created). The run then has no start step: it marks itself
   * running with its first records.
   */
  plan?: ExecutionPlan;
  /**
   * The shape of the journal the run writes (currentJournalShape). Absent: a run started by a
   * platform before 2026-12-02, which keeps the shape it began with, so that its replay after an
   * upgrade matches its journal.
   */
  journalShape?: number;
}

/**
 * 2: the pause control promise is asked for when the run first waits (a run of pure nodes never
 * does, and asks Restate for nothing), and the finish is written without a step of its own: it is
 * idempotent (a replay finds the node runs recorded and the execution ended, and writes nothing),
 * and a step is a round trip to Restate on every run's path. 1: both at the start and as a step.
 */
export const currentJournalShape = 2;

/** What a person's answer (or skip) to a HumanQuery form resolves its durable promise with. */
export type HumanAnswer =
  | { kind: 'answered'; outputs: Record<string, JsonValue>; answer: JsonValue; answeredBy?: string }
  | { kind: 'skipped'; answeredBy?: string };

export interface ExecutorDependencies {
  records: ExecutionRecords;
  nodeSettings: NodeSettings;
  concurrency: number;
  maxOutputBytesPerPort: number;
  /** Node work steps under way, for a graceful stop (none given: not tracked). */
  workSteps?: WorkSteps;
}

const humanQueryType = 'HumanQuery';
export const humanAnswerPromise = (nodeId: string, lane: readonly number[]) => `answer:${nodeId}:${laneKeyOf(lane)}`;
const instanceKey = (instance: NodeInstance) => `${instance.nodeId}[${laneKeyOf(instance.lane)}]`;

/** A step of some node instance that is under way: its settled value says what comes next. */
type Step =
  | { key: string; kind: 'outcome'; outcome: Outcome; record?: DeferredNodeRun[] }
  | { key: string; kind: 'asked' }
  | { key: string; kind: 'answer'; answer: HumanAnswer }
  | { key: string; kind: 'pause' }
  | { key: string; kind: 'resume' };

/**
 * A change the next step that writes writes first (see ExecutionRecords.forWorkStep): a node run's
 * ending its work step journaled, a pure node's record, what the scheduler settled itself, the run's
 * own start.
 */
interface CarriedChange {
  key: string;
  change: RecordedChange;
}

/**
 * Endings carried at most before a record step of their own writes them: pure nodes run in the
 * workflow one after another without a step between them, and this bounds the statement that
 * writes them and how long a subscriber waits to see them.
 */
const maxCarriedChanges = 200;
const maxCarriedBytes = 1 << 20;
const pureRunsBetweenYields = 50;

const pauseCountKey = 'pauses';
const pausedAtKey = 'pausedAt';
const pausePromise = (n: number) => `pause-${n}`;
const resumePromise = (n: number) => `resume-${n}`;

/**
 * One workflow per execution, keyed by the execution id. Every node instance's work is a
 * journaled ctx.run step, and a HumanQuery waits on a durable promise: after a crash of
 * any process Restate replays the journal, so finished steps are not run again and the
 * scheduler, fed the same outcomes in the same order, makes the same decisions. A pure node
 * (NodeDefinition.pure: Template, Pack, Gate…) is not a step: it runs in the workflow code,
 * which a replay runs again, and its record is carried to the next step as endings are.
 */
/** The workflow's name in Restate (its ingress paths and journal). */
export const executionWorkflowName = 'Execution';

export function createExecutionWorkflow({ records, nodeSettings, concurrency, maxOutputBytesPerPort, workSteps }: ExecutorDependencies) {
  return restate.workflow({
    name: executionWorkflowName,
    handlers: {
      run: async (ctx: restate.WorkflowContext, input: ExecutionInput): Promise<void> => {
        const { executionId } = input;
        const journalShape = input.journalShape ?? 1;
        const limits = { settings: nodeSettings, maxOutputBytesPerPort };
        // Endings journaled or decided here and not written yet: the next step that runs anyway writes them first.
        let carried: CarriedChange[] = [];
        let carriedBytes = 0;
        const carry = (key: string, change: RecordedChange, bytes = 0) => {
          carried.push({ key, change });
          carriedBytes += bytes;
        };
        const carryNodeRun = (key: string, change: NodeRunChange, bytes = 0) => carry(key, { kind: 'nodeRun', ...change }, bytes);
        const takeCarried = () => {
          const taken = carried.map(({ change }) => change);
          carried = [];
          carriedBytes = 0;
          return taken;
        };
        try {
          // Compiled in the compile pool's worker threads: a large program would hold the event loop.
          const plan = input.plan ?? (await ctx.run('start', async () => planInWorker(await records.startRun(executionId))));
          if (!isPlan(plan)) {
            // Journaled by a platform whose start step gave no plan (before 2026-12-01): the journal
            // cannot be followed, so the run ends with a reason rather than being retried for ever.
            const error = 'This run was started by an earlier version of the platform, whose steps differ: it cannot go on after the upgrade; run it again';
            await records.finish(executionId, { status: 'failed', error });
            throw new restate.TerminalError(error);
          }
          if (input.plan) carry('running', startingChange);
          if (!plan.ok) {
            await ctx.run('refuse', () => records.finish(executionId, { status: 'failed', error: plan.error }));
            return;
          }
          const state = createRunState(plan.graph, { mocks: plan.mocks, triggerOutputs: plan.triggerOutputs });
          const nodes = new Map(plan.graph.nodes.map((node) => [node.id, node]));
          await drive(ctx, state, nodes);
          const summary = summarize(state);
          const error = summary.failed.map((f) => `${f.nodeId}${f.lane.length ? `[${f.lane.join('.')}]` : ''}: ${f.error}`).join('\n');
          const endings = takeCarried();
          const finish = () => records.recordDeferred(executionId, endings, finishChange(summary.status === 'failed' ? { status: 'failed', error } : { status: 'completed' }));
          if (journalShape === 1) await ctx.run('finish', finish);
          else await finish();
        } catch (error) {
          if (error instanceof restate.TerminalError && error.code === 409) {
            // What finished before the cancel is recorded as it ended; what did not, cancelled.
            const endings = takeCarried();
            await ctx.run('cancelled', async () => {
              await records.recordDeferred(executionId, endings);
              await records.finishCancelled(executionId);
            });
          }
          throw error;
        }

        async function drive(ctx: restate.WorkflowContext, state: RunState, nodes: Map<string, ExecutableNode>) {
          const inFlight = new Map<string, restate.RestatePromise<Step>>();
          const waiting: ReadyInstance[] = [];
          const readyByKey = new Map<string, ReadyInstance>();
          let pauseNumber = 1;
          let paused = false;
          const control = () =>
            paused
              ? ctx.promise<boolean>(resumePromise(pauseNumber)).get().map(() => ({ key: '#control', kind: 'resume' as const }))
              : ctx.promise<boolean>(pausePromise(pauseNumber)).get().map(() => ({ key: '#control', kind: 'pause' as const }));
          let controlRequest = journalShape === 1 ? control() : undefined;
          let pureRuns = 0;
          const writeCarried = async () => {
            const name = `record ${carried[0]!.key}${carried.length > 1 ? ` +${carried.length - 1}` : ''}`;
            const endings = takeCarried();
            await ctx.run(name, () => records.recordDeferred(executionId, endings));
          };
          while (true) {
            const batch = takeReady(state);
            // What the scheduler settled itself is written by the next step, as endings are.
            for (const change of settledBatchChanges(nodes, batch)) carryNodeRun(instanceKey({ nodeId: change.nodeId, lane: change.lane ?? [] }), change);
            let settledInline = false;
            for (const ready of batch.run) {
              const node = nodes.get(ready.nodeId)!;
              // Paused, a pure node waits as any other: nothing new starts.
              const ran = !paused && nodeDefinition(node.type)?.pure ? await runPureInstance(limits, executionId, node, ready) : undefined;
              if (ran) {
                // Pure nodes run one after another on the event loop: now and then it serves other requests.
                if (++pureRuns % pureRunsBetweenYields === 0) await yieldToEventLoop();
                settle(state, ready, ran.outcome);
                carryNodeRun(instanceKey(ready), ran.change, ran.bytes);
                settledInline = true;
                // Bounded statements, and a subscriber sees a long series of pure nodes go by.
                if (carried.length >= maxCarriedChanges || carriedBytes >= maxCarriedBytes) await writeCarried();
                continue;
              }
              waiting.push(ready);
              readyByKey.set(instanceKey(ready), ready);
            }
            if (settledInline) continue; // what they settled may make more ready
            // Paused: what is running finishes, nothing new starts.
            const starting: ReadyInstance[] = [];
            while (!paused && waiting.length > 0 && inFlight.size + starting.length < concurrency) starting.push(waiting.shift()!);
            // Each step starting now writes what is carried before its work (the first to commit does;
            // for the others it is recorded already): no node downstream of a record starts before it.
            const carriedBefore = starting.length > 0 ? takeCarried() : [];
            for (const ready of starting) {
              const key = instanceKey(ready);
              inFlight.set(key, startInstance(ctx, nodes.get(ready.nodeId)!, ready, key, carriedBefore));
            }
            if (inFlight.size === 0 && !paused) return; // the finish writes what is carried
            // No step started that could write them: a record step of their own, before anything else waits.
            if (carried.length > 0) await writeCarried();
            controlRequest ??= control();
            const step = await restate.RestatePromise.race([...inFlight.values(), controlRequest]);
            if (step.kind === 'pause' || step.kind === 'resume') {
              paused = step.kind === 'pause';
              if (paused) {
                ctx.set(pauseCountKey, pauseNumber);
                ctx.set(pausedAtKey, pauseNumber);
                await ctx.run(`paused ${pauseNumber}`, () => records.setStatus(executionId, 'paused'));
              } else {
                ctx.clear(pausedAtKey);
                await ctx.run(`resumed ${pauseNumber}`, async () =>
                  records.setStatus(executionId, (await records.openTaskCount(executionId)) > 0 ? 'waiting_for_input' : 'running'),
                );
                pauseNumber += 1;
              }
              controlRequest = control();
              continue;
            }
            inFlight.delete(step.key);
            const ready = readyByKey.get(step.key)!;
            const node = nodes.get(ready.nodeId)!;
            if (step.kind === 'asked') {
              inFlight.set(
                step.key,
                ctx.promise<HumanAnswer>(humanAnswerPromise(node.id, ready.lane)).get().map((answer) => ({ key: step.key, kind: 'answer' as const, answer: answer! })),
              );
              continue;
            }
            if (step.kind === 'answer') {
              const outcome = await ctx.run(`answered ${step.key}`, () => recordAnswer(node, ready, step.answer, paused));
              settle(state, ready, outcome);
              readyByKey.delete(step.key);
              continue;
            }
            if (step.record?.length) {
              const outputs = step.outcome.status === 'completed' ? step.outcome.outputs : undefined;
              for (const change of deferredChanges(step.record, outputs)) carryNodeRun(step.key, change);
            }
            settle(state, ready, step.outcome);
            readyByKey.delete(step.key);
          }
        }

        function startInstance(
          ctx: restate.WorkflowContext,
          node: ExecutableNode,
          ready: ReadyInstance,
          key: string,
          carriedBefore: readonly RecordedChange[],
        ): restate.RestatePromise<Step> {
          if (node.type === humanQueryType && fieldList(node.config.fields).length > 0) {
            // What is carried first: the form's waiting status comes after the run's own start.
            return ctx
              .run(`ask ${key}`, async () => {
                await records.recordDeferred(executionId, carriedBefore);
                await askHuman(node, ready);
              })
              .map(() => ({ key, kind: 'asked' as const }));
          }
          // The work's ending is recorded by a later step (first thing in the next work step, or a
          // record step): a failed record retries that step before its own work, never this work.
          // This step writes, in one statement before its work, the changes carried to it.
          const stepId = `${executionId}/${key}`;
          return ctx
            .run(`run ${key}`, async () => {
              const attempt = ctx.request().attemptCompletedSignal;
              const stepRecords = records.forWorkStep(carriedBefore);
              // Stopping: this work waits for the restart, the endings of others need not.
              if (workSteps?.stopping) await stepRecords.writeCarried(executionId);
              workSteps?.begin(stepId, attempt);
              try {
                const outcome = await runNodeInstance(stepRecords, limits, executionId, node, ready, attempt);
                return { outcome, record: stepRecords.deferred(outcome.status === 'completed' ? outcome.outputs : undefined) };
              } catch (error) {
                workSteps?.end(stepId);
                throw error;
              }
            })
            .map((result) => {
              workSteps?.end(stepId); // journaled: a stop no longer needs to wait for it
              // A journal written before the record had a step of its own holds the bare outcome.
              const step = result as { outcome: Outcome; record: DeferredNodeRun[] } | Outcome;
              return 'outcome' in step
                ? { key, kind: 'outcome' as const, outcome: step.outcome, record: step.record }
                : { key, kind: 'outcome' as const, outcome: step };
            });
        }

        async function askHuman(node: ExecutableNode, ready: ReadyInstance): Promise<void> {
          const form: FormSchema = buildForm(node.config, ready.inputs);
          await records.openHumanTask(executionId, {
            nodeId: node.id,
            nodeType: node.type,
            lane: ready.lane,
            title: form.title,
            description: form.description ?? '',
            form: form as unknown as Prisma.InputJsonValue,
            inputs: ready.inputs as Prisma.InputJsonValue,
          });
        }

        async function recordAnswer(node: ExecutableNode, ready: ReadyInstance, answer: HumanAnswer, paused: boolean): Promise<Outcome> {
          const identity = { nodeId: node.id, nodeType: node.type, lane: ready.lane };
          if (answer.kind === 'skipped') {
            await records.closeHumanTask(executionId, node.id, ready.lane, { state: 'skipped', answeredBy: answer.answeredBy });
            const reason = `its form was skipped${answer.answeredBy ? ` by ${answer.answeredBy}` : ''}`;
            await records.recordNodeRun(executionId, { ...identity, status: 'skipped', details: { reason }, completedAt: new Date() });
          } else {
            await records.closeHumanTask(executionId, node.id, ready.lane, {
              state: 'answered',
              answer: answer.answer as Prisma.InputJsonValue,
              answeredBy: answer.answeredBy,
            });
            await records.recordNodeRun(executionId, {
              ...identity,
              status: 'completed',
              output: answer.outputs as Prisma.InputJsonValue,
              completedAt: new Date(),
            });
          }
          if (!paused && (await records.openTaskCount(executionId)) === 0) await records.setStatus(executionId, 'running');
          const outputs = answer.kind === 'answered' ? answer.outputs : {};
          return { status: 'completed', outputs: Object.fromEntries(node.outputs.map((port) => [port.name, outputs[port.name] ?? null])) };
        }
      },

      /** Asks the execution to start no new node; what is running finishes. */
      pause: async (ctx: restate.WorkflowSharedContext): Promise<void> => {
        const next = ((await ctx.get<number>(pauseCountKey)) ?? 0) + 1;
        const request = ctx.promise<boolean>(pausePromise(next));
        if ((await request.peek()) === undefined) await request.resolve(true);
      },

      /** Lets a paused execution go on. */
      resume: async (ctx: restate.WorkflowSharedContext): Promise<void> => {
        const pausedAt = await ctx.get<number>(pausedAtKey);
        if (!pausedAt) throw new restate.TerminalError('This execution is not paused', { errorCode: 409 });
        const request = ctx.promise<boolean>(resumePromise(pausedAt));
        if ((await request.peek()) === undefined) await request.resolve(true);
      },

      /** Resolves the durable promise a HumanQuery instance waits on (the API validated the answer). */
      answer: async (ctx: restate.WorkflowSharedContext, request: { promise: string; answer: HumanAnswer }): Promise<void> => {
        if (await ctx.promise<HumanAnswer>(request.promise).peek()) {
          throw new restate.TerminalError('This form has already been answered', { errorCode: 409 });
        }
        await ctx.promise<HumanAnswer>(request.promise).resolve(request.answer);
      },
    },
  });
}

/** Instances the scheduler settled itself (skips, mocks, triggers, lanes that do not line up), recorded together. */
function settledBatchChanges(nodes: Map<string, ExecutableNode>, batch: ReadyBatch): NodeRunChange[] {
  const now = new Date();
  const typeOf = (nodeId: string) => nodes.get(nodeId)?.type ?? 'Unknown';
  return [
    ...batch.skipped.map((skipped): NodeRunChange => ({
      nodeId: skipped.nodeId, nodeType: typeOf(skipped.nodeId), lane: skipped.lane, status: 'skipped',
      inputs: skipped.inputs as Prisma.InputJsonValue, details: { reason: skipped.reason, ...(skipped.cause ? { cause: { ...skipped.cause } } : {}) }, completedAt: now,
    })),
    ...[...batch.triggered, ...batch.mocked].map((done): NodeRunChange => ({
      nodeId: done.nodeId, nodeType: typeOf(done.nodeId), lane: done.lane, status: 'completed',
      inputs: done.inputs as Prisma.InputJsonValue, output: done.outputs as Prisma.InputJsonValue,
      details: batch.mocked.includes(done) ? { mocked: true } : undefined, startedAt: now, completedAt: now,
    })),
    ...batch.failed.map((failed): NodeRunChange => ({
      nodeId: failed.nodeId, nodeType: typeOf(failed.nodeId), lane: failed.lane, status: 'failed', error: failed.error, completedAt: now,
      inputs: failed.inputs as Prisma.InputJsonValue | undefined,
    })),
  ];
}

const isPlan = (value: unknown): value is ExecutionPlan => typeof value === 'object' && value !== null && 'ok' in value;

export type ExecutionWorkflow = ReturnType<typeof createExecutionWorkflow>;
