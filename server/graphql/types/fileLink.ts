import { optionalNodeService } from '../../nodes/services';
import { builder } from '../builder';
import { parseId } from '../ids';

builder.queryFields((t) => ({
  fileDownloadUrl: t.string({
    nullable: true,
    description:
      'A fresh signed download link (FILE_URL_TTL_SECONDS) of a stored file, for a media value whose own link has expired; ' +
      'null when the file is gone or this process has no file store.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_parent, args, context) => {
      const files = optionalNodeService('files');
      if (!files) return null;
      const id = parseId(args.id, 'file');
      const file = await context.prisma.storedFile.findUnique({ where: { id }, select: { id: true } });
      return file ? files.links.signedPath(file.id) : null;
    },
  }),
}));
