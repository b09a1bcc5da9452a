import { Link } from 'react-router';
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
      <td>
        <Link to={`/projects/${execution.project.id}`}>{execution.project.name}</Link>
      </td>
      <td>{execution.trigger}</td>
      <td title={new Date(started).toLocaleString()}>{formatRelative(started, now)}</td>
      <td>{formatDuration(ended - started)}</td>
      <td>
        <span className={`status status-${execution.status}`}>{execution.status.replaceAll('_', ' ')}</span>
      </td>
      <td className="mono">${Number(execution.costUsd).toFixed(4)}</td>
      <td>
        <Link className="view-run" to={`/projects/${execution.project.id}?executionId=${execution.id}`}>
          On the graph
        </Link>
      </td>
    </tr>
  );
}
