import { builder } from '../builder';
import { NodeRunStatusEnum } from './enums';
import { SkipReasonRef, skipReasonOf } from './skipReason';

export const NodeRunRef = builder.prismaObject('NodeRun', {
  description: 'One node of an execution, in one lane: what it received, produced or failed with.',
  fields: (t) => ({
    id: t.exposeID('id'),
    nodeId: t.exposeString('nodeId', { description: 'The node id in the program; group children are `group.child`.' }),
    nodeType: t.exposeString('nodeType'),
    lane: t.exposeIntList('lane', { description: 'Lane index path, outermost first; empty outside lanes.' }),
    status: t.expose('status', { type: NodeRunStatusEnum }),
    inputs: t.expose('inputs', { type: 'JSON', nullable: true }),
    output: t.expose('output', { type: 'JSON', nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    details: t.expose('details', {
      type: 'JSON',
      nullable: true,
      description: 'What the node reported besides its outputs: stdout/stderr, a traceback, HTTP status, tokens, a skip reason…',
    }),
    skipReason: t.field({
      type: SkipReasonRef,
      nullable: true,
      description: 'Why a skipped node run did not run: the required input that got null and the node it came from; null unless skipped.',
      resolve: (run) => skipReasonOf(run.status, run.details),
    }),
    costUsd: t.expose('costUsd', { type: 'USD' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    seq: t.exposeInt('seq', { description: 'The seq of the execution event that last changed it.' }),
    execution: t.relation('execution'),
  }),
});
