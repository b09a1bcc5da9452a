import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import type { Execution, ExecutionStatus, NodeRun, NodeRunStatus, Prisma } from '../../db/generated/client';
import { builder } from '../builder';
import type { GraphQLContext } from '../context';
import { checkRunnable, compileInWorker, planInWorker } from '../compiled';
import { type ExecutionFilter, executionWhere } from '../executionFilter';
import { parseId } from '../ids';
import { type Connection, type KeysetOrder, keysetPage, type PageArgs } from '../keyset';
import { ExecutionStatusEnum, NodeRunStatusEnum, TriggerKindEnum } from './enums';
import { GraphRef } from './graph';
import { NodeRunRef } from './nodeRun';
import { InvalidInput, NotFound, ProgramHasErrors, WrongStatus } from './problems';

export const ExecutionOrderEnum = builder.enumType('ExecutionOrder', {
  values: {
    newestFirst: { description: 'By start time, newest first (the default).' },
    oldestFirst: { description: 'By start time, oldest first.' },
  } as const,
});

export const ExecutionFilterInput = builder.inputType('ExecutionFilter', {
  description: 'Which executions to show; every criterion given must hold, and an empty list means any.',
  fields: (t) => ({
    projectId: t.id(),
    status: t.field({ type: [ExecutionStatusEnum], description: 'Any of these statuses.' }),
    trigger: t.field({ type: [TriggerKindEnum], description: 'Started by any of these trigger kinds.' }),
    startedFrom: t.field({ type: 'DateTime', description: 'Started at or after this instant.' }),
    startedBefore: t.field({ type: 'DateTime', description: 'Started strictly before this instant.' }),
    hasError: t.boolean({ description: 'True: only executions with an error; false: only those without.' }),
  }),
});

type ExecutionFilterArgument = typeof ExecutionFilterInput.$inferInput | null | undefined;

/** The filter as given, with its project id checked. */
export function parseExecutionFilter(filter: ExecutionFilterArgument): ExecutionFilter {
  if (!filter) return {};
  return { ...filter, projectId: filter.projectId ? parseId(filter.projectId, 'project') : undefined };
}

const nodeRunOrder: KeysetOrder<NodeRun> = { field: 'seq', direction: 'asc', keyOf: (run) => run.seq };

function nodeRunFilter(args: { status?: readonly NodeRunStatus[] | null; nodeId?: string | null }): Prisma.NodeRunWhereInput {
  return {
    ...(args.status && args.status.length > 0 ? { status: { in: [...args.status] } } : {}),
    ...(args.nodeId ? { nodeId: args.nodeId } : {}),
  };
}

export const ExecutionRef = builder.prismaObject('Execution', {
  description: 'One run of a project, pinned to the version of its code that ran.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: ExecutionStatusEnum }),
    trigger: t.expose('trigger', { type: TriggerKindEnum }),
    triggeredBy: t.exposeString('triggeredBy', { nullable: true, description: 'Who or what started it.' }),
    triggerPayload: t.expose('triggerPayload', {
      type: 'JSON',
      nullable: true,
      description: 'What the trigger gave the run: `{ "<trigger node id>": { "<port>": value } }`.',
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed, if it did.' }),
    costUsd: t.expose('costUsd', { type: 'USD' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    durationMs: t.int({
      nullable: true,
      description: 'Milliseconds from start to end; null until it has ended.',
      resolve: (execution) => (execution.completedAt ? execution.completedAt.getTime() - execution.startedAt.getTime() : null),
    }),
    lastSeq: t.exposeInt('lastSeq', { description: 'The seq of its newest event: pass it as afterSeq to executionEvents.' }),
    project: t.relation('project'),
    version: t.relation('version', {
      nullable: true,
      description: 'The version of the code it ran: open its code and graph from here. Null only if that version was deleted.',
    }),
    testConfig: t.relation('testConfig', { nullable: true, description: 'The mocks this run was made with, if any.' }),
    nodeRuns: t.relation('nodeRuns', {
      description: 'Its node runs in the order they last changed (seq); all of them unless filtered.',
      args: {
        status: t.arg({ type: [NodeRunStatusEnum], required: false, description: 'Any of these statuses.' }),
        nodeId: t.arg.string({ required: false }),
      },
      query: (args) => ({ where: nodeRunFilter(args), orderBy: [{ seq: 'asc' }] }),
    }),
    nodeRunsConnection: t.connection(
      {
        type: NodeRunRef,
        description: 'Its node runs a page at a time, in seq order (keyset on the (executionId, seq) index).',
        args: {
          status: t.arg({ type: [NodeRunStatusEnum], required: false }),
          nodeId: t.arg.string({ required: false }),
        },
        resolve: (execution, args, context, info) => {
          const where = { executionId: execution.id, ...nodeRunFilter(args) };
          return keysetPage(
            args,
            nodeRunOrder,
            'number',
            (page) =>
              context.prisma.nodeRun.findMany({
                ...queryFromInfo({ context, info, path: ['edges', 'node'] }),
                where: { AND: [where, page.where] },
                orderBy: page.orderBy,
                take: page.take,
              }),
            () => context.prisma.nodeRun.count({ where }),
          );
        },
      },
      { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => (connection as unknown as Connection<NodeRun>).totalCount() }) }) },
    ),
    openTasks: t.relation('humanTasks', { description: 'HumanQuery forms it waits on.', query: { where: { state: 'open', kind: 'form' }, orderBy: [{ createdAt: 'asc' }] } }),
    graph: t.field({
      type: GraphRef,
      nullable: true,
      description: 'The compiled program this execution ran (its pinned version, not the current code).',
      select: { version: { select: { code: true, layout: true } } },
      resolve: async (execution) => (execution.version ? (await compileInWorker(execution.version.code, execution.version.layout)).graph ?? null : null),
    }),
  }),
});

const executionOrders: Record<'newestFirst' | 'oldestFirst', KeysetOrder<{ startedAt: Date }>> = {
  newestFirst: { field: 'startedAt', direction: 'desc', keyOf: (execution) => execution.startedAt },
  oldestFirst: { field: 'startedAt', direction: 'asc', keyOf: (execution) => execution.startedAt },
};

/** A page of executions matching `filter`, keyset on the (startedAt, id) indexes. */
export function executionsPage(
  context: GraphQLContext,
  info: GraphQLResolveInfo,
  args: PageArgs & { orderBy?: 'newestFirst' | 'oldestFirst' | null },
  filter: ExecutionFilter,
) {
  const where = executionWhere(filter);
  return keysetPage(
    args,
    executionOrders[args.orderBy ?? 'newestFirst'] as KeysetOrder<Execution>,
    'date',
    (page) =>
      context.prisma.execution.findMany({
        ...queryFromInfo({ context, info, path: ['edges', 'node'] }),
        where: { AND: [where, page.where] },
        orderBy: page.orderBy,
        take: page.take,
      }),
    () => context.prisma.execution.count({ where }),
  );
}

builder.queryFields((t) => ({
  executions: t.connection(
    {
      type: ExecutionRef,
      description: 'Executions, newest first unless ordered otherwise, filtered by `filter`.',
      args: {
        filter: t.arg({ type: ExecutionFilterInput, required: false }),
        orderBy: t.arg({ type: ExecutionOrderEnum, required: false, defaultValue: 'newestFirst' }),
      },
      resolve: (_root, args, context, info) => executionsPage(context, info, args, parseExecutionFilter(args.filter)),
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => (connection as unknown as Connection<Execution>).totalCount() }) }) },
  ),
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
    errors: { types: [NotFound, ProgramHasErrors, InvalidInput] },
    args: {
      projectId: t.arg.id({ required: true }),
      inputs: t.arg({ type: 'JSON', required: false, description: 'Outputs of the trigger nodes for this run: `{ "<trigger node id>": { "<port>": value } }`.' }),
      testConfigId: t.arg.id({ required: false, description: 'Run with the mocks of this test config.' }),
    },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      const testConfigId = args.testConfigId ? parseId(args.testConfigId, 'test config') : undefined;
      const project = await context.executions.projectForRun(projectId);
      if (!project) throw new NotFound('Project', projectId);
      const testConfig = testConfigId
        ? await context.prisma.testConfig.findFirst({ where: { id: testConfigId, projectId }, select: { mocks: true } })
        : undefined;
      if (testConfig === null) throw new NotFound('Test config', testConfigId!);
      const source = { code: project.code, layout: project.layout, mocks: testConfig?.mocks, triggerPayload: args.inputs ?? undefined };
      const check = await checkRunnable(source);
      if (!check.ok) throw check.diagnostics ? new ProgramHasErrors(check.error, check.diagnostics) : new InvalidInput(check.error);
      const started = await context.executions.start({
        projectId,
        trigger: 'Manual',
        triggeredBy: 'graphql',
        triggerPayload: (args.inputs ?? undefined) as Prisma.InputJsonValue | undefined,
        testConfigId,
        project,
        // Made by the check just now: the run starts with it instead of a start step of its own.
        plan: await planInWorker(source),
      });
      // Asked for none of its relations: the execution as created is the answer, without reading it again.
      return Object.keys(query).length === 0 ? started : context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: started.id } });
    },
  }),
  cancelExecution: t.prismaField({
    type: 'Execution',
    description: 'Stops a pending, running, waiting or paused execution at once; unfinished node runs and open forms are cancelled.',
    errors: { types: [NotFound, WrongStatus] },
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
    errors: { types: [NotFound, WrongStatus] },
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
    errors: { types: [NotFound, WrongStatus] },
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
    errors: { types: [NotFound] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.id, 'execution');
      const original = await context.prisma.execution.findUnique({ where: { id } });
      if (!original) throw new NotFound('Execution', id);
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
  if (!execution) throw new NotFound('Execution', id);
  if (!allowed.includes(execution.status)) {
    throw new WrongStatus(`Execution ${id} is ${execution.status.replaceAll('_', ' ')}; it cannot be ${action}`, execution.status);
  }
  return execution;
}
