import { optionalNodeService } from '../../nodes/services';
import { builder } from '../builder';
import { notFound, parseId } from '../ids';

const files = () => {
  const service = optionalNodeService('files');
  if (!service) throw new Error('This process has no file store');
  return service;
};

builder.prismaObject('StoredFile', {
  description: 'A file in the file store: uploaded (POST /files), or made by a node of an execution.',
  fields: (t) => ({
    id: t.exposeID('id'),
    filename: t.exposeString('filename'),
    mimeType: t.exposeString('mimeType'),
    size: t.exposeInt('size', { description: 'In bytes.' }),
    project: t.relation('project', { nullable: true }),
    executionId: t.exposeID('executionId', { nullable: true, description: 'The execution that made it, if a run did.' }),
    nodeId: t.exposeString('nodeId', { nullable: true, description: 'The node that made it, if a run did.' }),
    lane: t.intList({
      nullable: true,
      description: "The lane of the node run that made it (NodeRun.lane), if a run did.",
      select: { laneKey: true },
      resolve: (file) => (file.laneKey === null ? null : file.laneKey === '' ? [] : file.laneKey.split('.').map(Number)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    url: t.string({ description: 'A download link that works for FILE_URL_TTL_SECONDS (signed; ask again for a fresh one).', resolve: (file) => files().links.signedPath(file.id) }),
    media: t.field({ type: 'JSON', description: 'The file as a Weft media value: { url, mimeType, filename }.', resolve: (file) => files().media(file) }),
  }),
});

const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

builder.prismaObjectField('Execution', 'files', (t) =>
  t.prismaField({
    type: ['StoredFile'],
    description: 'The files its nodes made (media values with inline bytes in their outputs), newest first.',
    select: { id: true },
    resolve: (query, execution, _args, context) => context.prisma.storedFile.findMany({ ...query, where: { executionId: execution.id }, orderBy: newestFirst, take: 200 }),
  }),
);

builder.prismaObjectField('NodeRun', 'files', (t) =>
  t.prismaField({
    type: ['StoredFile'],
    description: 'The files this node run made (media values with inline bytes in its outputs).',
    select: { executionId: true, nodeId: true, laneKey: true },
    resolve: (query, run, _args, context) =>
      context.prisma.storedFile.findMany({ ...query, where: { executionId: run.executionId, nodeId: run.nodeId, laneKey: run.laneKey }, orderBy: newestFirst, take: 200 }),
  }),
);

builder.queryFields((t) => ({
  files: t.prismaField({
    type: ['StoredFile'],
    description: 'Files in the store, newest first (at most `first`, 200 at most).',
    args: { projectId: t.arg.id({ required: false }), executionId: t.arg.id({ required: false }), first: t.arg.int({ required: false, defaultValue: 100 }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.storedFile.findMany({
        ...query,
        where: {
          projectId: args.projectId ? parseId(args.projectId, 'project') : undefined,
          executionId: args.executionId ? parseId(args.executionId, 'execution') : undefined,
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: Math.min(Math.max(args.first ?? 100, 1), 200),
      }),
  }),
}));

builder.mutationFields((t) => ({
  deleteFile: t.field({
    type: 'ID',
    description: 'Deletes the file and its bytes; answers its id (NOT_FOUND when there is none).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_parent, args) => {
      const id = parseId(args.id, 'file');
      if (!(await files().delete(id))) throw notFound('File', id);
      return id;
    },
  }),
}));
