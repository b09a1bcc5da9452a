import { builder } from '../builder';
import { notFound, parseId } from '../ids';
import { ExecutionStatusEnum, TriggerKindEnum } from './enums';

export const ExecutionRef = builder.prismaObject('Execution', {
  description: 'One run of a project, pinned to the version of its code that ran.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: ExecutionStatusEnum }),
    trigger: t.expose('trigger', { type: TriggerKindEnum }),
    triggeredBy: t.exposeString('triggeredBy', { nullable: true, description: 'Who or what started it.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed, if it did.' }),
    costUsd: t.expose('costUsd', { type: 'USD' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    lastSeq: t.exposeInt('lastSeq', { description: 'The seq of its newest event: pass it as afterSeq to executionEvents.' }),
    project: t.relation('project'),
    nodeRuns: t.relation('nodeRuns', { query: { orderBy: [{ seq: 'asc' }] } }),
  }),
});

builder.queryFields((t) => ({
  executions: t.prismaConnection({
    type: 'Execution',
    cursor: 'id',
    description: 'Executions, newest first.',
    totalCount: (_parent, _args, context) => context.prisma.execution.count(),
    resolve: (query, _parent, _args, context) =>
      context.prisma.execution.findMany({ ...query, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }),
  }),
  execution: t.prismaField({
    type: 'Execution',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.execution.findUnique({ ...query, where: { id: parseId(args.id, 'execution') } }),
  }),
}));

builder.mutationFields((t) => ({
  runProject: t.prismaField({
    type: 'Execution',
    description: "Starts an execution of the project's current code.",
    args: { projectId: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      const project = await context.prisma.project.findUnique({ where: { id: projectId }, select: { id: true } });
      if (!project) throw notFound('Project', projectId);
      const started = await context.executions.start({ projectId, trigger: 'Manual', triggeredBy: 'graphql' });
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: started.id } });
    },
  }),
}));
