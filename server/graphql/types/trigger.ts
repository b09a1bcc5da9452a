import { TriggerState } from '../../db/generated/enums';
import type { Execution, Trigger } from '../../db/generated/client';
import { configOf, cronScheduleOf, formOf, TriggerProblem } from '../../triggers/triggers';
import { webhookPathPrefix } from '../../triggers/webhook';
import { builder } from '../builder';
import { parseId } from '../ids';
import type { Connection } from '../keyset';
import { ExecutionRef, executionsPage } from './execution';
import { TriggerKindEnum } from './enums';
import { InvalidAnswer, InvalidInput, NotFound, Problem, ProblemInterface, ProgramHasErrors } from './problems';

const TriggerStateEnum = builder.enumType(TriggerState, {
  name: 'TriggerState',
  description: '`active` triggers start runs; `error` ones cannot (their `error` says why).',
});

/** The trigger exists but is not active, so it starts nothing. */
export class TriggerInactive extends Problem {
  readonly code = 'TRIGGER_INACTIVE';
}

builder.objectType(TriggerInactive, {
  name: 'TriggerInactive',
  description: 'The trigger is inactive (or in error): activate it first.',
  interfaces: [ProblemInterface],
});

/** The node's config as shown to anyone who may read the project, without its secret. */
function visibleConfig(trigger: Trigger) {
  const { apiKey, ...config } = configOf(trigger);
  return apiKey === undefined ? config : { ...config, apiKey: '(set)' };
}

export const TriggerRef = builder.prismaObject('Trigger', {
  description:
    "A trigger node (Cron, ApiPost, HumanTrigger) of a project, as it was when last activated: active triggers start runs of that version of the code.",
  fields: (t) => ({
    id: t.exposeID('id'),
    nodeId: t.exposeString('nodeId'),
    kind: t.expose('kind', { type: TriggerKindEnum }),
    state: t.expose('state', { type: TriggerStateEnum }),
    error: t.exposeString('error', { nullable: true, description: 'Why it is in the `error` state.' }),
    config: t.field({ type: 'JSON', description: "The node's config when it was activated (an apiKey shows as \"(set)\").", resolve: visibleConfig }),
    outputs: t.expose('outputs', { type: 'JSON', description: 'Its output ports: `[{ name, type, optional }]`.' }),
    cron: t.string({
      nullable: true,
      description: 'Cron triggers: the expression.',
      resolve: (trigger) => (trigger.kind === 'Cron' ? cronScheduleOf(trigger).expression : null),
    }),
    timezone: t.exposeString('timezone', { nullable: true, description: 'Cron triggers: the IANA time zone the expression is read in.' }),
    webhookPath: t.string({
      nullable: true,
      description: 'ApiPost triggers: where to POST (`/webhooks/<id>`).',
      resolve: (trigger) => (trigger.kind === 'ApiPost' ? `${webhookPathPrefix}${trigger.id}` : null),
    }),
    form: t.field({
      type: 'JSON',
      nullable: true,
      description: 'HumanTrigger triggers: the form to fill in to start a run (same shape as a HumanTask form).',
      resolve: (trigger) => (trigger.kind === 'HumanTrigger' && trigger.state !== 'error' ? formOf(trigger) : null),
    }),
    activatedAt: t.expose('activatedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    project: t.relation('project'),
    version: t.relation('version', { nullable: true, description: 'The code its runs execute.' }),
    executions: t.connection(
      {
        type: ExecutionRef,
        description: 'The runs it started, newest first (keyset on the (startedAt, id) index).',
        resolve: (trigger, args, context, info) => executionsPage(context, info, args, { triggerId: trigger.id }),
      },
      { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => (connection as unknown as Connection<Execution>).totalCount() }) }) },
    ),
  }),
});

builder.prismaObjectField('Project', 'triggers', (t) =>
  t.relation('triggers', { description: 'Its trigger nodes, as last activated.', query: { orderBy: { nodeId: 'asc' } } }),
);

builder.prismaObjectFields('Execution', (t) => ({
  triggerId: t.exposeID('triggerId', { nullable: true, description: 'The trigger that started it; null for manual runs and re-runs.' }),
  triggerSource: t.relation('triggerSource', { nullable: true, description: 'The trigger that started it.' }),
}));

builder.queryFields((t) => ({
  trigger: t.prismaField({
    type: 'Trigger',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.trigger.findUnique({ ...query, where: { id: parseId(args.id, 'trigger') } }),
  }),
  humanTriggerForms: t.prismaField({
    type: ['Trigger'],
    description: 'Active HumanTrigger forms, to start a run by filling one in (submitHumanTrigger); `form` holds the fields.',
    args: { projectId: t.arg.id({ required: false }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.trigger.findMany({
        ...query,
        where: { kind: 'HumanTrigger', state: 'active', projectId: args.projectId ? parseId(args.projectId, 'project') : undefined },
        orderBy: [{ projectId: 'asc' }, { nodeId: 'asc' }],
      }),
  }),
}));

/** The domain's refusals as the API's typed problems. */
function asProblem(error: unknown): unknown {
  if (!(error instanceof TriggerProblem)) return error;
  switch (error.kind) {
    case 'not found':
      return new NotFound(error.missing?.what ?? 'Trigger', error.missing?.id ?? '');
    case 'program has errors':
      return new ProgramHasErrors(error.message, error.diagnostics ?? []);
    case 'inactive':
      return new TriggerInactive(error.message);
    default:
      return new InvalidInput(error.message);
  }
}

async function refusingWithProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asProblem(error);
  }
}

builder.mutationFields((t) => ({
  activateTriggers: t.prismaField({
    type: 'Project',
    description:
      "Takes the trigger nodes of the project's current code and turns them on: Cron schedules start, webhooks and HumanTrigger forms accept runs. Runs execute this version of the code until the triggers are activated again.",
    errors: { types: [NotFound, ProgramHasErrors] },
    args: { projectId: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      await refusingWithProblems(() => context.triggers.activateProject(projectId));
      return context.prisma.project.findUniqueOrThrow({ ...query, where: { id: projectId } });
    },
  }),
  deactivateTriggers: t.prismaField({
    type: 'Project',
    description: "Turns all of the project's triggers off.",
    errors: { types: [NotFound] },
    args: { projectId: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      await refusingWithProblems(() => context.triggers.deactivateProject(projectId));
      return context.prisma.project.findUniqueOrThrow({ ...query, where: { id: projectId } });
    },
  }),
  activateTrigger: t.prismaField({
    type: 'Trigger',
    description: "Turns one trigger on, refreshed from the project's current code.",
    errors: { types: [NotFound, ProgramHasErrors, InvalidInput] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const trigger = await refusingWithProblems(() => context.triggers.activate(parseId(args.id, 'trigger')));
      return context.prisma.trigger.findUniqueOrThrow({ ...query, where: { id: trigger.id } });
    },
  }),
  deactivateTrigger: t.prismaField({
    type: 'Trigger',
    description: 'Turns one trigger off.',
    errors: { types: [NotFound] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const trigger = await refusingWithProblems(() => context.triggers.deactivate(parseId(args.id, 'trigger')));
      return context.prisma.trigger.findUniqueOrThrow({ ...query, where: { id: trigger.id } });
    },
  }),
  submitHumanTrigger: t.prismaField({
    type: 'Execution',
    description: "Fills in an active HumanTrigger's form: the answer is checked against its fields, then a run starts with the answers as the node's outputs.",
    errors: { types: [NotFound, TriggerInactive, InvalidAnswer] },
    args: {
      triggerId: t.arg.id({ required: true }),
      answer: t.arg({ type: 'JSON', required: true, description: '`{ "<field key>": value, … }`' }),
      submittedBy: t.arg.string({ required: false }),
    },
    resolve: async (query, _parent, args, context) => {
      const triggerId = parseId(args.triggerId, 'trigger');
      const submitted = await refusingWithProblems(() => context.triggers.submitForm(triggerId, args.answer, args.submittedBy ?? 'form'));
      if (!submitted.ok) throw new InvalidAnswer(submitted.problems);
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: submitted.execution.id } });
    },
  }),
}));
