import { Link } from 'react-router';
import type { RunStore } from './useExecutionRun';
import { useRunState } from './useExecutionRun';
import { finishedStatuses } from './runState';
import { RunError } from './RunError';
import { StatusBadge } from './StatusBadge';
import { useNow } from '../time/useNow';
import { formatDuration } from '../time/format';
import { useRunControls } from './useRunControls';

export interface RunHeaderProps {
  runStore: RunStore;
  executionId: string;
  /** HumanQuery forms the run waits on, to link to. */
  openTasks?: readonly { id: string; nodeId: string }[];
  /** A re-run started: show it. */
  onRerun?: (executionId: string) => void;
  /** How a node is named on screen (its label), by id. */
  nodeName?: (nodeId: string) => string;
}

/** The status, timing, cost and error of the execution shown on the graph, with its controls. */
export function RunHeader({ runStore, executionId, openTasks = [], onRerun, nodeName = (nodeId) => nodeId }: RunHeaderProps) {
  const { execution } = useRunState(runStore);
  const status = execution?.status;
  const finished = status ? finishedStatuses.has(status) : false;
  // Only a running run's clock ticks; a finished, waiting or paused one does not redraw every second.
  const now = useNow(status === 'running' || status === 'pending' ? 1000 : 3_600_000);
  const { controls, notice } = useRunControls({
    executionId,
    status: status ?? 'pending',
    confirmCancel: true,
    rerun: 'when-finished',
    onRerun: (rerunId) => void onRerun?.(rerunId),
  });

  const started = execution ? Date.parse(execution.startedAt) : null;
  const ended = execution?.completedAt ? Date.parse(execution.completedAt) : now;

  return (
    <div className="run-header" data-execution-id={executionId} data-status={status ?? 'loading'}>
      <span className="run-title">Run <span className="mono" title={executionId}>{executionId.slice(-8)}</span></span>
      {execution ? (
        <>
          <StatusBadge status={execution.status} />
          {/* The badge names the status; beside it, what there is to know or do about it. */}
          {status === 'waiting_for_input' ? (
            <span className="run-waiting">
              {openTasks.map((task) => (
                <Link key={task.id} to={`/tasks/${task.id}`} className="run-task-link" title={task.nodeId}>Answer the form of {nodeName(task.nodeId)}</Link>
              ))}
            </span>
          ) : status === 'paused' ? null : status === 'cancelled' ? (
            started && execution.completedAt && <span className="muted">after {formatDuration(ended - started)}</span>
          ) : (
            started && <span className="muted">{finished ? 'took' : 'running for'} {formatDuration(Math.max(0, ended - started))}</span>
          )}
          <span className="mono muted">${Number(execution.costUsd).toFixed(4)}</span>
          {controls}
        </>
      ) : (
        <span className="muted">{runStore.problem ? `Could not follow the run: ${runStore.problem.replace(/^\[(GraphQL|Network)\]\s*/, '')}` : 'Connecting…'}</span>
      )}
      <Link to={{ search: '' }} className="run-close">Hide run</Link>
      {notice}
      {/* A cancelled run's error only says so again. */}
      {execution?.error && !(status === 'cancelled' && /^cancell?ed\.?$/i.test(execution.error.trim())) && <RunError error={execution.error} />}
    </div>
  );
}
