import { declaredCredentials, ProjectCredentials } from '../../credentials/store';
import { optionalNodeService } from '../../nodes/services';
import { builder } from '../builder';
import { parseId } from '../ids';
import { InvalidInput, NotFound } from './problems';

interface CredentialView {
  nodeId: string;
  set: boolean;
  inCode: boolean;
  updatedAt: Date | null;
}

const CredentialRef = builder.objectRef<CredentialView>('CredentialStatus').implement({
  description: 'A Credential node of a project: whether its secret is set. The value itself is never returned.',
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    set: t.exposeBoolean('set', { description: 'True once setCredential stored a value (encrypted); the value is never shown.' }),
    inCode: t.exposeBoolean('inCode', { description: "False for a stored value whose node is no longer in the project's code." }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (view) => view.updatedAt }),
  }),
});

function credentials(prisma: ConstructorParameters<typeof ProjectCredentials>[0]): ProjectCredentials {
  const sealer = optionalNodeService('sealer');
  if (!sealer) throw new Error('Credentials need the platform secret, which this process does not have');
  return new ProjectCredentials(prisma, sealer);
}

builder.prismaObjectField('Project', 'credentials', (t) =>
  t.field({
    type: [CredentialRef],
    description: 'Its Credential nodes and whether each has a value (never the value).',
    select: { id: true, code: true, layout: true },
    resolve: async (project, _args, context) => {
      const stored = await credentials(context.prisma).list(project.id);
      const declared = declaredCredentials(project.code, project.layout);
      const views: CredentialView[] = declared.map((nodeId) => {
        const row = stored.find((s) => s.nodeId === nodeId);
        return { nodeId, set: Boolean(row), inCode: true, updatedAt: row?.updatedAt ?? null };
      });
      for (const row of stored) if (!declared.includes(row.nodeId)) views.push({ nodeId: row.nodeId, set: true, inCode: false, updatedAt: row.updatedAt });
      return views;
    },
  }),
);

builder.mutationFields((t) => ({
  setCredential: t.prismaField({
    type: 'Project',
    description: "Stores the secret of a Credential node of the project, encrypted; runs output it (redacted wherever it is recorded or sent).",
    errors: { types: [NotFound, InvalidInput] },
    args: { projectId: t.arg.id({ required: true }), nodeId: t.arg.string({ required: true }), value: t.arg.string({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      const project = await context.prisma.project.findUnique({ where: { id: projectId }, select: { code: true, layout: true } });
      if (!project) throw new NotFound('Project', projectId);
      if (!declaredCredentials(project.code, project.layout).includes(args.nodeId)) {
        throw new InvalidInput(`The project's code has no Credential node "${args.nodeId}"`);
      }
      if (args.value.length === 0 || args.value.length > 65_536) throw new InvalidInput('A credential value is 1 to 65,536 characters');
      await credentials(context.prisma).set(projectId, args.nodeId, args.value);
      return context.prisma.project.findUniqueOrThrow({ ...query, where: { id: projectId } });
    },
  }),
  clearCredential: t.prismaField({
    type: 'Project',
    description: 'Forgets the stored secret of a Credential node.',
    errors: { types: [NotFound] },
    args: { projectId: t.arg.id({ required: true }), nodeId: t.arg.string({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      if (!(await context.prisma.project.findUnique({ where: { id: projectId }, select: { id: true } }))) throw new NotFound('Project', projectId);
      await credentials(context.prisma).clear(projectId, args.nodeId);
      return context.prisma.project.findUniqueOrThrow({ ...query, where: { id: projectId } });
    },
  }),
}));
