import type { MouseEvent } from 'react';
import { Link } from 'react-router';
import type { ExecutionRowFieldsFragment } from '../../graphql/generated/graphql';
import { CopyButton } from '../../inspector/CopyButton';
import { StatusBadge } from '../../run/StatusBadge';
import { formatDuration, formatRelative, formatUsd } from '../../time/format';
import { useNow } from '../../time/useNow';
import { triggerLabels } from './executionFilters';

/** Finished rows only move their "started … ago" on; a running one ticks its duration every second. */
const FINISHED_ROW_TICK_MS = 30_000;

/** One execution: id, project, trigger, start, duration (live while it runs), status, cost. A click on the row opens it. */
export function ExecutionRow({ execution, expanded, onToggle, showProject = true }: {
  execution: ExecutionRowFieldsFragment;
  expanded: boolean;
  onToggle: () => void;
  showProject?: boolean;
}) {
  const started = Date.parse(execution.startedAt);
  const ended = execution.completedAt ? Date.parse(execution.completedAt) : null;
  const now = useNow(ended ? FINISHED_ROW_TICK_MS : 1000);
  const shortId = execution.id.slice(-8);
  // A click anywhere on the row opens it, except on what does something of its own (a link, a button, selected text).
  const openFromRow = (event: MouseEvent<HTMLTableRowElement>) => {
    if ((event.target as HTMLElement).closest('a, button, input, select')) return;
    if (window.getSelection()?.toString()) return;
    onToggle();
  };
  return (
    <tr data-execution-id={execution.id} data-status={execution.status} className={`execution-row${expanded ? ' expanded' : ''}`} onClick={openFromRow}>
      <td className="cell-toggle">
        <button type="button" className="expand-button" aria-expanded={expanded} onClick={onToggle}
          aria-label={`${expanded ? 'Hide' : 'Show'} details of execution ${shortId}`}>
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
        </button>
      </td>
      <td className="cell-id" data-label="Id">
        <Link className="mono" to={`/executions/${execution.id}`} title={`Open execution ${execution.id} on its own page`}>{shortId}</Link>
        <CopyButton text={execution.id} label={<CopyIcon />} className="copy-id" title={`Copy the id ${execution.id}`} />
      </td>
      {showProject && (
        <td className="cell-project" data-label="Project">
          <Link to={`/projects/${execution.project.id}`}>{execution.project.name}</Link>
        </td>
      )}
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
