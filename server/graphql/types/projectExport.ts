import { exportProject, type ProjectExport } from '../../projects/exporting';
import { builder } from '../builder';
import { parseId } from '../ids';
import { NotFound } from './problems';

const ProjectExportRef = builder.objectRef<ProjectExport>('ProjectExport').implement({
  description:
    "A project in the reference Weft's export shape (what importProject and `weft import` read), with the values of credential fields (password, api_key) removed from the code.",
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    weftCode: t.exposeString('weftCode', { description: 'The Weft source, credential values replaced by "".' }),
    layoutCode: t.exposeString('layoutCode'),
    loomCode: t.exposeString('loomCode'),
    json: t.string({ description: 'The export as the JSON text of a file.', resolve: (exported) => JSON.stringify(exported, null, 2) }),
  }),
});

builder.queryField('exportProject', (t) =>
  t.field({
    type: ProjectExportRef,
    description: 'A project as the JSON export {name, description, weftCode, layoutCode, loomCode}, credentials stripped.',
    errors: { types: [NotFound] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const id = parseId(args.id, 'project');
      const project = await context.prisma.project.findUnique({ where: { id } });
      if (!project) throw new NotFound('Project', id);
      return exportProject(project);
    },
  }),
);
