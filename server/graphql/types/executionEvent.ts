import { Prisma } from '../../db/generated/client';
import type { Execution, NodeRun } from '../../db/generated/client';
import type { ExecutionEvent, ExecutionSnapshot, NodeRunSnapshot } from '../../events/types';
import { builder } from '../builder';
import { parseId } from '../ids';
import { ExecutionRef } from './execution';
import { NodeRunRef } from './nodeRun';

const ExecutionEventKind = builder.enumType('ExecutionEventKind', {
  values: {
    execution: { description: 'The execution itself changed (created, started, finished…).' },
    nodeRun: { description: 'One of its node runs changed.' },
  } as const,
});

const ExecutionEventRef = builder.objectRef<ExecutionEvent>('ExecutionEvent').implement({
  description: 'A committed change of an execution or of one of its node runs.',
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
  }),
});

builder.subscriptionFields((t) => ({
  executionsFeed: t.field({
    type: ExecutionEventRef,
    description: 'Every change of every execution, live, as it is committed.',
    subscribe: (_root, _args, context) => context.events.allEvents(),
    resolve: (event) => event,
  }),
  executionEvents: t.field({
    type: ExecutionEventRef,
    description:
      'Every change of one execution after `afterSeq`: stored events first, then live ones, in seq order, each exactly once.',
    args: {
      executionId: t.arg.id({ required: true }),
      afterSeq: t.arg.int({ required: false, defaultValue: 0 }),
    },
    subscribe: (_root, args, context) =>
      context.events.executionEvents(parseId(args.executionId, 'execution'), args.afterSeq ?? 0),
    resolve: (event) => event,
  }),
}));

function executionFromSnapshot(snapshot: ExecutionSnapshot): Execution {
  return {
    ...snapshot,
    triggerPayload: null,
    invocationId: null,
    triggerId: snapshot.triggerId ?? null,
    idempotencyKey: null,
    costUsd: new Prisma.Decimal(snapshot.costUsd),
    startedAt: new Date(snapshot.startedAt),
    completedAt: snapshot.completedAt ? new Date(snapshot.completedAt) : null,
  };
}

function nodeRunFromSnapshot(snapshot: NodeRunSnapshot): NodeRun {
  return {
    ...snapshot,
    laneKey: snapshot.lane.join('.'),
    inputs: snapshot.inputs as Prisma.JsonValue,
    output: snapshot.output as Prisma.JsonValue,
    details: snapshot.details as Prisma.JsonValue,
    costUsd: new Prisma.Decimal(snapshot.costUsd),
    startedAt: snapshot.startedAt ? new Date(snapshot.startedAt) : null,
    completedAt: snapshot.completedAt ? new Date(snapshot.completedAt) : null,
  };
}
