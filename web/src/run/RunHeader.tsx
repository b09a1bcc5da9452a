import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, type CombinedError } from 'urql';
import { graphql } from '../graphql/generated';
import type { ExecutionStatus } from '../graphql/generated/graphql';
import type { RunStore } from './useExecutionRun';
import { useRunState } from './useExecutionRun';
import { finishedStatuses } from './runState';
import { RunError } from './RunError';
import { StatusBadge } from './StatusBadge';
import { useNow } from '../time/useNow';
import { formatDuration } from '../time/format';
import { errorText } from './errorText';

const CancelRun = graphql(`
  mutation RunHeaderCancel($id: ID!) {
    cancelExecution(id: $id) {
      __typename
      ... on Execution { id status }
      ... on Problem { message }
    }
  }
`);
const PauseRun = graphql(`
  mutation RunHeaderPause($id: ID!) {
    pauseExecution(id: $id) {
      __typename
      ... on Execution { id status }
      ... on Problem { message }
    }
  }
`);
const ResumeRun = graphql(`
  mutation RunHeaderResume($id: ID!) {
    resumeExecution(id: $id) {
      __typename
      ... on Execution { id status }
      ... on Problem { message }
    }
  }
`);
const RerunRun = graphql(`
  mutation RunHeaderRerun($id: ID!) {
    rerunExecution(id: $id) {
      __typename
      ... on Execution { id }
      ... on Problem { message }
    }
  }
`);

// What the server allows for each control.
const cancellable: ReadonlySet<ExecutionStatus> = new Set(['pending', 'running', 'waiting_for_input', 'paused']);
const pausable: ReadonlySet<ExecutionStatus> = new Set(['pending', 'running', 'waiting_for_input']);

type Outcome = { __typename: string; message?: string; id?: string } | undefined;

function refusal(outcome: Outcome, error: CombinedError | undefined): string | null {
  if (outcome && outcome.__typename !== 'Execution') return outcome.message ?? 'The server refused.';
  if (!outcome) return error ? errorText(error) : 'No answer from the server.';
  return null;
}

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
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [cancelling, cancel] = useMutation(CancelRun);
  const [pausing, pause] = useMutation(PauseRun);
  const [resuming, resume] = useMutation(ResumeRun);
  const [rerunning, rerun] = useMutation(RerunRun);
  const busy = cancelling.fetching || pausing.fetching || resuming.fetching || rerunning.fetching;

  const started = execution ? Date.parse(execution.startedAt) : null;
  const ended = execution?.completedAt ? Date.parse(execution.completedAt) : now;

  async function act(kind: 'cancel' | 'pause' | 'resume' | 'rerun') {
    setNotice(null);
    setConfirmingCancel(false);
    const mutate = { cancel, pause, resume, rerun }[kind];
    const result = await mutate({ id: executionId });
    const outcome = (result.data ? Object.values(result.data)[0] : undefined) as Outcome;
    const refused = refusal(outcome, result.error);
    if (refused) return setNotice(refused);
    if (kind === 'rerun' && outcome?.id) onRerun?.(outcome.id);
  }

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
          <span className="run-controls">
            {status && pausable.has(status) && <button type="button" onClick={() => act('pause')} disabled={busy}>Pause</button>}
            {status === 'paused' && <button type="button" onClick={() => act('resume')} disabled={busy}>Resume</button>}
            {status && cancellable.has(status) && !confirmingCancel && (
              <button type="button" className="danger" onClick={() => setConfirmingCancel(true)} disabled={busy}>Cancel run</button>
            )}
            {confirmingCancel && (
              <span className="run-confirm" role="alertdialog" aria-label="Cancel this run?">
                Cancel this run? Nodes still running are stopped.
                <button type="button" className="danger" onClick={() => act('cancel')} disabled={busy}>Yes, cancel it</button>
                <button type="button" onClick={() => setConfirmingCancel(false)}>Keep running</button>
              </span>
            )}
            {finished && <button type="button" onClick={() => act('rerun')} disabled={busy}>Re-run</button>}
          </span>
        </>
      ) : (
        <span className="muted">{runStore.problem ? `Could not follow the run: ${runStore.problem.replace(/^\[(GraphQL|Network)\]\s*/, '')}` : 'Connecting…'}</span>
      )}
      <Link to={{ search: '' }} className="run-close">Hide run</Link>
      {notice && <p className="run-notice" role="alert">{notice}</p>}
      {/* A cancelled run's error only says so again. */}
      {execution?.error && !(status === 'cancelled' && /^cancell?ed\.?$/i.test(execution.error.trim())) && <RunError error={execution.error} />}
    </div>
  );
}
