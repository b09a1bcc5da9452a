import { GraphQLError } from 'graphql';
import type { ExecutionStatus, Prisma } from '../../db/generated/client';
import { planExecution } from '../../executor/plan';
import { builder } from '../builder';
import type { GraphQLContext } from '../context';
import { compileForDisplay } from '../compiled';
import { notFound, parseId } from '../ids';
import { ExecutionStatusEnum, TriggerKindEnum } from './enums';
import { GraphRef } from './graph';

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
    testConfig: t.relation('testConfig', { nullable: true, description: 'The mocks this run was made with, if any.' }),
    nodeRuns: t.relation('nodeRuns', { query: { orderBy: [{ seq: 'asc' }] } }),
    openTasks: t.relation('humanTasks', { description: 'HumanQuery forms it waits on.', query: { where: { state: 'open' }, orderBy: [{ createdAt: 'asc' }] } }),
    graph: t.field({
      type: GraphRef,
      nullable: true,
      description: 'The compiled program this execution ran (its pinned version, not the current code).',
      select: { version: { select: { code: true, layout: true } } },
      resolve: (execution) => (execution.version ? compileForDisplay(execution.version.code, execution.version.layout).graph ?? null : null),
    }),
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
    args: {
      projectId: t.arg.id({ required: true }),
      inputs: t.arg({ type: 'JSON', required: false, description: 'Outputs of the trigger nodes for this run: `{ "<trigger node id>": { "<port>": value } }`.' }),
      testConfigId: t.arg.id({ required: false, description: 'Run with the mocks of this test config.' }),
    },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      const testConfigId = args.testConfigId ? parseId(args.testConfigId, 'test config') : undefined;
      const project = await context.prisma.project.findUnique({ where: { id: projectId }, select: { id: true, code: true, layout: true } });
      if (!project) throw notFound('Project', projectId);
      const testConfig = testConfigId
        ? await context.prisma.testConfig.findFirst({ where: { id: testConfigId, projectId }, select: { mocks: true } })
        : undefined;
      if (testConfig === null) throw notFound('Test config', testConfigId!);
      const plan = planExecution({ code: project.code, layout: project.layout, mocks: testConfig?.mocks, triggerPayload: args.inputs ?? undefined });
      if (!plan.ok) {
        throw new GraphQLError(plan.error, {
          extensions: plan.diagnostics ? { code: 'PROGRAM_HAS_ERRORS', diagnostics: plan.diagnostics } : { code: 'BAD_USER_INPUT' },
        });
      }
      const started = await context.executions.start({
        projectId,
        trigger: 'Manual',
        triggeredBy: 'graphql',
        triggerPayload: (args.inputs ?? undefined) as Prisma.InputJsonValue | undefined,
        testConfigId,
      });
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: started.id } });
    },
  }),
  cancelExecution: t.prismaField({
    type: 'Execution',
    description: 'Stops a pending, running, waiting or paused execution at once; unfinished node runs and open forms are cancelled.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const execution = await executionIn(context, String(args.id), ['pending', 'running', 'waiting_for_input', 'paused'], 'cancelled');
      await context.executions.cancel(execution);
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: execution.id } });
    },
  }),
  pauseExecution: t.prismaField({
    type: 'Execution',
    description: 'Lets the nodes that are running finish and starts no new one, until resumeExecution.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const execution = await executionIn(context, String(args.id), ['pending', 'running', 'waiting_for_input'], 'paused');
      await context.executions.pause(execution.id);
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: execution.id } });
    },
  }),
  resumeExecution: t.prismaField({
    type: 'Execution',
    description: 'Lets a paused execution go on.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const execution = await executionIn(context, String(args.id), ['paused'], 'resumed');
      await context.executions.resume(execution.id);
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: execution.id } });
    },
  }),
  rerunExecution: t.prismaField({
    type: 'Execution',
    description: 'Starts a new execution of the same version, with the same inputs, trigger payload and test config.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.id, 'execution');
      const original = await context.prisma.execution.findUnique({ where: { id } });
      if (!original) throw notFound('Execution', id);
      const started = await context.executions.start({
        projectId: original.projectId,
        versionId: original.versionId ?? undefined,
        trigger: 'Rerun',
        triggeredBy: `rerun of ${original.id}`,
        triggerPayload: (original.triggerPayload ?? undefined) as Prisma.InputJsonValue | undefined,
        testConfigId: original.testConfigId ?? undefined,
      });
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: started.id } });
    },
  }),
}));

async function executionIn(context: GraphQLContext, rawId: string, allowed: ExecutionStatus[], action: string) {
  const id = parseId(rawId, 'execution');
  const execution = await context.prisma.execution.findUnique({ where: { id } });
  if (!execution) throw notFound('Execution', id);
  if (!allowed.includes(execution.status)) {
    throw new GraphQLError(`Execution ${id} is ${execution.status.replaceAll('_', ' ')}; it cannot be ${action}`, {
      extensions: { code: 'WRONG_STATUS', status: execution.status },
    });
  }
  return execution;
}
