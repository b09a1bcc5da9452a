import { GraphQLError } from 'graphql';
import { HumanTaskState } from '../../db/generated/enums';
import { validateAnswer, type FormSchema } from '../../nodes/humanForm';
import type { JsonValue } from '../../weft/types';
import type { HumanAnswer } from '../../executor/workflow';
import { builder } from '../builder';
import type { GraphQLContext } from '../context';
import { notFound, parseId } from '../ids';

const HumanTaskStateEnum = builder.enumType(HumanTaskState, { name: 'HumanTaskState' });

export const HumanTaskRef = builder.prismaObject('HumanTask', {
  description: 'A HumanQuery form of an execution: open until someone answers or skips it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    nodeId: t.exposeString('nodeId'),
    lane: t.exposeIntList('lane'),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    form: t.expose('form', { type: 'JSON', description: 'The fields to show and answer: key, fieldType, label, required, options, value.' }),
    state: t.expose('state', { type: HumanTaskStateEnum }),
    answer: t.expose('answer', { type: 'JSON', nullable: true }),
    answeredBy: t.exposeString('answeredBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    answeredAt: t.expose('answeredAt', { type: 'DateTime', nullable: true }),
    execution: t.relation('execution'),
  }),
});

builder.queryFields((t) => ({
  humanTasks: t.prismaConnection({
    type: 'HumanTask',
    cursor: 'id',
    description: 'HumanQuery forms, newest first; open ones by default.',
    args: {
      state: t.arg({ type: HumanTaskStateEnum, required: false, defaultValue: 'open' }),
      executionId: t.arg.id({ required: false }),
    },
    resolve: (query, _parent, args, context) =>
      context.prisma.humanTask.findMany({
        ...query,
        where: {
          state: args.state ?? undefined,
          executionId: args.executionId ? parseId(args.executionId, 'execution') : undefined,
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
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
  if (!task) throw notFound('Task', taskId);
  if (task.state !== 'open') {
    throw new GraphQLError(`This form is already ${task.state}`, { extensions: { code: 'TASK_CLOSED', state: task.state } });
  }
  return task;
}

builder.mutationFields((t) => ({
  answerHumanTask: t.prismaField({
    type: 'HumanTask',
    description: "Answers a form: the answer is checked against the form's fields, then the waiting execution resumes.",
    args: {
      id: t.arg.id({ required: true }),
      answer: t.arg({ type: 'JSON', required: true, description: '`{ "<field key>": value, … }`' }),
      answeredBy: t.arg.string({ required: false }),
    },
    resolve: async (query, _parent, args, context) => {
      const task = await openTask(context, String(args.id));
      const check = validateAnswer(task.form as unknown as FormSchema, args.answer);
      if (!check.ok) {
        const detail = check.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ');
        throw new GraphQLError(`The answer does not fit the form: ${detail}`, {
          extensions: { code: 'INVALID_ANSWER', problems: check.problems },
        });
      }
      const answeredBy = args.answeredBy ?? undefined;
      await resumeWith(context, task, { kind: 'answered', outputs: check.outputs, answer: args.answer as JsonValue, answeredBy });
      await context.prisma.humanTask.updateMany({
        where: { id: task.id, state: 'open' },
        data: { state: 'answered', answer: args.answer as object, answeredBy, answeredAt: new Date() },
      });
      return context.prisma.humanTask.findUniqueOrThrow({ ...query, where: { id: task.id } });
    },
  }),
  skipHumanTask: t.prismaField({
    type: 'HumanTask',
    description: "Skips a form: the node's outputs are null, so what depends on them skips too.",
    args: { id: t.arg.id({ required: true }), answeredBy: t.arg.string({ required: false }) },
    resolve: async (query, _parent, args, context) => {
      const task = await openTask(context, String(args.id));
      const answeredBy = args.answeredBy ?? undefined;
      await resumeWith(context, task, { kind: 'skipped', answeredBy });
      await context.prisma.humanTask.updateMany({
        where: { id: task.id, state: 'open' },
        data: { state: 'skipped', answeredBy, answeredAt: new Date() },
      });
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
      throw new GraphQLError('This form has already been answered', { extensions: { code: 'TASK_CLOSED' } });
    }
    throw error;
  }
}
