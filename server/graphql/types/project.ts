import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Execution, Prisma, Project } from '../../db/generated/client';
import { parseProjectImport } from '../../projects/importing';
import { recordCodeChange } from '../../versions/history';
import { builder } from '../builder';
import { codeTooLarge, compileInWorker } from '../compiled';
import { readableCode } from '../redaction';
import type { GraphQLContext } from '../context';
import { parseId } from '../ids';
import { type Connection, type KeysetOrder, keysetPage } from '../keyset';
import { ExecutionFilterInput, ExecutionOrderEnum, ExecutionRef, executionsPage, parseExecutionFilter } from './execution';
import { InvalidInput, NotFound } from './problems';
import { DiagnosticRef } from './diagnostic';
import { GraphRef } from './graph';

const ProjectRef = builder.prismaObject('Project', {
  description: 'A Weft program and its history of runs.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    code: t.string({
      description: 'The Weft source. Below the admin scope, credentials in it (config fields of type api_key or password) read `<redacted>`.',
      resolve: (project, _args, context) => readableCode(context, project.code, project.layout),
    }),
    layout: t.exposeString('layout', { description: 'Node positions on the canvas, one `id @layout X Y` line per node.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    graph: t.field({
      type: GraphRef,
      nullable: true,
      description: 'The compiled program, drawn even while it has errors; null when the code cannot be parsed at all.',
      resolve: async (project) => (await compileInWorker(project.code, project.layout)).graph ?? null,
    }),
    diagnostics: t.field({
      type: [DiagnosticRef],
      description: 'Every problem in the code and layout; a project with errors can be saved but not run.',
      resolve: async (project) => (await compileInWorker(project.code, project.layout)).diagnostics,
    }),
    executions: t.connection(
      {
        type: ExecutionRef,
        description: 'Its executions, newest first unless ordered otherwise (keyset on the (projectId, startedAt, id) index).',
        args: {
          filter: t.arg({ type: ExecutionFilterInput, required: false, description: 'Its projectId, if given, is ignored.' }),
          orderBy: t.arg({ type: ExecutionOrderEnum, required: false, defaultValue: 'newestFirst' }),
        },
        resolve: (project, args, context, info) =>
          executionsPage(context, info, args, { ...parseExecutionFilter(args.filter), projectId: project.id }),
      },
      { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => (connection as unknown as Connection<Execution>).totalCount() }) }) },
    ),
  }),
});

const projectOrder: KeysetOrder<Project> = { field: 'createdAt', direction: 'desc', keyOf: (project) => project.createdAt };

builder.queryFields((t) => ({
  projects: t.connection(
    {
      type: ProjectRef,
      description: 'All projects, newest first (keyset on the (createdAt, id) index).',
      resolve: (_root, args, context, info) =>
        keysetPage(
          args,
          projectOrder,
          'date',
          (page) => context.prisma.project.findMany({ ...queryFromInfo({ context, info, path: ['edges', 'node'] }), ...page }),
          () => context.prisma.project.count(),
        ),
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => (connection as unknown as Connection<Project>).totalCount() }) }) },
  ),
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
      resolve: async ({ code, layout }) => (await compileInWorker(code, layout)).diagnostics.every((d) => d.severity !== 'error'),
    }),
    diagnostics: t.field({ type: [DiagnosticRef], resolve: async ({ code, layout }) => (await compileInWorker(code, layout)).diagnostics }),
    graph: t.field({ type: GraphRef, nullable: true, resolve: async ({ code, layout }) => (await compileInWorker(code, layout)).graph ?? null }),
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

const DeletedProjectRef = builder.objectRef<{ id: string }>('DeletedProject').implement({
  description: 'What remains of a deleted project: its id.',
  fields: (t) => ({ id: t.exposeID('id') }),
});

function withinSize(code: string): string {
  const refusal = codeTooLarge(code);
  if (refusal) throw new InvalidInput(refusal);
  return code;
}

function projectName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new InvalidInput('A project needs a name');
  return trimmed;
}

builder.mutationFields((t) => ({
  createProject: t.prismaField({
    type: 'Project',
    description: 'Creates a project from Weft code (which may still be incomplete); its code is the first version of its history.',
    errors: { types: [InvalidInput] },
    args: {
      name: t.arg.string({ required: true }),
      code: t.arg.string({ required: false, defaultValue: '' }),
      description: t.arg.string({ required: false, defaultValue: '' }),
    },
    resolve: (query, _parent, args, context) => {
      const data = { name: projectName(args.name), code: withinSize(args.code ?? ''), description: args.description ?? '' };
      return createWithHistory(context, query, data);
    },
  }),
  importProject: t.prismaField({
    type: 'Project',
    description:
      'Creates a project from a file: the JSON export {name, description, weftCode, layoutCode, loomCode?}, or Weft code (its `# Project:` and `# Description:` comments name it).',
    errors: { types: [InvalidInput] },
    args: { content: t.arg.string({ required: true }), fileName: t.arg.string({ required: false }) },
    resolve: (query, _parent, args, context) => {
      const imported = parseProjectImport(args.content, args.fileName ?? '');
      if ('problem' in imported) throw new InvalidInput(imported.problem);
      withinSize(imported.code ?? '');
      return createWithHistory(context, query, imported);
    },
  }),
  updateProject: t.prismaField({
    type: 'Project',
    description:
      'Changes a project. Code that does not compile is saved too (work in progress) but cannot run. A code change is versioned (auto) at most every VERSION_INTERVAL_MINUTES.',
    errors: { types: [NotFound, InvalidInput] },
    args: {
      id: t.arg.id({ required: true }),
      name: t.arg.string({ required: false }),
      description: t.arg.string({ required: false }),
      code: t.arg.string({ required: false }),
      layout: t.arg.string({ required: false }),
    },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.id, 'project');
      const name = args.name == null ? undefined : projectName(args.name);
      if (args.code != null) withinSize(args.code);
      await context.prisma.$transaction(async (tx) => {
        const before = await tx.project.findUnique({ where: { id }, select: { code: true } });
        if (!before) throw new NotFound('Project', id);
        const after = await tx.project.update({
          where: { id },
          data: { name, description: args.description ?? undefined, code: args.code ?? undefined, layout: args.layout ?? undefined },
          select: { id: true, code: true, layout: true },
        });
        if (after.code !== before.code) await recordCodeChange(tx, after, context.versions);
      });
      return context.prisma.project.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  deleteProject: t.field({
    type: DeletedProjectRef,
    description: 'Deletes a project with its versions, executions (and their node runs, events and forms) and test configs.',
    errors: { types: [NotFound] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_parent, args, context) => {
      const id = parseId(args.id, 'project');
      const deleted = await context.prisma.project.deleteMany({ where: { id } });
      if (deleted.count === 0) throw new NotFound('Project', id);
      return { id };
    },
  }),
}));

async function createWithHistory(
  context: GraphQLContext,
  query: { include?: Prisma.ProjectInclude; select?: Prisma.ProjectSelect },
  data: Prisma.ProjectCreateInput,
) {
  const created = await context.prisma.$transaction(async (tx) => {
    const project = await tx.project.create({ data, select: { id: true, code: true, layout: true } });
    if (project.code) await recordCodeChange(tx, project, context.versions);
    return project;
  });
  return context.prisma.project.findUniqueOrThrow({ ...query, where: { id: created.id } });
}
