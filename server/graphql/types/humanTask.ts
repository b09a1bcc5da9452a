import { queryFromInfo } from '@pothos/plugin-prisma';
import type { HumanTask, Prisma } from '../../db/generated/client';
import { HumanTaskKind, HumanTaskState } from '../../db/generated/enums';
import { commitActionTaskDone, commitTaskClosed, type TaskClosing } from '../../events/humanTasks';
import type { ExecutionSnapshot, HumanTaskSnapshot } from '../../events/types';
import { validateAnswer, type FormSchema } from '../../nodes/feedback/humanForm';
import { optionalNodeService } from '../../nodes/services';
import type { JsonValue } from '../../weft/types';
import type { HumanAnswer } from '../../executor/workflow';
import { builder } from '../builder';
import type { GraphQLContext } from '../context';
import { parseId } from '../ids';
import { type Connection, type KeysetOrder, keysetPage } from '../keyset';
import { InvalidAnswer, InvalidInput, NotFound, TaskClosed } from './problems';

const HumanTaskStateEnum = builder.enumType(HumanTaskState, { name: 'HumanTaskState' });
const HumanTaskKindEnum = builder.enumType(HumanTaskKind, {
  name: 'HumanTaskKind',
  description: "`form`: a HumanQuery form to answer or skip; `action`: a Notify link to open, then mark done (it does not keep its run waiting and stays open after the run ends).",
});

export const HumanTaskRef = builder.prismaObject('HumanTask', {
  description: 'A HumanQuery form of an execution, open until someone answers or skips it, or a Notify action, open until someone marks it done.',
  fields: (t) => ({
    id: t.exposeID('id'),
    nodeId: t.exposeString('nodeId'),
    lane: t.exposeIntList('lane'),
    kind: t.expose('kind', { type: HumanTaskKindEnum }),
    title: t.exposeString('title'),
    actionUrl: t.exposeString('actionUrl', { nullable: true, description: 'The link an `action` task asks a person to open; null for a form.' }),
    description: t.exposeString('description'),
    form: t.field({
      type: 'JSON',
      description: 'The fields to show and answer: key, fieldType, label, required, options, value. Links to stored files in it are signed afresh each time it is read.',
      // A form can stay open for longer than a download link lives (FILE_URL_TTL_SECONDS).
      resolve: (task) => optionalNodeService('files')?.links.renewLinks(task.form) ?? task.form,
    }),
    state: t.expose('state', { type: HumanTaskStateEnum }),
    answer: t.expose('answer', { type: 'JSON', nullable: true }),
    answeredBy: t.exposeString('answeredBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    answeredAt: t.expose('answeredAt', { type: 'DateTime', nullable: true }),
    execution: t.relation('execution'),
  }),
});

export const HumanTaskFilterInput = builder.inputType('HumanTaskFilter', {
  description: 'Which forms to show; every criterion given must hold, and an empty list means any.',
  fields: (t) => ({
    executionId: t.id(),
    projectId: t.id(),
    state: t.field({ type: [HumanTaskStateEnum], description: 'Any of these states.' }),
  }),
});

export interface HumanTaskFilter {
  executionId?: string;
  projectId?: string;
  state?: readonly HumanTaskState[];
}

export function parseHumanTaskFilter(filter: typeof HumanTaskFilterInput.$inferInput | null | undefined): HumanTaskFilter {
  return {
    executionId: filter?.executionId ? parseId(filter.executionId, 'execution') : undefined,
    projectId: filter?.projectId ? parseId(filter.projectId, 'project') : undefined,
    state: filter?.state && filter.state.length > 0 ? filter.state : undefined,
  };
}

function humanTaskWhere(filter: HumanTaskFilter): Prisma.HumanTaskWhereInput {
  return {
    ...(filter.executionId ? { executionId: filter.executionId } : {}),
    ...(filter.projectId ? { execution: { projectId: filter.projectId } } : {}),
    ...(filter.state ? { state: { in: [...filter.state] } } : {}),
  };
}

export function taskMatches(filter: HumanTaskFilter, task: HumanTaskSnapshot, execution: ExecutionSnapshot): boolean {
  return (
    (!filter.executionId || task.executionId === filter.executionId) &&
    (!filter.projectId || execution.projectId === filter.projectId) &&
    (!filter.state || filter.state.includes(task.state))
  );
}

const taskOrder: KeysetOrder<HumanTask> = { field: 'createdAt', direction: 'desc', keyOf: (task) => task.createdAt };

builder.queryFields((t) => ({
  humanTasks: t.connection(
    {
      type: HumanTaskRef,
      description: 'HumanQuery forms, newest first; open ones unless the filter says otherwise (keyset on the (state, createdAt, id) index).',
      args: { filter: t.arg({ type: HumanTaskFilterInput, required: false, defaultValue: { state: ['open'] } }) },
      resolve: (_root, args, context, info) => {
        const where = humanTaskWhere(parseHumanTaskFilter(args.filter));
        return keysetPage(
          args,
          taskOrder,
          'date',
          (page) =>
            context.prisma.humanTask.findMany({
              ...queryFromInfo({ context, info, path: ['edges', 'node'] }),
              where: { AND: [where, page.where] },
              orderBy: page.orderBy,
              take: page.take,
            }),
          () => context.prisma.humanTask.count({ where }),
        );
      },
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => (connection as unknown as Connection<HumanTask>).totalCount() }) }) },
  ),
  humanTask: t.prismaField({
    type: 'HumanTask',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.humanTask.findUnique({ ...query, where: { id: parseId(args.id, 'task') } }),
  }),
}));

async function openTask(context: GraphQLContext, id: string) {
  const taskId = parseId(id, 'task');
  const task = await context.prisma.humanTask.findUnique({ where: { id: taskId } });
  if (!task) throw new NotFound('Task', taskId);
  if (task.state !== 'open') throw new TaskClosed(task.state);
  return task;
}

/** An open form task (answered or skipped; an action task is marked done instead). */
async function openFormTask(context: GraphQLContext, id: string) {
  const task = await openTask(context, id);
  if (task.kind === 'action') throw new InvalidInput(`Task ${task.id} is an action: mark it done (completeActionTask)`);
  return task;
}

/** Resumes the waiting execution, then records the closing (the executor records it too; the first one wins). */
async function close(context: GraphQLContext, task: HumanTask, answer: HumanAnswer, closing: TaskClosing) {
  await resumeWith(context, task, answer);
  await commitTaskClosed(context.prisma, task.executionId, task, closing);
}

builder.mutationFields((t) => ({
  completeActionTask: t.prismaField({
    type: 'HumanTask',
    description: "Marks a Notify action done (state `answered`); its run is not affected. A form is answered or skipped instead.",
    errors: { types: [NotFound, TaskClosed, InvalidInput] },
    args: { id: t.arg.id({ required: true }), answeredBy: t.arg.string({ required: false }) },
    resolve: async (query, _parent, args, context) => {
      const task = await openTask(context, String(args.id));
      if (task.kind !== 'action') throw new InvalidInput(`Task ${task.id} is a form: answer or skip it (answerHumanTask, skipHumanTask)`);
      if (!(await commitActionTaskDone(context.prisma, task, args.answeredBy ?? undefined))) {
        const now = await context.prisma.humanTask.findUniqueOrThrow({ where: { id: task.id }, select: { state: true } });
        throw new TaskClosed(now.state);
      }
      return context.prisma.humanTask.findUniqueOrThrow({ ...query, where: { id: task.id } });
    },
  }),
  answerHumanTask: t.prismaField({
    type: 'HumanTask',
    description: "Answers a form: the answer is checked against the form's fields, then the waiting execution resumes.",
    errors: { types: [NotFound, TaskClosed, InvalidAnswer, InvalidInput] },
    args: {
      id: t.arg.id({ required: true }),
      answer: t.arg({ type: 'JSON', required: true, description: '`{ "<field key>": value, … }`' }),
      answeredBy: t.arg.string({ required: false }),
    },
    resolve: async (query, _parent, args, context) => {
      const task = await openFormTask(context, String(args.id));
      const check = validateAnswer(task.form as unknown as FormSchema, args.answer);
      if (!check.ok) throw new InvalidAnswer(check.problems);
      const answeredBy = args.answeredBy ?? undefined;
      await close(context, task, { kind: 'answered', outputs: check.outputs, answer: args.answer as JsonValue, answeredBy }, {
        state: 'answered',
        answer: args.answer as Prisma.InputJsonValue,
        answeredBy,
      });
      return context.prisma.humanTask.findUniqueOrThrow({ ...query, where: { id: task.id } });
    },
  }),
  skipHumanTask: t.prismaField({
    type: 'HumanTask',
    description: "Skips a form: the node's outputs are null, so what depends on them skips too.",
    errors: { types: [NotFound, TaskClosed, InvalidInput] },
    args: { id: t.arg.id({ required: true }), answeredBy: t.arg.string({ required: false }) },
    resolve: async (query, _parent, args, context) => {
      const task = await openFormTask(context, String(args.id));
      const answeredBy = args.answeredBy ?? undefined;
      await close(context, task, { kind: 'skipped', answeredBy }, { state: 'skipped', answeredBy });
      return context.prisma.humanTask.findUniqueOrThrow({ ...query, where: { id: task.id } });
    },
  }),
}));

async function resumeWith(context: GraphQLContext, task: { executionId: string; nodeId: string; lane: number[] }, answer: HumanAnswer) {
  try {
    await context.executions.answer(task.executionId, task.nodeId, task.lane, answer);
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes('already been answered')) {
      throw new TaskClosed('answered');
    }
    throw error;
  }
}
