import type { ExecutionStatus, Prisma, TriggerKind } from '../db/generated/client';
import type { ExecutionSnapshot } from '../events/types';

/** Which executions a list or a feed shows; absent (or empty) criteria match everything. */
export interface ExecutionFilter {
  projectId?: string | null;
  /** The trigger that started them (not part of the API's filter input). */
  triggerId?: string | null;
  status?: readonly ExecutionStatus[] | null;
  trigger?: readonly TriggerKind[] | null;
  /** Started at or after this instant. */
  startedFrom?: Date | null;
  /** Started strictly before this instant. */
  startedBefore?: Date | null;
  /** True: only those with an error; false: only those without. */
  hasError?: boolean | null;
}

const anyOf = <T>(values: readonly T[] | null | undefined) => (values && values.length > 0 ? values : undefined);

export function executionWhere(filter: ExecutionFilter = {}): Prisma.ExecutionWhereInput {
  const statuses = anyOf(filter.status);
  const triggers = anyOf(filter.trigger);
  return {
    ...(filter.projectId ? { projectId: filter.projectId } : {}),
    ...(filter.triggerId ? { triggerId: filter.triggerId } : {}),
    ...(statuses ? { status: { in: [...statuses] } } : {}),
    ...(triggers ? { trigger: { in: [...triggers] } } : {}),
    ...(filter.startedFrom || filter.startedBefore
      ? { startedAt: { ...(filter.startedFrom ? { gte: filter.startedFrom } : {}), ...(filter.startedBefore ? { lt: filter.startedBefore } : {}) } }
      : {}),
    ...(filter.hasError == null ? {} : { error: filter.hasError ? { not: null } : null }),
  };
}

/** The same criteria, applied to an execution as an event shows it (for live feeds). */
export function executionMatches(filter: ExecutionFilter, execution: ExecutionSnapshot): boolean {
  const statuses = anyOf(filter.status);
  const triggers = anyOf(filter.trigger);
  const startedAt = new Date(execution.startedAt).getTime();
  return (
    (!filter.projectId || execution.projectId === filter.projectId) &&
    (!filter.triggerId || execution.triggerId === filter.triggerId) &&
    (!statuses || statuses.includes(execution.status)) &&
    (!triggers || triggers.includes(execution.trigger)) &&
    (!filter.startedFrom || startedAt >= filter.startedFrom.getTime()) &&
    (!filter.startedBefore || startedAt < filter.startedBefore.getTime()) &&
    (filter.hasError == null || (execution.error !== null) === filter.hasError)
  );
}
