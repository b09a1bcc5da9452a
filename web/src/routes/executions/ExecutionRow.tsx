import { Link } from 'react-router';
import type { ExecutionRowFieldsFragment } from '../../graphql/generated/graphql';
import { CopyButton } from '../../inspector/CopyButton';
import { StatusBadge } from '../../run/StatusBadge';
import { formatDuration, formatRelative, formatUsd } from '../../time/format';
import { useNow } from '../../time/useNow';
import { triggerLabels } from './executionFilters';

/** One execution: id, project, trigger, start (ticking), duration (live while it runs), status, cost. */
export function ExecutionRow({ execution, expanded, onToggle }: {
  execution: ExecutionRowFieldsFragment;
  expanded: boolean;
  onToggle: () => void;
}) {
  const now = useNow();
  const started = Date.parse(execution.startedAt);
  const ended = execution.completedAt ? Date.parse(execution.completedAt) : null;
  const shortId = execution.id.slice(-8);
  return (
    <tr data-execution-id={execution.id} data-status={execution.status} className={expanded ? 'expanded' : undefined}>
      <td className="cell-toggle">
        <button type="button" className="expand-button" aria-expanded={expanded} onClick={onToggle}
          aria-label={`${expanded ? 'Hide' : 'Show'} details of execution ${shortId}`}>
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
        </button>
      </td>
      <td className="cell-id" data-label="Id">
        <span className="mono" title={execution.id}>{shortId}</span>
        <CopyButton text={execution.id} label={<CopyIcon />} className="copy-id" title={`Copy the id ${execution.id}`} />
      </td>
      <td className="cell-project" data-label="Project">
        <Link to={`/projects/${execution.project.id}`}>{execution.project.name}</Link>
      </td>
      <td className="cell-trigger" data-label="Trigger">{triggerLabels[execution.trigger]}</td>
      <td className="cell-started" data-label="Started" title={new Date(started).toLocaleString()}>{formatRelative(started, now)}</td>
      <td className="cell-duration" data-label={ended ? 'Took' : 'Running for'}
        title={ended ? `Completed ${new Date(ended).toLocaleString()}` : undefined}>
        {formatDuration((ended ?? now) - started)}
      </td>
      <td className="cell-status" data-label="Status"><StatusBadge status={execution.status} /></td>
      <td className="cell-cost mono" data-label="Cost">{formatUsd(execution.costUsd)}</td>
      <td className="cell-link">
        <Link className="view-run" to={`/projects/${execution.project.id}?executionId=${execution.id}`}>On the graph</Link>
      </td>
    </tr>
  );
}

function CopyIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="5" y="5" width="9" height="9" rx="1.5" />
      <path d="M11 3.5V3a1.5 1.5 0 0 0-1.5-1.5h-6A1.5 1.5 0 0 0 2 3v6a1.5 1.5 0 0 0 1.5 1.5H4" />
    </svg>
  );
}
