import { Readable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { fileTooLargeError } from '../../files/graphqlUpload';
import { FileTooLarge } from '../../files/files';
import { optionalNodeService } from '../../nodes/services';
import { builder } from '../builder';
import { parseId } from '../ids';
import { NotFound } from './problems';

/** What Yoga's multipart parser hands a resolver: a WHATWG File. */
export interface UploadedFile {
  name: string;
  type: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === 'object' && value !== null && typeof (value as UploadedFile).arrayBuffer === 'function' && typeof (value as UploadedFile).size === 'number';

builder.scalarType('File', {
  description: 'A file sent in a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec); input only.',
  serialize: () => {
    throw new GraphQLError('File is an input type only');
  },
  parseValue: (value) => {
    if (!isUploadedFile(value)) {
      throw new GraphQLError('A File argument is sent as a part of a multipart request (the GraphQL multipart request spec), not as a value', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
});

builder.mutationFields((t) => ({
  uploadFile: t.prismaField({
    type: 'StoredFile',
    description:
      'Stores an uploaded file (a multipart request: operations, map, and the file) in the file store, optionally for a project; at most FILE_MAX_BYTES, one file per request. Larger files stream through POST /files.',
    errors: { types: [NotFound] },
    args: { file: t.arg({ type: 'File', required: true }), projectId: t.arg.id({ required: false }) },
    resolve: async (query, _parent, args, context) => {
      const files = optionalNodeService('files');
      if (!files) throw new Error('This process has no file store');
      const projectId = args.projectId ? parseId(args.projectId, 'project') : null;
      if (projectId && !(await context.prisma.project.findUnique({ where: { id: projectId }, select: { id: true } }))) throw new NotFound('Project', projectId);
      const file = args.file as UploadedFile;
      if (file.size > files.maxBytes) throw fileTooLargeError(new FileTooLarge(files.maxBytes).message);
      try {
        const stored = await files.save(Readable.from([Buffer.from(await file.arrayBuffer())]), { filename: file.name || 'upload', mimeType: file.type, projectId });
        return await context.prisma.storedFile.findUniqueOrThrow({ ...query, where: { id: stored.id } });
      } catch (error) {
        if (error instanceof FileTooLarge) throw fileTooLargeError(error.message);
        if ((error as { code?: string }).code === 'P2003' && projectId) throw new NotFound('Project', projectId);
        throw error;
      }
    },
  }),
}));
