import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, type CombinedError } from 'urql';
import { graphql } from '../../graphql/generated';
import type { ExecutionStatus } from '../../graphql/generated/graphql';
import { CopyButton } from '../../inspector/CopyButton';
import { errorText } from '../../run/errorText';

const CancelExecution = graphql(`
  mutation CancelExecution($id: ID!) {
    cancelExecution(id: $id) {
      __typename
      ... on Execution { id status lastSeq }
      ... on Problem { message }
    }
  }
`);

const PauseExecution = graphql(`
  mutation PauseExecution($id: ID!) {
    pauseExecution(id: $id) {
      __typename
      ... on Execution { id status lastSeq }
      ... on Problem { message }
    }
  }
`);

const ResumeExecution = graphql(`
  mutation ResumeExecution($id: ID!) {
    resumeExecution(id: $id) {
      __typename
      ... on Execution { id status lastSeq }
      ... on Problem { message }
    }
  }
`);

const RerunExecution = graphql(`
  mutation RerunExecution($id: ID!) {
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

/** View in editor, Cancel, Pause or Resume, Re-run and Copy as JSON; a refusal is shown as the server put it. */
export function ExecutionActions({ execution, projectId, copyAsJson }: {
  execution: { id: string; status: ExecutionStatus };
  projectId: string;
  copyAsJson: () => string;
}) {
  const [cancelling, cancel] = useMutation(CancelExecution);
  const [pausing, pause] = useMutation(PauseExecution);
  const [resuming, resume] = useMutation(ResumeExecution);
  const [rerunning, rerun] = useMutation(RerunExecution);
  const [notice, setNotice] = useState<Notice | null>(null);
  const busy = cancelling.fetching || pausing.fetching || resuming.fetching || rerunning.fetching;
  const variables = { id: execution.id };

  async function act(what: string, request: () => Promise<{ outcome: Outcome; error?: CombinedError }>, done: (outcome: Outcome) => string | null = () => null) {
    setNotice(null);
    const { outcome, error } = await request();
    const refused = refusal(outcome, error);
    if (refused) return setNotice({ kind: 'refused', text: `Could not ${what}: ${refused}` });
    const text = done(outcome);
    if (text) setNotice({ kind: 'done', text });
  }

  return (
    <div className="execution-actions">
      <Link className="button" to={`/projects/${projectId}?executionId=${execution.id}`}>View in editor</Link>
      {cancellable.has(execution.status) && (
        <button type="button" disabled={busy}
          onClick={() => act('cancel', async () => { const r = await cancel(variables); return { outcome: r.data?.cancelExecution, error: r.error }; })}>
          Cancel
        </button>
      )}
      {pausable.has(execution.status) && (
        <button type="button" disabled={busy}
          onClick={() => act('pause', async () => { const r = await pause(variables); return { outcome: r.data?.pauseExecution, error: r.error }; })}>
          Pause
        </button>
      )}
      {execution.status === 'paused' && (
        <button type="button" disabled={busy}
          onClick={() => act('resume', async () => { const r = await resume(variables); return { outcome: r.data?.resumeExecution, error: r.error }; })}>
          Resume
        </button>
      )}
      <button type="button" disabled={busy}
        onClick={() => act('re-run', async () => { const r = await rerun(variables); return { outcome: r.data?.rerunExecution, error: r.error }; },
          (started) => `Started a new run, ${started?.id?.slice(-8)}; it is at the top of the list.`)}>
        Re-run
      </button>
      <CopyButton text={copyAsJson} label="Copy as JSON" className="" />
      {notice && <p className={notice.kind === 'refused' ? 'error action-notice' : 'muted action-notice'} role={notice.kind === 'refused' ? 'alert' : 'status'}>{notice.text}</p>}
    </div>
  );
}
