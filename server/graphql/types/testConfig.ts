import type { Prisma } from '../../db/generated/client';
import { isUniqueViolation } from '../../db/transactions';
import { builder } from '../builder';
import { checkMocks } from '../compiled';
import type { GraphQLContext } from '../context';
import { notFound, parseId } from '../ids';
import { InvalidInput, NotFound, ProgramHasErrors } from './problems';

builder.prismaObject('TestConfig', {
  description: "A named set of mocks: in a run made with it, the chosen nodes don't run and give these outputs instead.",
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    mocks: t.expose('mocks', { type: 'JSON', description: '`{ "<node id>": { "<output port>": value } }`' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    project: t.relation('project'),
    executions: t.relation('executions', {
      description: 'The runs made with it, newest first (at most 100).',
      args: { first: t.arg.int({ required: false, description: 'How many, 20 if not given (1 to 100).' }) },
      query: (args) => ({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: Math.min(Math.max(args.first ?? 20, 1), 100) }),
    }),
    executionCount: t.relationCount('executions', { description: 'How many runs were made with it.' }),
  }),
});

builder.prismaObjectField('Project', 'testConfigs', (t) =>
  t.relation('testConfigs', { query: { orderBy: [{ name: 'asc' }] } }),
);

/** Mocks are checked against the project's current code: every node, port and value type must fit. */
async function checkedMocks(context: GraphQLContext, projectId: string, mocks: unknown): Promise<Prisma.InputJsonValue> {
  const project = await context.prisma.project.findUnique({ where: { id: projectId }, select: { code: true, layout: true } });
  if (!project) throw new NotFound('Project', projectId);
  const checked = await checkMocks(project.code, project.layout, mocks);
  if (!checked.ok) throw checked.diagnostics ? new ProgramHasErrors(checked.error, checked.diagnostics) : new InvalidInput(checked.error);
  return checked.mocks as Prisma.InputJsonValue;
}

function uniqueName(error: unknown, name: string): never {
  if (isUniqueViolation(error)) {
    throw new InvalidInput(`This project already has a test config named "${name}"`);
  }
  throw error;
}

builder.mutationFields((t) => ({
  createTestConfig: t.prismaField({
    type: 'TestConfig',
    errors: { types: [NotFound, ProgramHasErrors, InvalidInput] },
    args: {
      projectId: t.arg.id({ required: true }),
      name: t.arg.string({ required: true }),
      mocks: t.arg({ type: 'JSON', required: true }),
    },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      const mocks = await checkedMocks(context, projectId, args.mocks);
      return context.prisma.testConfig
        .create({ ...query, data: { projectId, name: args.name.trim(), mocks } })
        .catch((error: unknown) => uniqueName(error, args.name));
    },
  }),
  updateTestConfig: t.prismaField({
    type: 'TestConfig',
    errors: { types: [NotFound, ProgramHasErrors, InvalidInput] },
    args: { id: t.arg.id({ required: true }), name: t.arg.string({ required: false }), mocks: t.arg({ type: 'JSON', required: false }) },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.id, 'test config');
      const existing = await context.prisma.testConfig.findUnique({ where: { id } });
      if (!existing) throw new NotFound('Test config', id);
      const mocks = args.mocks === undefined || args.mocks === null ? undefined : await checkedMocks(context, existing.projectId, args.mocks);
      return context.prisma.testConfig
        .update({ ...query, where: { id }, data: { name: args.name?.trim() ?? undefined, mocks } })
        .catch((error: unknown) => uniqueName(error, args.name ?? existing.name));
    },
  }),
  deleteTestConfig: t.field({
    type: 'Boolean',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_parent, args, context) => {
      const id = parseId(args.id, 'test config');
      const deleted = await context.prisma.testConfig.deleteMany({ where: { id } });
      if (deleted.count === 0) throw notFound('Test config', id);
      return true;
    },
  }),
}));
