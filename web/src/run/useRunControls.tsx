import { useState, type ReactNode } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { graphql } from '../graphql/generated';
import type { ExecutionStatus } from '../graphql/generated/graphql';
import { errorText } from './errorText';
import { finishedStatuses } from './runState';
import './run.css';

const CancelRun = graphql(`
  mutation RunControlsCancel($id: ID!) {
    cancelExecution(id: $id) {
      __typename
      ... on Execution { id status lastSeq }
      ... on Problem { message }
    }
  }
`);
const PauseRun = graphql(`
  mutation RunControlsPause($id: ID!) {
    pauseExecution(id: $id) {
      __typename
      ... on Execution { id status lastSeq }
      ... on Problem { message }
    }
  }
`);
const ResumeRun = graphql(`
  mutation RunControlsResume($id: ID!) {
    resumeExecution(id: $id) {
      __typename
      ... on Execution { id status lastSeq }
      ... on Problem { message }
    }
  }
`);
const RerunRun = graphql(`
  mutation RunControlsRerun($id: ID!) {
    rerunExecution(id: $id) {
      __typename
      ... on Execution { id }
      ... on Problem { message }
    }
  }
`);

// What the server allows (cancelExecution, pauseExecution, resumeExecution).
const cancellable: ReadonlySet<ExecutionStatus> = new Set(['pending', 'running', 'waiting_for_input', 'paused']);
const pausable: ReadonlySet<ExecutionStatus> = new Set(['pending', 'running', 'waiting_for_input']);

type Outcome = { __typename: string; message?: string; id?: string } | undefined;
type Notice = { kind: 'refused' | 'done'; text: string };

/** Why a mutation did not do what was asked: the Problem the server answered, or the transport error. */
function refusal(outcome: Outcome, error: CombinedError | undefined): string | null {
  if (outcome && outcome.__typename !== 'Execution') return outcome.message ?? outcome.__typename;
  if (!outcome) return error ? errorText(error) : 'no answer from the server';
  return null;
}

export interface RunControlsOptions {
  executionId: string;
  status: ExecutionStatus;
  /** Ask before cancelling (the editor's run header, where the run is being watched). */
  confirmCancel?: boolean;
  /** Offer Re-run once the run has finished, or whatever its state (the executions list). */
  rerun: 'when-finished' | 'always';
  /** A re-run started; a text returned is shown as a notice. */
  onRerun?: (executionId: string) => string | void;
}

/**
 * Cancel (with a confirmation if asked), Pause or Resume and Re-run of one execution, as the
 * server allows them in its state, and the notice of what the server answered: the editor's run
 * header and the executions list place the two where they fit.
 */
export function useRunControls({ executionId, status, confirmCancel = false, rerun: rerunWhen, onRerun }: RunControlsOptions): { controls: ReactNode; notice: ReactNode } {
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [cancelling, cancel] = useMutation(CancelRun);
  const [pausing, pause] = useMutation(PauseRun);
  const [resuming, resume] = useMutation(ResumeRun);
  const [rerunning, rerun] = useMutation(RerunRun);
  const busy = cancelling.fetching || pausing.fetching || resuming.fetching || rerunning.fetching;

  async function act(kind: 'cancel' | 'pause' | 'resume' | 're-run') {
    setNotice(null);
    setConfirmingCancel(false);
    const mutate = { cancel, pause, resume, 're-run': rerun }[kind];
    const result = await mutate({ id: executionId });
    const outcome = (result.data ? Object.values(result.data)[0] : undefined) as Outcome;
    const refused = refusal(outcome, result.error);
    if (refused) return setNotice({ kind: 'refused', text: `Could not ${kind}: ${refused}` });
    if (kind === 're-run' && outcome?.id) {
      const text = onRerun?.(outcome.id);
      if (text) setNotice({ kind: 'done', text });
    }
  }

  const controls = (
    <span className="run-controls">
      {pausable.has(status) && <button type="button" onClick={() => act('pause')} disabled={busy}>Pause</button>}
      {status === 'paused' && <button type="button" onClick={() => act('resume')} disabled={busy}>Resume</button>}
      {cancellable.has(status) && !confirmingCancel && (
        <button type="button" className="danger" onClick={() => (confirmCancel ? setConfirmingCancel(true) : act('cancel'))} disabled={busy}>Cancel run</button>
      )}
      {confirmingCancel && (
        <span className="run-confirm" role="alertdialog" aria-label="Cancel this run?">
          Cancel this run? Nodes still running are stopped.
          <button type="button" className="danger" onClick={() => act('cancel')} disabled={busy}>Yes, cancel it</button>
          <button type="button" onClick={() => setConfirmingCancel(false)}>Keep running</button>
        </span>
      )}
      {(rerunWhen === 'always' || finishedStatuses.has(status)) && <button type="button" onClick={() => act('re-run')} disabled={busy}>Re-run</button>}
    </span>
  );
  return {
    controls,
    notice: notice && (
      <p className={`run-notice${notice.kind === 'done' ? ' done' : ''}`} role={notice.kind === 'refused' ? 'alert' : 'status'}>{notice.text}</p>
    ),
  };
}
