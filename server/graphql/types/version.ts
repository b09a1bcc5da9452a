import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Version } from '../../db/generated/client';
import { restoreVersion, saveVersion } from '../../versions/history';
import { builder } from '../builder';
import { compileInWorker } from '../compiled';
import { readableCode } from '../redaction';
import type { GraphQLContext } from '../context';
import { parseId } from '../ids';
import { type Connection, type KeysetOrder, keysetPage } from '../keyset';
import { DiagnosticRef } from './diagnostic';
import { VersionKindEnum } from './enums';
import { GraphRef } from './graph';
import { InvalidInput, NotFound } from './problems';

export const VersionRef = builder.prismaObject('Version', {
  description: "A snapshot of a project's code and layout: taken automatically while the code changes, saved by hand, or run by an execution.",
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: VersionKindEnum }),
    label: t.exposeString('label', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    code: t.string({
      description: 'The Weft source as it was; below the admin scope with its credentials redacted, as Project.code.',
      resolve: (version, _args, context) => readableCode(context, version.code, version.layout),
    }),
    layout: t.exposeString('layout'),
    graph: t.field({
      type: GraphRef,
      nullable: true,
      description: 'Its compiled program; null when the code cannot be parsed at all.',
      resolve: async (version) => (await compileInWorker(version.code, version.layout)).graph ?? null,
    }),
    diagnostics: t.field({ type: [DiagnosticRef], resolve: async (version) => (await compileInWorker(version.code, version.layout)).diagnostics }),
    project: t.relation('project'),
  }),
});

const versionOrder: KeysetOrder<Version> = { field: 'createdAt', direction: 'desc', keyOf: (version) => version.createdAt };

builder.prismaObjectField('Project', 'versions', (t) =>
  t.connection(
    {
      type: VersionRef,
      description: 'Its history, newest first (keyset on the (projectId, createdAt, id) index).',
      args: { kind: t.arg({ type: VersionKindEnum, required: false }) },
      resolve: (project, args, context, info) => {
        const where = { projectId: project.id, ...(args.kind ? { kind: args.kind } : {}) };
        return keysetPage(
          args,
          versionOrder,
          'date',
          (page) =>
            context.prisma.version.findMany({
              ...queryFromInfo({ context, info, path: ['edges', 'node'] }),
              where: { AND: [where, page.where] },
              orderBy: page.orderBy,
              take: page.take,
            }),
          () => context.prisma.version.count({ where }),
        );
      },
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => (connection as unknown as Connection<Version>).totalCount() }) }) },
  ),
);

function requiredLabel(label: string): string {
  const trimmed = label.trim();
  if (!trimmed) throw new InvalidInput('A saved version needs a label, e.g. "before the refactor"');
  return trimmed;
}

async function projectCode(context: GraphQLContext, rawId: string | number) {
  const id = parseId(rawId, 'project');
  const project = await context.prisma.project.findUnique({ where: { id }, select: { id: true, code: true, layout: true } });
  if (!project) throw new NotFound('Project', id);
  return project;
}

async function existingVersion(context: GraphQLContext, rawId: string | number): Promise<Version> {
  const id = parseId(rawId, 'version');
  const version = await context.prisma.version.findUnique({ where: { id } });
  if (!version) throw new NotFound('Version', id);
  return version;
}

builder.queryField('version', (t) =>
  t.prismaField({
    type: 'Version',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, context) => context.prisma.version.findUnique({ ...query, where: { id: parseId(args.id, 'version') } }),
  }),
);

builder.mutationFields((t) => ({
  saveVersion: t.prismaField({
    type: 'Version',
    description: "Saves the project's current code as a manual version with a label; manual versions are always kept.",
    errors: { types: [NotFound, InvalidInput] },
    args: { projectId: t.arg.id({ required: true }), label: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, context) => {
      const label = requiredLabel(args.label);
      const saved = await saveVersion(context.prisma, await projectCode(context, args.projectId), label);
      return context.prisma.version.findUniqueOrThrow({ ...query, where: { id: saved.id } });
    },
  }),
  labelVersion: t.prismaField({
    type: 'Version',
    description: 'Labels a version (or removes its label with null). A labelled auto version is no longer pruned.',
    errors: { types: [NotFound, InvalidInput] },
    args: { id: t.arg.id({ required: true }), label: t.arg.string({ required: false }) },
    resolve: async (query, _root, args, context) => {
      const version = await existingVersion(context, args.id);
      const label = args.label == null ? null : requiredLabel(args.label);
      if (label === null && version.kind === 'manual') throw new InvalidInput('A manual version keeps a label; give it another one');
      return context.prisma.version.update({ ...query, where: { id: version.id }, data: { label } });
    },
  }),
  restoreVersion: t.prismaField({
    type: 'Version',
    description:
      "Makes a version's code and layout the project's current ones. The code it replaces is versioned first; the answer is the new manual version holding the restored code.",
    errors: { types: [NotFound] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, context) => {
      const version = await existingVersion(context, args.id);
      const restored = await context.prisma.$transaction(async (tx) => {
        const project = await tx.project.findUniqueOrThrow({ where: { id: version.projectId }, select: { id: true, code: true, layout: true } });
        return restoreVersion(tx, project, version, context.versions);
      });
      return context.prisma.version.findUniqueOrThrow({ ...query, where: { id: restored.id } });
    },
  }),
}));
