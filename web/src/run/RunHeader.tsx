import { Link } from 'react-router';
import type { RunStore } from './useExecutionRun';
import { useRunState } from './useExecutionRun';
import { finishedStatuses } from './runState';
import { RunError } from './RunError';
import { StatusBadge } from './StatusBadge';
import { useNow } from '../time/useNow';
import { formatDuration } from '../time/format';

/** The status, timing, cost and error of the execution shown on the graph. */
export function RunHeader({ runStore, executionId }: { runStore: RunStore; executionId: string }) {
  const { execution } = useRunState(runStore);
  const now = useNow();
  const started = execution ? Date.parse(execution.startedAt) : null;
  const ended = execution?.completedAt ? Date.parse(execution.completedAt) : now;
  return (
    <div className="run-header" data-execution-id={executionId} data-status={execution?.status ?? 'loading'}>
      <span className="run-title">Run <span className="mono" title={executionId}>{executionId.slice(-8)}</span></span>
      {execution ? (
        <>
          <StatusBadge status={execution.status} />
          {started && <span className="muted">{finishedStatuses.has(execution.status) ? 'took' : 'running for'} {formatDuration(ended - started)}</span>}
          <span className="mono muted">${Number(execution.costUsd).toFixed(4)}</span>
        </>
      ) : (
        <span className="muted">{runStore.problem ?? 'Connecting…'}</span>
      )}
      <Link to={{ search: "" }} className="run-close">Hide run</Link>
      {execution?.error && <RunError error={execution.error} />}
    </div>
  );
}
