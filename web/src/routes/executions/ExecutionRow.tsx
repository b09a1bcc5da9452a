import type { ExecutionRowFieldsFragment } from '../../graphql/generated/graphql';
import { useNow } from '../../time/useNow';
import { formatDuration, formatRelative } from '../../time/format';

export function ExecutionRow({ execution }: { execution: ExecutionRowFieldsFragment }) {
  const now = useNow();
  const started = Date.parse(execution.startedAt);
  const ended = execution.completedAt ? Date.parse(execution.completedAt) : now;
  return (
    <tr data-execution-id={execution.id} data-status={execution.status}>
      <td className="mono" title={execution.id}>
        {execution.id.slice(-8)}
      </td>
      <td>{execution.project.name}</td>
      <td>{execution.trigger}</td>
      <td title={new Date(started).toLocaleString()}>{formatRelative(started, now)}</td>
      <td>{formatDuration(ended - started)}</td>
      <td>
        <span className={`status status-${execution.status}`}>{execution.status.replaceAll('_', ' ')}</span>
      </td>
      <td className="mono">${Number(execution.costUsd).toFixed(4)}</td>
    </tr>
  );
}
