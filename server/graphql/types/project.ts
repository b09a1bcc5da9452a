import { GraphQLError } from 'graphql';
import { builder } from '../builder';
import { parseId } from '../ids';

builder.prismaObject('Project', {
  description: 'A Weft program and its history of runs.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    code: t.exposeString('code', { description: 'The Weft source.' }),
    layout: t.exposeString('layout', { description: 'Node positions on the canvas, one `id @layout X Y` line per node.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    executions: t.relatedConnection('executions', {
      cursor: 'id',
      query: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] },
      totalCount: true,
    }),
  }),
});

builder.queryFields((t) => ({
  projects: t.prismaConnection({
    type: 'Project',
    cursor: 'id',
    description: 'All projects, newest first.',
    totalCount: (_parent, _args, context) => context.prisma.project.count(),
    resolve: (query, _parent, _args, context) =>
      context.prisma.project.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  project: t.prismaField({
    type: 'Project',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.project.findUnique({ ...query, where: { id: parseId(args.id, 'project') } }),
  }),
}));

builder.mutationFields((t) => ({
  createProject: t.prismaField({
    type: 'Project',
    description: 'Creates a project from Weft code (which may still be incomplete).',
    args: {
      name: t.arg.string({ required: true }),
      code: t.arg.string({ required: false, defaultValue: '' }),
      description: t.arg.string({ required: false, defaultValue: '' }),
    },
    resolve: (query, _parent, args, context) => {
      const name = args.name.trim();
      if (!name) throw new GraphQLError('A project needs a name', { extensions: { code: 'BAD_USER_INPUT' } });
      return context.prisma.project.create({
        ...query,
        data: { name, code: args.code ?? '', description: args.description ?? '' },
      });
    },
  }),
}));
