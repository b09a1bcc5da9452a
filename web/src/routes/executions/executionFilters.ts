import type { ExecutionFilter, ExecutionStatus, TriggerKind } from '../../graphql/generated/graphql';

export const executionStatuses: readonly ExecutionStatus[] = [
  'pending', 'running', 'waiting_for_input', 'paused', 'completed', 'failed', 'cancelled',
];

export const triggerLabels: Readonly<Record<TriggerKind, string>> = {
  Manual: 'Manual', Cron: 'Cron', ApiPost: 'ApiPost', HumanTrigger: 'HumanTrigger', Rerun: 'Re-run', Page: 'Page', Rss: 'Rss',
};
export const triggerKinds = Object.keys(triggerLabels) as TriggerKind[];

/** Relative ranges of start time; `custom` uses `from` and `to`. */
export const startedWithin = { '': 'Any time', '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', custom: 'Custom range…' } as const;
export type StartedWithin = keyof typeof startedWithin;
const withinMs: Record<Exclude<StartedWithin, '' | 'custom'>, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };

/** The filters of the executions list as they stand in the URL, so a reload or a shared link keeps them. */
export interface ExecutionFilters {
  projectId: string;
  statuses: ExecutionStatus[];
  triggers: TriggerKind[];
  within: StartedWithin;
  /** `datetime-local` values (local time), for a custom range. */
  from: string;
  to: string;
  errorsOnly: boolean;
}

export function readFilters(params: URLSearchParams): ExecutionFilters {
  const within = params.get('within') ?? '';
  return {
    projectId: params.get('project') ?? '',
    statuses: params.getAll('status').filter((status): status is ExecutionStatus => executionStatuses.includes(status as ExecutionStatus)),
    triggers: params.getAll('trigger').filter((trigger): trigger is TriggerKind => trigger in triggerLabels),
    within: within in startedWithin ? (within as StartedWithin) : '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    errorsOnly: params.get('errors') === 'only',
  };
}

export function writeFilters(filters: ExecutionFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.projectId) params.set('project', filters.projectId);
  filters.statuses.forEach((status) => params.append('status', status));
  filters.triggers.forEach((trigger) => params.append('trigger', trigger));
  if (filters.within) params.set('within', filters.within);
  if (filters.within === 'custom' && filters.from) params.set('from', filters.from);
  if (filters.within === 'custom' && filters.to) params.set('to', filters.to);
  if (filters.errorsOnly) params.set('errors', 'only');
  return params;
}

export function hasFilters(filters: ExecutionFilters): boolean {
  return writeFilters(filters).size > 0;
}

function isoOrUndefined(localDateTime: string): string | undefined {
  const at = localDateTime ? new Date(localDateTime) : null;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined;
}

/**
 * The API filter for the list. The live feed leaves out the statuses: an execution that
 * leaves a chosen status still sends its change, so its row shows where it went instead of
 * freezing; new executions are checked against the statuses on arrival (`matchesStatuses`).
 */
export function toExecutionFilter(filters: ExecutionFilters, now: number, { withStatuses = true } = {}): ExecutionFilter {
  const startedFrom = filters.within === 'custom' ? isoOrUndefined(filters.from)
    : filters.within ? new Date(now - withinMs[filters.within]).toISOString() : undefined;
  const startedBefore = filters.within === 'custom' ? isoOrUndefined(filters.to) : undefined;
  return {
    ...(filters.projectId ? { projectId: filters.projectId } : {}),
    ...(withStatuses && filters.statuses.length > 0 ? { status: filters.statuses } : {}),
    ...(filters.triggers.length > 0 ? { trigger: filters.triggers } : {}),
    ...(startedFrom ? { startedFrom } : {}),
    ...(startedBefore ? { startedBefore } : {}),
    ...(filters.errorsOnly ? { hasError: true } : {}),
  };
}

export function matchesStatuses(filters: ExecutionFilters, status: ExecutionStatus): boolean {
  return filters.statuses.length === 0 || filters.statuses.includes(status);
}
