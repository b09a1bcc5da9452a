/**
 * Published runner pages. The owner publishes a project's page under a slug (a pinned
 * version: later edits change nothing until it is published again), pauses or unpublishes
 * it. Anyone, without a token, may open it (`publishedPage`), run it (`runPublishedPage`,
 * only allow-listed fields merged, per-page rate limit and size limit) and follow their own
 * run's visible outputs (`publishedPageRun`, with the run token only their run returned).
 * None of these public types leads to a project, an execution, code or another run.
 */
import { GraphQLError } from 'graphql';
import type { Prisma, PublishedPage, TriggerKind } from '../../db/generated/client';
import type { ExecutionEvent } from '../../events/types';
import { planExecution } from '../../executor/plan';
import { allowlistOf, type RunnerPage, runnerPageOf } from '../../loom/projectPage';
import type { VisitorAllowlist } from '../../loom/visibility';
import { outputStates, type NodeRunLike, type OutputState } from '../../loom/runOutputs';
import { mergeVisitorValues, slugProblem } from '../../pages/publishedPages';
import { pageFilesPathPrefix } from '../../pages/uploads';
import { optionalNodeService } from '../../nodes/services';
import type { FieldView } from '../../loom/projectPage';
import { builder } from '../builder';
import type { GraphQLContext } from '../context';
import { parseId } from '../ids';
import { ExecutionStatusEnum } from './enums';
import { InvalidInput, NotFound, Problem, ProblemInterface, ProgramHasErrors } from './problems';
import { loomProgramFor, RunnerPageRef } from './runnerPage';

export class PageUnavailable extends Problem {
  readonly code = 'PAGE_UNAVAILABLE';
  constructor() {
    super('This page is temporarily unavailable');
  }
}

export class RateLimited extends Problem {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`This page has had all the runs it allows this minute; try again in ${retryAfterSeconds} s`);
  }
}

builder.objectType(PageUnavailable, {
  name: 'PageUnavailable',
  description: 'The page is paused by its owner.',
  interfaces: [ProblemInterface],
});

builder.objectType(RateLimited, {
  name: 'RateLimited',
  description: 'The page has used up the runs a minute its owner allows.',
  interfaces: [ProblemInterface],
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds') }),
});

const PageStateEnum = builder.enumType('PublishedPageState', {
  description: '`live`: anyone with the URL can open and run it; `paused`: it says "Temporarily unavailable" and refuses runs.',
  values: ['live', 'paused'] as const,
});

export const pagePath = (slug: string) => `/p/${slug}`;

/** The visitor's view of a page, from its pinned copy. */
export function visitorPageOf(page: Pick<PublishedPage, 'loomCode' | 'code' | 'layout'>): RunnerPage {
  return runnerPageOf(page.loomCode, loomProgramFor(page.code, page.layout), 'visitor');
}

builder.prismaObject('PublishedPage', {
  description: "A project's runner page published at /p/<slug>: a pinned copy of its code and Loom.",
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    path: t.string({ description: 'Where it is served: `/p/<slug>`.', resolve: (page) => pagePath(page.slug) }),
    state: t.field({ type: PageStateEnum, resolve: (page) => page.state }),
    runsPerMinute: t.exposeInt('runsPerMinute', { description: 'Visitor runs a minute it allows (capped by PAGE_MAX_RUNS_PER_MINUTE).' }),
    views: t.exposeInt('views', { description: 'How often it was opened.' }),
    showLatestTriggerRun: t.exposeBoolean('showLatestTriggerRun', {
      description: "Visitors see the outputs of the project's latest trigger-fired run (Cron, webhook, HumanTrigger, Rss), live, until they run the page themselves.",
    }),
    publishedAt: t.expose('publishedAt', { type: 'DateTime' }),
    project: t.relation('project'),
    version: t.relation('version', { nullable: true, description: 'The version of the code its runs execute.' }),
    visitorPage: t.field({ type: RunnerPageRef, description: 'What a visitor sees of it.', resolve: (page) => visitorPageOf(page) }),
  }),
});

builder.prismaObjectFields('Project', (t) => ({
  publishedPages: t.relation('publishedPages', { description: 'Where its runner page is published.' }),
}));

interface PublicPage {
  page: PublishedPage;
}

const PublicPageRef = builder.objectRef<PublicPage>('PublicPage').implement({
  description: 'A published page as anyone may see it: its name, whether it runs, and its visitor blocks (never its code, hidden fields or secrets).',
  fields: (t) => ({
    slug: t.string({ resolve: ({ page }) => page.slug }),
    name: t.string({ resolve: ({ page }) => page.name }),
    description: t.string({ resolve: ({ page }) => page.description }),
    available: t.boolean({ description: 'False while the owner has paused it.', resolve: ({ page }) => page.state === 'live' }),
    showsLatestTriggerRun: t.boolean({
      description: "Whether it shows the latest trigger-fired run's visible outputs to every visitor (follow them with `publishedPageLatestRun`).",
      resolve: ({ page }) => page.showLatestTriggerRun,
    }),
    runner: t.field({ type: RunnerPageRef, nullable: true, resolve: ({ page }) => (page.state === 'live' ? visitorPageOf(page) : null) }),
  }),
});

interface PageRun {
  runId: string;
  runToken: string;
  status: string;
}

const PageRunRef = builder.objectRef<PageRun>('PageRun').implement({
  description: "A visitor's run of a published page. Keep `runToken`: `publishedPageRun(runToken:)` follows this run, and only this one.",
  fields: (t) => ({
    runId: t.exposeID('runId'),
    runToken: t.exposeString('runToken'),
    status: t.field({ type: ExecutionStatusEnum, resolve: (run) => run.status as never }),
  }),
});

const PageRunOutputRef = builder.objectRef<OutputState>('PageRunOutput').implement({
  description: 'One output block of the page: the status of the node that produces it, its value, and its error if it failed.',
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    portName: t.exposeString('portName'),
    status: t.exposeString('status'),
    value: t.field({ type: 'JSON', nullable: true, resolve: (o) => o.value ?? null }),
    error: t.string({ nullable: true, resolve: (o) => o.error }),
  }),
});

interface PageRunUpdate {
  runId: string;
  status: string;
  outputs: OutputState[];
}

const PageRunUpdateRef = builder.objectRef<PageRunUpdate>('PageRunUpdate').implement({
  description: "A visitor's run as it goes: its status and the page's visible outputs, each time one of them changes.",
  fields: (t) => ({
    runId: t.exposeID('runId'),
    status: t.field({ type: ExecutionStatusEnum, resolve: (u) => u.status as never }),
    outputs: t.field({ type: [PageRunOutputRef], resolve: (u) => u.outputs }),
  }),
});

function liveOrUnavailable(page: PublishedPage | null, slug: string): PublishedPage {
  if (!page) throw new NotFound('Page', slug);
  if (page.state !== 'live') throw new PageUnavailable();
  return page;
}

function slugOf(raw: string): string {
  const slug = raw.trim();
  const problem = slugProblem(slug);
  if (problem) throw new InvalidInput(problem);
  return slug;
}

async function pageBySlug(context: GraphQLContext, slug: string): Promise<PublishedPage> {
  const page = await context.prisma.publishedPage.findUnique({ where: { slug } });
  if (!page) throw new NotFound('Page', slug);
  return page;
}

builder.queryField('publishedPage', (t) =>
  t.field({
    type: PublicPageRef,
    nullable: true,
    description: 'A published page by its slug, for anyone (no token needed); null when there is none. Counts a view.',
    args: { slug: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      if (slugProblem(args.slug)) return null;
      const page = await context.prisma.publishedPage.update({ where: { slug: args.slug }, data: { views: { increment: 1 } } }).catch(() => null);
      return page ? { page } : null;
    },
  }),
);

builder.mutationFields((t) => ({
  publishPage: t.prismaField({
    type: 'PublishedPage',
    description:
      "Publishes the project's runner page at /p/<slug>, pinned to a version of its current code and Loom (publishing the same slug again re-pins it). Slugs: 3–63 of a–z, 0–9 and single inner hyphens, not reserved.",
    errors: { types: [NotFound, InvalidInput, ProgramHasErrors] },
    args: {
      projectId: t.arg.id({ required: true }),
      slug: t.arg.string({ required: true }),
      runsPerMinute: t.arg.int({ required: false, description: 'Visitor requests (runs and uploads) a minute (default PAGE_RUNS_PER_MINUTE, at most PAGE_MAX_RUNS_PER_MINUTE).' }),
      showLatestTriggerRun: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: "Show every visitor the latest trigger-fired run's visible outputs, live (LOOM.md's trigger broadcast), until they run it themselves.",
      }),
    },
    resolve: async (query, _parent, args, context) => {
      const projectId = parseId(args.projectId, 'project');
      const slug = slugOf(args.slug);
      const project = await context.prisma.project.findUnique({ where: { id: projectId } });
      if (!project) throw new NotFound('Project', projectId);
      if (!project.loomCode || !runnerPageOf(project.loomCode, null, 'visitor').manifest) {
        throw new InvalidInput('The project has no runner page to publish: write its Loom first');
      }
      const plan = planExecution({ code: project.code, layout: project.layout });
      if (!plan.ok) throw plan.diagnostics ? new ProgramHasErrors(plan.error, plan.diagnostics) : new InvalidInput(plan.error);
      const taken = await context.prisma.publishedPage.findUnique({ where: { slug }, select: { projectId: true } });
      if (taken && taken.projectId !== projectId) throw new InvalidInput(`The slug "${slug}" is another project's page; unpublish it there first or choose another`);
      const allowlist: VisitorAllowlist = allowlistOf(project.loomCode, loomProgramFor(project.code, project.layout));
      const runsPerMinute = context.pages.runsPerMinute(args.runsPerMinute);
      const page = await context.prisma.$transaction(async (tx) => {
        const version = await tx.version.create({
          data: { projectId, kind: 'manual', label: `Published at ${pagePath(slug)}`, code: project.code, layout: project.layout },
        });
        const data = {
          projectId, versionId: version.id, name: project.name, description: project.description, code: project.code, layout: project.layout,
          loomCode: project.loomCode!, allowlist: allowlist as unknown as Prisma.InputJsonValue, state: 'live' as const, runsPerMinute, publishedAt: new Date(),
          showLatestTriggerRun: args.showLatestTriggerRun ?? false,
        };
        return tx.publishedPage.upsert({ where: { slug }, create: { slug, ...data }, update: data, select: { id: true } });
      });
      return context.prisma.publishedPage.findUniqueOrThrow({ ...query, where: { id: page.id } });
    },
  }),
  pausePage: t.prismaField({
    type: 'PublishedPage',
    description: 'Pauses a published page (visitors see "Temporarily unavailable" and cannot run it), or resumes it with `paused: false`.',
    errors: { types: [NotFound] },
    args: { slug: t.arg.string({ required: true }), paused: t.arg.boolean({ required: false, defaultValue: true }) },
    resolve: async (query, _parent, args, context) => {
      const page = await pageBySlug(context, args.slug);
      await context.prisma.publishedPage.update({ where: { id: page.id }, data: { state: args.paused === false ? 'live' : 'paused' } });
      return context.prisma.publishedPage.findUniqueOrThrow({ ...query, where: { id: page.id } });
    },
  }),
  unpublishPage: t.prismaField({
    type: 'PublishedPage',
    description: 'Removes a published page: its URL says "Page not found" from now on. Its runs stay in the executions list.',
    errors: { types: [NotFound] },
    args: { slug: t.arg.string({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const page = await pageBySlug(context, args.slug);
      const removed = await context.prisma.publishedPage.findUniqueOrThrow({ ...query, where: { id: page.id } });
      await context.prisma.publishedPage.delete({ where: { id: page.id } });
      return removed;
    },
  }),
  runPublishedPage: t.field({
    type: PageRunRef,
    description:
      "Runs a published page for anyone (no token needed): its pinned code, with the visitor's values for the page's visitor fields only (`values: { \"<node id>\": { \"<field>\": value } }`). Any other field is refused. Limited per page per minute and by PAGE_MAX_RUN_BYTES.",
    errors: { types: [NotFound, PageUnavailable, RateLimited, InvalidInput] },
    args: { slug: t.arg.string({ required: true }), values: t.arg({ type: 'JSON', required: false }) },
    resolve: async (_parent, args, context) => {
      const size = args.values === undefined || args.values === null ? 0 : Buffer.byteLength(JSON.stringify(args.values));
      if (size > context.pages.limits.maxRunBytes) {
        throw new InvalidInput(`The values are ${size} bytes; a page run takes at most ${context.pages.limits.maxRunBytes}`);
      }
      const page = liveOrUnavailable(slugProblem(args.slug) ? null : await context.prisma.publishedPage.findUnique({ where: { slug: args.slug } }), args.slug);
      const fileValue = (field: FieldView, given: unknown) => {
        const upload = context.pages.uploadOf(page.id, field.nodeId, field.fieldKey, given);
        const files = optionalNodeService('files');
        if (!upload || !files) return { problem: `${field.nodeId} ${field.fieldKey} takes a file uploaded to this page's field (POST ${pageFilesPathPrefix}${page.slug})` };
        return { value: { url: files.links.signedPath(upload.file_id), ...upload } };
      };
      const merged = mergeVisitorValues(args.values, page.allowlist as unknown as VisitorAllowlist, visitorPageOf(page).fields, fileValue);
      if ('problem' in merged) throw new InvalidInput(merged.problem);
      if (!page.versionId) throw new PageUnavailable();
      const allowed = await context.pages.rateLimiter.take(page.id, page.runsPerMinute, 'run');
      if (!allowed.ok) throw new RateLimited(allowed.retryAfterSeconds);
      const started = await context.executions.start({
        projectId: page.projectId,
        versionId: page.versionId,
        trigger: 'Page',
        triggeredBy: pagePath(page.slug),
        configOverrides: merged.overrides as Prisma.InputJsonValue,
        pageId: page.id,
      });
      return { runId: started.id, runToken: context.pages.runTokenFor(started.id), status: started.status };
    },
  }),
}));

/** A run's node runs as a page shows them: only the nodes its visible outputs come from. */
class VisibleRun {
  private readonly runs = new Map<string, NodeRunLike>();
  private readonly watched: Set<string>;
  private last = '';
  status = 'pending';

  constructor(
    readonly runId: string,
    private readonly page: RunnerPage,
  ) {
    this.watched = new Set(page.outputs.flatMap((o) => (o.source ? [o.source.nodeId] : [])));
  }

  record(run: NodeRunLike): void {
    if (this.watched.has(run.nodeId)) this.runs.set(`${run.nodeId}[${run.lane.join('.')}]`, { nodeId: run.nodeId, lane: run.lane, status: run.status, output: run.output, error: run.error });
  }

  /** The update to send, or undefined when nothing a visitor sees has changed since the last one. */
  update(): PageRunUpdate | undefined {
    const update = { runId: this.runId, status: this.status, outputs: outputStates(this.page.outputs, this.runs.values()) };
    const text = JSON.stringify(update);
    if (text === this.last) return undefined;
    this.last = text;
    return update;
  }
}

/** Folds a run's events into the page's visible outputs, yielding an update whenever they (or the run's status) change. */
async function* visibleUpdates(events: AsyncIterable<ExecutionEvent>, runId: string, page: RunnerPage): AsyncGenerator<PageRunUpdate> {
  const run = new VisibleRun(runId, page);
  for await (const event of events) {
    run.status = event.execution.status;
    if (event.kind === 'nodeRun') run.record(event.nodeRun);
    const update = run.update();
    if (update) yield update;
  }
}

/** Runs a trigger started (not a person: Manual, Rerun and Page runs are not broadcast). */
export const triggerFiredKinds: readonly TriggerKind[] = ['Cron', 'ApiPost', 'HumanTrigger', 'Rss'];

/**
 * The page's visible outputs of its project's latest trigger-fired run: that run first (as far as
 * it got), then every change, and each newer trigger-fired run as soon as it starts. Never ends.
 */
async function* latestTriggerRunUpdates(context: GraphQLContext, page: PublishedPage): AsyncGenerator<PageRunUpdate> {
  const visible = visitorPageOf(page);
  const feed = context.events.allEvents(); // first, so that nothing committed while the latest run is read is missed
  try {
    const latest = await context.prisma.execution.findFirst({
      where: { projectId: page.projectId, trigger: { in: [...triggerFiredKinds] } },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      select: { id: true, status: true, startedAt: true, nodeRuns: { select: { nodeId: true, lane: true, status: true, output: true, error: true } } },
    });
    let current: VisibleRun | undefined;
    let currentStart = 0;
    if (latest) {
      current = new VisibleRun(latest.id, visible);
      current.status = latest.status;
      currentStart = latest.startedAt.getTime();
      for (const run of latest.nodeRuns) current.record(run);
      const update = current.update();
      if (update) yield update;
    }
    for await (const event of feed) {
      const execution = event.execution;
      if (execution.projectId !== page.projectId || !triggerFiredKinds.includes(execution.trigger)) continue;
      if (!current || execution.id !== current.runId) {
        const started = new Date(execution.startedAt).getTime();
        if (current && started < currentStart) continue; // an older run still finishing
        current = new VisibleRun(execution.id, visible);
        currentStart = started;
      }
      current.status = execution.status;
      if (event.kind === 'nodeRun') current.record(event.nodeRun);
      const update = current.update();
      if (update) yield update;
    }
  } finally {
    await feed.return?.();
  }
}

builder.subscriptionField('publishedPageLatestRun', (t) =>
  t.field({
    type: PageRunUpdateRef,
    description:
      "For anyone, on a page published with showLatestTriggerRun: the visible outputs of its project's latest trigger-fired run, live as each node commits, and each newer such run as it starts (the same for every visitor).",
    args: { slug: t.arg.string({ required: true }) },
    subscribe: async (_root, args, context) => {
      const page = slugProblem(args.slug) ? null : await context.prisma.publishedPage.findUnique({ where: { slug: args.slug } });
      if (!page || page.state !== 'live' || !page.showLatestTriggerRun) {
        throw new GraphQLError('This page does not show trigger runs', { extensions: { code: 'NOT_FOUND' } });
      }
      return latestTriggerRunUpdates(context, page);
    },
    resolve: (update) => update,
  }),
);

builder.subscriptionField('publishedPageRun', (t) =>
  t.field({
    type: PageRunUpdateRef,
    description:
      "Follows a visitor's own run of a published page (for anyone holding its run token): the run's status and the page's visible outputs, live as each node commits. Completes when the run ends.",
    args: { runToken: t.arg.string({ required: true }) },
    subscribe: async (_root, args, context) => {
      const executionId = context.pages.executionOf(args.runToken);
      const execution = executionId
        ? await context.prisma.execution.findUnique({ where: { id: executionId }, select: { id: true, page: true } })
        : null;
      if (!execution?.page) throw new GraphQLError('This run token is not valid', { extensions: { code: 'NOT_FOUND' } });
      return visibleUpdates(context.events.executionEvents(execution.id, 0), execution.id, visitorPageOf(execution.page));
    },
    resolve: (update) => update,
  }),
);
