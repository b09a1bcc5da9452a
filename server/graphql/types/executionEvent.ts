import { Prisma } from '../../db/generated/client';
import type { Execution, HumanTask, NodeRun } from '../../db/generated/client';
import { FollowedExecution } from '../../events/executionFeed';
import type { ExecutionEvent, ExecutionSnapshot, HumanTaskSnapshot, NodeRunSnapshot } from '../../events/types';
import { builder } from '../builder';
import { executionMatches } from '../executionFilter';
import { notFound, parseId } from '../ids';
import { ExecutionFilterInput, ExecutionRef, parseExecutionFilter } from './execution';
import { HumanTaskFilterInput, HumanTaskRef, parseHumanTaskFilter, taskMatches } from './humanTask';
import { NodeRunRef } from './nodeRun';

const ExecutionEventKind = builder.enumType('ExecutionEventKind', {
  values: {
    execution: { description: 'The execution itself changed (created, started, finished…).' },
    nodeRun: { description: 'One of its node runs changed.' },
    humanTask: { description: 'One of its HumanQuery forms opened or closed.' },
  } as const,
});

const ExecutionEventRef = builder.objectRef<ExecutionEvent>('ExecutionEvent').implement({
  description: 'A committed change of an execution, of one of its node runs or of one of its forms.',
  fields: (t) => ({
    executionId: t.exposeID('executionId'),
    seq: t.exposeInt('seq', { description: 'Strictly increasing within an execution, without gaps.' }),
    kind: t.field({ type: ExecutionEventKind, resolve: (event) => event.kind }),
    createdAt: t.field({ type: 'DateTime', resolve: (event) => event.createdAt }),
    execution: t.field({
      type: ExecutionRef,
      description: 'The execution as it was right after this change.',
      resolve: (event) => executionFromSnapshot(event.execution),
    }),
    nodeRun: t.field({
      type: NodeRunRef,
      nullable: true,
      description: 'The node run as it was right after this change, for `nodeRun` events.',
      resolve: (event) => (event.kind === 'nodeRun' ? nodeRunFromSnapshot(event.nodeRun) : null),
    }),
    humanTask: t.field({
      type: HumanTaskRef,
      nullable: true,
      description: 'The form as it was right after this change, for `humanTask` events.',
      resolve: (event) => (event.kind === 'humanTask' ? humanTaskFromSnapshot(event.humanTask) : null),
    }),
  }),
});

/**
 * The events `pick` keeps, as `pick` makes them. Not an async generator: a generator's return()
 * waits for the next() under way, which on a quiet platform may never end, so a subscription whose
 * client has gone would keep its place (and its caller's slot) until some event came along; here
 * return() ends the source at once, and the waiting next() with it.
 */
function onlyMatching<T>(events: AsyncIterableIterator<ExecutionEvent>, pick: (event: ExecutionEvent) => T | undefined): AsyncIterableIterator<T> {
  return {
    async next(): Promise<IteratorResult<T>> {
      while (true) {
        const result = await events.next();
        if (result.done) return { done: true, value: undefined };
        let picked: T | undefined;
        try {
          picked = pick(result.value);
        } catch (error) {
          await events.return?.();
          throw error;
        }
        if (picked !== undefined) return { done: false, value: picked };
      }
    },
    async return(): Promise<IteratorResult<T>> {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

builder.subscriptionFields((t) => ({
  executionsFeed: t.field({
    type: ExecutionEventRef,
    description:
      'Every change of every execution matching `filter` (as the change left it), live, as it is committed. Form events are included so that seq has no gap per execution.',
    args: { filter: t.arg({ type: ExecutionFilterInput, required: false }) },
    subscribe: (_root, args, context) => {
      const filter = parseExecutionFilter(args.filter);
      return onlyMatching(context.events.allEvents(), (event) => (executionMatches(filter, event.execution) ? event : undefined));
    },
    resolve: (event) => event,
  }),
  executionEvents: t.field({
    type: ExecutionEventRef,
    description:
      'Every change of one execution after `afterSeq`: stored events first, then live ones, in seq order, each exactly once. Completes after the event that ends the execution (at once if it ended before `afterSeq`).',
    args: {
      executionId: t.arg.id({ required: true }),
      afterSeq: t.arg.int({ required: false, defaultValue: 0 }),
    },
    // A FollowedExecution: graphql-ws and SSE have its events pushed to them by the execution's
    // feed, once per event for all its subscribers (server/events/executionFeed.ts).
    subscribe: async (_root, args, context) => {
      const executionId = parseId(args.executionId, 'execution');
      const followed = await FollowedExecution.open(context.events, executionId, args.afterSeq ?? 0);
      if (!followed) throw notFound('Execution', executionId);
      return followed;
    },
    resolve: (event) => event,
  }),
  humanTaskEvents: t.field({
    type: HumanTaskRef,
    description: 'Forms opening and closing, live: each time, the form as the change left it (its `state` says which).',
    args: { filter: t.arg({ type: HumanTaskFilterInput, required: false }) },
    subscribe: (_root, args, context) => {
      const filter = parseHumanTaskFilter(args.filter);
      return onlyMatching(context.events.allEvents(), (event) =>
        event.kind === 'humanTask' && taskMatches(filter, event.humanTask, event.execution) ? humanTaskFromSnapshot(event.humanTask) : undefined,
      );
    },
    resolve: (task) => task,
  }),
}));

// Each field named (no spread): these run for every event a subscriber gets, and a spread
// followed by more fields made objects ten times slower to build.
function executionFromSnapshot(snapshot: ExecutionSnapshot): Execution {
  return {
    id: snapshot.id,
    projectId: snapshot.projectId,
    versionId: snapshot.versionId,
    testConfigId: snapshot.testConfigId,
    trigger: snapshot.trigger,
    triggerId: snapshot.triggerId ?? null,
    triggeredBy: snapshot.triggeredBy,
    status: snapshot.status,
    error: snapshot.error,
    costUsd: new Prisma.Decimal(snapshot.costUsd),
    startedAt: new Date(snapshot.startedAt),
    completedAt: snapshot.completedAt ? new Date(snapshot.completedAt) : null,
    lastSeq: snapshot.lastSeq,
    // Not part of events; resolved fields that need them fall back to the record.
    triggerPayload: null,
    invocationId: null,
    idempotencyKey: null,
    configOverrides: null,
    pageId: null,
  };
}

function nodeRunFromSnapshot(snapshot: NodeRunSnapshot): NodeRun {
  return {
    id: snapshot.id,
    executionId: snapshot.executionId,
    nodeId: snapshot.nodeId,
    nodeType: snapshot.nodeType,
    lane: snapshot.lane,
    laneKey: snapshot.lane.join('.'),
    status: snapshot.status,
    inputs: snapshot.inputs as Prisma.JsonValue,
    output: snapshot.output as Prisma.JsonValue,
    error: snapshot.error,
    details: snapshot.details as Prisma.JsonValue,
    costUsd: new Prisma.Decimal(snapshot.costUsd),
    startedAt: snapshot.startedAt ? new Date(snapshot.startedAt) : null,
    completedAt: snapshot.completedAt ? new Date(snapshot.completedAt) : null,
    seq: snapshot.seq,
  };
}

function humanTaskFromSnapshot(snapshot: HumanTaskSnapshot): HumanTask {
  return {
    id: snapshot.id,
    executionId: snapshot.executionId,
    nodeId: snapshot.nodeId,
    lane: snapshot.lane,
    laneKey: snapshot.lane.join('.'),
    // Events stored before Action tasks existed carry neither.
    kind: snapshot.kind ?? 'form',
    actionUrl: snapshot.actionUrl ?? null,
    title: snapshot.title,
    description: snapshot.description,
    form: snapshot.form as Prisma.JsonValue,
    state: snapshot.state,
    answer: snapshot.answer as Prisma.JsonValue,
    answeredBy: snapshot.answeredBy,
    createdAt: new Date(snapshot.createdAt),
    answeredAt: snapshot.answeredAt ? new Date(snapshot.answeredAt) : null,
  };
}
