/**
 * A project's runner page (its Loom) in GraphQL: `Project.loomCode`, `Project.runnerPage`
 * (the parsed manifest with its bindings and diagnostics), `checkLoom` for an editor's
 * preview, `saveLoomCode`, and `runRunnerPage`, which runs the project with field values as
 * config overrides for that run only (the code is not changed).
 */
import type { Prisma } from '../../db/generated/client';
import { planExecution } from '../../executor/plan';
import type { LoomDiagnostic } from '../../loom/manifest';
import { type FieldView, type LiveView, type OutputView, programOfGraph, type RunnerPage, runnerPageOf } from '../../loom/projectPage';
import type { LoomProgram } from '../../loom/bindings';
import { fieldValue, type FieldValues } from '../../pages/publishedPages';
import { withDefaults } from '../../loom/defaults';
import { type LiveCard, liveCardUpdates, type LiveDataItem } from '../../loom/liveData';
import { recordCodeChange } from '../../versions/history';
import { builder } from '../builder';
import { compileForDisplay } from '../compiled';
import { parseId } from '../ids';
import { InvalidInput, NotFound, ProgramHasErrors } from './problems';

const LoomSeverityEnum = builder.enumType('LoomDiagnosticSeverity', { values: ['error', 'warning'] as const });

export const LoomDiagnosticRef = builder.objectRef<LoomDiagnostic>('LoomDiagnostic').implement({
  description: 'A problem in a Loom page, on its line (from 1): a parse error, or a binding the Weft project does not have.',
  fields: (t) => ({
    severity: t.field({ type: LoomSeverityEnum, resolve: (d) => d.severity }),
    code: t.exposeString('code', { description: 'The kind of problem, e.g. `unexpected-line`, `unknown-node`, `unknown-field`, `unknown-port`.' }),
    message: t.exposeString('message'),
    line: t.exposeInt('line'),
    column: t.exposeInt('column'),
  }),
});

const RunnerFieldRef = builder.objectRef<FieldView>('RunnerField').implement({
  description: "A node config field the page exposes, with what its widget needs from the node's catalog type.",
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    fieldKey: t.exposeString('fieldKey'),
    fieldType: t.exposeString('fieldType', { description: 'The catalog field type: text, textarea, number, checkbox, select, password, api_key, blob, code…' }),
    label: t.exposeString('label', { description: "The catalog field's label (the page's `label:` overrides it)." }),
    options: t.stringList({ nullable: true, resolve: (f) => f.options ?? null }),
    min: t.float({ nullable: true, resolve: (f) => f.min ?? null }),
    max: t.float({ nullable: true, resolve: (f) => f.max ?? null }),
    accept: t.string({ nullable: true, description: 'A file field\'s accepted types, e.g. `image/*`.', resolve: (f) => f.accept ?? null }),
    value: t.field({ type: 'JSON', nullable: true, description: 'Its value in the code (the default a run starts from).', resolve: (f) => f.value ?? null }),
    sensitive: t.exposeBoolean('sensitive', { description: 'A password or API key: shown to the owner only.' }),
  }),
});

const RunnerOutputRef = builder.objectRef<OutputView>('RunnerOutput').implement({
  description: 'A node output the page shows, and the runnable node port that produces it (a group output is set inside the group).',
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    portName: t.exposeString('portName'),
    sourceNodeId: t.string({ nullable: true, resolve: (o) => o.source?.nodeId ?? null }),
    sourcePort: t.string({ nullable: true, resolve: (o) => o.source?.port ?? null }),
  }),
});

const RunnerLiveRef = builder.objectRef<LiveView>('RunnerLive').implement({
  fields: (t) => ({ nodeId: t.exposeString('nodeId'), label: t.exposeString('label') }),
});

export const RunnerModeEnum = builder.enumType('RunnerMode', {
  description: '`admin`: the owner, every admin and both block; `visitor`: a published page, visitor and both blocks, never a secret.',
  values: ['admin', 'visitor'] as const,
});

export const RunnerPageRef = builder.objectRef<RunnerPage>('RunnerPage').implement({
  description: 'A Loom page parsed and bound to its Weft project, as one mode shows it.',
  fields: (t) => ({
    mode: t.field({ type: RunnerModeEnum, resolve: (page) => page.mode }),
    manifest: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The page: {theme, blocks, phases, outputs, liveItems} (see server/loom/manifest.ts); null when there is no Loom block or nothing renderable.',
      resolve: (page) => page.manifest,
    }),
    ok: t.boolean({ description: 'No error among the diagnostics.', resolve: (page) => page.diagnostics.every((d) => d.severity !== 'error') }),
    diagnostics: t.field({ type: [LoomDiagnosticRef], resolve: (page) => page.diagnostics }),
    fields: t.field({ type: [RunnerFieldRef], resolve: (page) => page.fields }),
    outputs: t.field({ type: [RunnerOutputRef], resolve: (page) => page.outputs }),
    live: t.field({ type: [RunnerLiveRef], resolve: (page) => page.live }),
  }),
});

/** The compiled program of some code, shared with the editor's compile cache; null when it cannot be compiled at all. */
export function loomProgramFor(code: string, layout: string): LoomProgram | null {
  try {
    return programOfGraph(compileForDisplay(code, layout).graph);
  } catch {
    return null;
  }
}

export function runnerPageFor(loomCode: string | null, code: string, layout: string, mode: 'admin' | 'visitor'): RunnerPage | null {
  if (!loomCode || loomCode.trim() === '') return null;
  return runnerPageOf(loomCode, loomProgramFor(code, layout), mode);
}

builder.prismaObjectFields('Project', (t) => ({
  loomCode: t.exposeString('loomCode', { nullable: true, description: 'The Loom text of its runner page; null when it has none.' }),
  runnerPage: t.field({
    type: RunnerPageRef,
    nullable: true,
    description: 'Its runner page parsed and checked against its current code; null without Loom. `mode: visitor` previews what a published page shows.',
    args: { mode: t.arg({ type: RunnerModeEnum, required: false, defaultValue: 'admin' }) },
    select: { loomCode: true, code: true, layout: true },
    resolve: (project, args) => runnerPageFor(project.loomCode, project.code, project.layout, args.mode ?? 'admin'),
  }),
}));

builder.queryField('checkLoom', (t) =>
  t.field({
    type: RunnerPageRef,
    nullable: true,
    description: "Parses Loom text against a project's current code (or alone) without saving it: an editor's preview and diagnostics.",
    args: {
      loomCode: t.arg.string({ required: true }),
      projectId: t.arg.id({ required: false }),
      mode: t.arg({ type: RunnerModeEnum, required: false, defaultValue: 'admin' }),
    },
    resolve: async (_root, args, context) => {
      const project = args.projectId
        ? await context.prisma.project.findUnique({ where: { id: parseId(args.projectId, 'project') }, select: { code: true, layout: true } })
        : { code: '', layout: '' };
      if (!project) throw new NotFound('Project', String(args.projectId));
      return runnerPageOf(args.loomCode, args.projectId ? loomProgramFor(project.code, project.layout) : null, args.mode ?? 'admin');
    },
  }),
);

/** Field values given for a run, checked against the fields the page shows in `mode`. */
export function overridesFrom(values: unknown, fields: readonly FieldView[]): FieldValues {
  if (values === undefined || values === null) return {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new InvalidInput('values must be { "<node id>": { "<field>": value } }');
  const overrides: FieldValues = {};
  for (const [nodeId, byField] of Object.entries(values as Record<string, unknown>)) {
    if (typeof byField !== 'object' || byField === null || Array.isArray(byField)) throw new InvalidInput(`values of ${nodeId} must be an object of field values`);
    for (const [fieldKey, value] of Object.entries(byField as Record<string, unknown>)) {
      const field = fields.find((f) => f.nodeId === nodeId && f.fieldKey === fieldKey);
      if (!field) throw new InvalidInput(`${nodeId} ${fieldKey} is not a field of this runner page`);
      const fitted = fieldValue(field, value);
      if ('problem' in fitted) throw new InvalidInput(fitted.problem);
      (overrides[nodeId] ??= {})[fieldKey] = fitted.value;
    }
  }
  return overrides;
}

builder.mutationFields((t) => ({
  saveLoomCode: t.prismaField({
    type: 'Project',
    description: "Saves a project's Loom page (empty text removes it). Text with errors is saved too; `runnerPage.diagnostics` lists them.",
    errors: { types: [NotFound] },
    args: { projectId: t.arg.id({ required: true }), loomCode: t.arg.string({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.projectId, 'project');
      const updated = await context.prisma.project.updateMany({ where: { id }, data: { loomCode: args.loomCode.trim() === '' ? null : args.loomCode } });
      if (updated.count === 0) throw new NotFound('Project', id);
      return context.prisma.project.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  saveRunnerDefaults: t.prismaField({
    type: 'Project',
    description:
      "Writes the runner page's field values into the project's Weft code as the nodes' new defaults (`values` as for runRunnerPage). The new code is compiled again and must give exactly these values, or nothing is saved.",
    errors: { types: [NotFound, InvalidInput] },
    args: { projectId: t.arg.id({ required: true }), values: t.arg({ type: 'JSON', required: true }) },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.projectId, 'project');
      const project = await context.prisma.project.findUnique({ where: { id }, select: { code: true, layout: true, loomCode: true } });
      if (!project) throw new NotFound('Project', id);
      const page = runnerPageFor(project.loomCode, project.code, project.layout, 'admin');
      const written = withDefaults(project.code, overridesFrom(args.values, page?.fields ?? []));
      if ('problem' in written) throw new InvalidInput(written.problem);
      await context.prisma.$transaction(async (tx) => {
        const after = await tx.project.update({ where: { id }, data: { code: written.code }, select: { id: true, code: true, layout: true } });
        await recordCodeChange(tx, after, context.versions);
      });
      return context.prisma.project.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  runRunnerPage: t.prismaField({
    type: 'Execution',
    description:
      "Runs the project's current code with the runner page's field values as config overrides for this run only: `values: { \"<node id>\": { \"<field>\": value } }`. The code is not changed.",
    errors: { types: [NotFound, ProgramHasErrors, InvalidInput] },
    args: { projectId: t.arg.id({ required: true }), values: t.arg({ type: 'JSON', required: false }) },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      const project = await context.prisma.project.findUnique({ where: { id: projectId }, select: { code: true, layout: true, loomCode: true } });
      if (!project) throw new NotFound('Project', projectId);
      const page = runnerPageFor(project.loomCode, project.code, project.layout, 'admin');
      const overrides = overridesFrom(args.values, page?.fields ?? []);
      const plan = planExecution({ code: project.code, layout: project.layout, configOverrides: overrides });
      if (!plan.ok) throw plan.diagnostics ? new ProgramHasErrors(plan.error, plan.diagnostics) : new InvalidInput(plan.error);
      const started = await context.executions.start({
        projectId,
        trigger: 'Manual',
        triggeredBy: 'runner page',
        configOverrides: overrides as Prisma.InputJsonValue,
      });
      return context.prisma.execution.findUniqueOrThrow({ ...query, where: { id: started.id } });
    },
  }),
}));

const LiveDataItemRef = builder.objectRef<LiveDataItem>('LiveDataItem').implement({
  description: 'One line of a live card: `text` (a label and a value), `image` (a data URI), `progress` (0 to 1) or `time` (an ISO instant).',
  fields: (t) => ({
    type: t.exposeString('type'),
    label: t.exposeString('label'),
    data: t.field({ type: 'JSON', resolve: (item) => item.data }),
  }),
});

const LiveCardRef = builder.objectRef<LiveCard>('RunnerLiveCard').implement({
  description: "An infrastructure node's live data, as a runner page's `live` card shows it.",
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    nodeType: t.exposeString('nodeType'),
    state: t.exposeString('state', { description: '`not_started`, `running` or `stopped`.' }),
    items: t.field({ type: [LiveDataItemRef], resolve: (card) => card.items }),
  }),
});

builder.subscriptionField('runnerLiveData', (t) =>
  t.field({
    type: [LiveCardRef],
    description:
      "The live data of a project's infrastructure nodes for its runner page's `live` cards: now, then each time it changes (started, stopped, terminated, or written by a run). Pushed, never polled.",
    args: { projectId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      if (!(await context.prisma.project.findUnique({ where: { id: projectId }, select: { id: true } }))) throw new NotFound('Project', projectId);
      return liveCardUpdates(context.prisma, context.events, context.infraChanges, projectId);
    },
    resolve: (cards) => cards,
  }),
);
