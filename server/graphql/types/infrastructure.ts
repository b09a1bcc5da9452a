import type { InfraInstance } from '../../db/generated/client';
import { declaredInfrastructure, endpointUrlOf, InfraInstances, InfraUnavailable } from '../../infra/instances';
import { builder } from '../builder';
import { parseId } from '../ids';
import { InvalidInput, NotFound } from './problems';

/** One infrastructure node of a project: declared in its current code, provisioned, or both. */
interface InfrastructureView {
  projectId: string;
  nodeId: string;
  nodeType: string;
  inCode: boolean;
  instance?: InfraInstance;
}

const InfrastructureStateEnum = builder.enumType('InfrastructureState', {
  description: '`not_started`: never provisioned, or terminated (no data); `running`: runs may use it; `stopped`: its data is kept, runs using it fail until it is started.',
  values: ['not_started', 'running', 'stopped'] as const,
});

const InfrastructureRef = builder.objectRef<InfrastructureView>('InfrastructureNode').implement({
  description: 'An infrastructure node (PostgresDatabase) of a project: a resource that lives across runs and restarts, started, stopped and terminated by hand.',
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    nodeType: t.exposeString('nodeType'),
    state: t.field({ type: InfrastructureStateEnum, resolve: (view) => view.instance?.state ?? 'not_started' }),
    inCode: t.exposeBoolean('inCode', { description: "False for an instance whose node is no longer in the project's code (terminate it to drop its data)." }),
    instanceId: t.string({ nullable: true, description: 'Output instanceId, once provisioned.', resolve: (view) => view.instance?.instanceId ?? null }),
    endpointUrl: t.string({
      nullable: true,
      description: 'Output endpointUrl, once provisioned: what Memory nodes take; resolved inside the platform, not a network address.',
      resolve: (view) => (view.instance ? endpointUrlOf(view.instance) : null),
    }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (view) => view.instance?.startedAt ?? null }),
    stoppedAt: t.field({ type: 'DateTime', nullable: true, resolve: (view) => view.instance?.stoppedAt ?? null }),
  }),
});

async function infrastructureOf(instances: InfraInstances, project: { id: string; code: string; layout: string }): Promise<InfrastructureView[]> {
  const rows = await instances.list(project.id);
  const declared = declaredInfrastructure(project.code, project.layout);
  const views: InfrastructureView[] = declared.map((d) => ({ projectId: project.id, ...d, inCode: true, instance: rows.find((row) => row.nodeId === d.nodeId) }));
  for (const row of rows) {
    if (!declared.some((d) => d.nodeId === row.nodeId)) views.push({ projectId: project.id, nodeId: row.nodeId, nodeType: row.nodeType, inCode: false, instance: row });
  }
  return views.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}

builder.prismaObjectField('Project', 'infrastructure', (t) =>
  t.field({
    type: [InfrastructureRef],
    description: 'Its infrastructure nodes and their state.',
    select: { id: true, code: true, layout: true },
    resolve: (project, _args, context) => infrastructureOf(new InfraInstances(context.prisma), project),
  }),
);

type Lifecycle = 'start' | 'stop' | 'terminate';
const descriptions: Record<Lifecycle, string> = {
  start: "Provisions the project's infrastructure nodes (all of them, or nodeId) from its current code, or starts stopped ones again with their data.",
  stop: 'Stops them: data is kept, runs that use them fail with a message saying how to start them.',
  terminate: 'Drops them and their data; starting again gives empty ones.',
};

for (const action of ['start', 'stop', 'terminate'] as const) {
  builder.mutationField(`${action}Infrastructure`, (t) =>
    t.prismaField({
      type: 'Project',
      description: descriptions[action],
      errors: { types: [NotFound, InvalidInput] },
      args: { projectId: t.arg.id({ required: true }), nodeId: t.arg.string({ required: false }) },
      resolve: async (query, _parent, args, context) => {
        const projectId = parseId(args.projectId, 'project');
        if (!(await context.prisma.project.findUnique({ where: { id: projectId }, select: { id: true } }))) throw new NotFound('Project', projectId);
        const instances = new InfraInstances(context.prisma);
        try {
          await instances[action](projectId, args.nodeId ?? undefined);
        } catch (error) {
          if (error instanceof InfraUnavailable) throw new InvalidInput(error.message);
          throw error;
        }
        return context.prisma.project.findUniqueOrThrow({ ...query, where: { id: projectId } });
      },
    }),
  );
}
