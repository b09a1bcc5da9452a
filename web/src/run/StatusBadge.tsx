import type { ExecutionStatus, NodeRunStatus } from '../graphql/generated/graphql';

/** The status of an execution or a node run, in words and in its own colour. */
export function StatusBadge({ status }: { status: ExecutionStatus | NodeRunStatus }) {
  return <span className={`status status-${status}`}>{statusLabel(status)}</span>;
}

export function statusLabel(status: ExecutionStatus | NodeRunStatus): string {
  return status.replaceAll('_', ' ');
}
