import { GraphQLError } from 'graphql';
import { builder } from '../builder';
import { parseProjectImport } from '../../projects/importing';
import { compileForDisplay } from '../compiled';
import { notFound, parseId } from '../ids';
import { DiagnosticRef } from './diagnostic';
import { GraphRef } from './graph';

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
    graph: t.field({
      type: GraphRef,
      nullable: true,
      description: 'The compiled program, drawn even while it has errors; null when the code cannot be parsed at all.',
      resolve: (project) => compileForDisplay(project.code, project.layout).graph ?? null,
    }),
    diagnostics: t.field({
      type: [DiagnosticRef],
      description: 'Every problem in the code and layout; a project with errors can be saved but not run.',
      resolve: (project) => compileForDisplay(project.code, project.layout).diagnostics,
    }),
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

const CheckResultRef = builder.objectRef<{ code: string; layout: string }>('WeftCheck').implement({
  description: 'What the compiler says of some Weft code, without saving it.',
  fields: (t) => ({
    ok: t.boolean({
      description: 'True when there is no error (warnings allowed): the code can run.',
      resolve: ({ code, layout }) => compileForDisplay(code, layout).diagnostics.every((d) => d.severity !== 'error'),
    }),
    diagnostics: t.field({ type: [DiagnosticRef], resolve: ({ code, layout }) => compileForDisplay(code, layout).diagnostics }),
    graph: t.field({ type: GraphRef, nullable: true, resolve: ({ code, layout }) => compileForDisplay(code, layout).graph ?? null }),
  }),
});

builder.queryField('checkWeft', (t) =>
  t.field({
    type: CheckResultRef,
    description: 'Compiles Weft code (and layout text) and returns its diagnostics and graph; nothing is saved.',
    args: { code: t.arg.string({ required: true }), layout: t.arg.string({ required: false, defaultValue: '' }) },
    resolve: (_root, args) => ({ code: args.code, layout: args.layout ?? '' }),
  }),
);

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
  importProject: t.prismaField({
    type: 'Project',
    description:
      'Creates a project from a file: the JSON export {name, description, weftCode, layoutCode, loomCode?}, or Weft code (its `# Project:` and `# Description:` comments name it).',
    args: { content: t.arg.string({ required: true }), fileName: t.arg.string({ required: false }) },
    resolve: (query, _parent, args, context) => {
      const imported = parseProjectImport(args.content, args.fileName ?? '');
      if ('problem' in imported) throw new GraphQLError(imported.problem, { extensions: { code: 'BAD_USER_INPUT' } });
      return context.prisma.project.create({ ...query, data: imported });
    },
  }),
  updateProject: t.prismaField({
    type: 'Project',
    description: 'Changes a project. Code that does not compile is saved too (work in progress) but cannot run.',
    args: {
      id: t.arg.id({ required: true }),
      name: t.arg.string({ required: false }),
      description: t.arg.string({ required: false }),
      code: t.arg.string({ required: false }),
      layout: t.arg.string({ required: false }),
    },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.id, 'project');
      if (args.name !== undefined && args.name !== null && !args.name.trim()) {
        throw new GraphQLError('A project needs a name', { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const exists = await context.prisma.project.findUnique({ where: { id }, select: { id: true } });
      if (!exists) throw notFound('Project', id);
      return context.prisma.project.update({
        ...query,
        where: { id },
        data: {
          name: args.name?.trim() ?? undefined,
          description: args.description ?? undefined,
          code: args.code ?? undefined,
          layout: args.layout ?? undefined,
        },
      });
    },
  }),
}));
