import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { useReconnected } from '../../graphql/connection';
import type { HumanTaskCardFieldsFragment } from '../../graphql/generated/graphql';
import { formatRelative } from '../../time/format';
import { useNow } from '../../time/useNow';
import { AnswerList } from './AnswerList';
import { useLinkToken } from './linkToken';
import { runLink, TaskCard } from './TaskCard';
import { HumanTaskEvents, HumanTaskQuery } from './taskOperations';
import './tasks.css';

/**
 * `/tasks/:taskId`: one form, as a reviewer opens it from a link. With `?token=` (a link token)
 * the page can read and answer this task only; without one it also follows it live, so it
 * shows at once when someone else answered it.
 */
export default function TaskPage() {
  const { taskId = '' } = useParams();
  const { token, context } = useLinkToken();
  const [{ data, error, fetching }, refetch] = useQuery({ query: HumanTaskQuery, variables: { id: taskId }, context });
  const [latest, setLatest] = useState<HumanTaskCardFieldsFragment | null>(null);
  // What happened while the socket was down: read the form again.
  useReconnected(() => {
    setLatest(null);
    refetch({ requestPolicy: 'network-only' });
  });
  const [refusal, setRefusal] = useState<string | null>(null);
  const [closedHere, setClosedHere] = useState(false);
  const now = useNow(30_000);
  const answeredHere = useCallback((task: HumanTaskCardFieldsFragment) => {
    setClosedHere(true);
    setLatest(task);
  }, []);
  /** Refused because someone else closed the form first: read it again, to show how it was closed. */
  const reread = useCallback((message: string) => {
    setRefusal(message);
    setLatest(null);
    refetch({ requestPolicy: 'network-only' });
  }, [refetch]);
  const task = latest ?? data?.humanTask ?? null;
  useFollowTask(task?.execution.id ?? null, taskId, token === null, setLatest);

  useEffect(() => {
    document.title = `${task?.title ?? 'Task'} · Weftworks`;
  }, [task?.title]);

  if (error) return <main className="tasks-page"><p className="error" role="alert">Could not load the form: {error.message}</p></main>;
  if (fetching && !task) return <main className="tasks-page"><p>Loading…</p></main>;
  if (!task) {
    return (
      <main className="tasks-page">
        <h1>Form not found</h1>
        <p>There is no form {taskId}. <Link to="/tasks">See every open form</Link></p>
      </main>
    );
  }
  return (
    <main className="tasks-page">
      <p className="muted"><Link to="/tasks">← All tasks</Link></p>
      {task.state === 'open' ? (
        <TaskCard task={task} requestContext={context} onClosed={answeredHere} onTaskClosedElsewhere={reread} linkToOwnPage={false} now={now} />
      ) : (
        <ClosedTask task={task} refusal={refusal} closedHere={closedHere} />
      )}
    </main>
  );
}

/** Follows the task's execution's form events, to learn when this one closes (needs a read token, not a link). */
function useFollowTask(
  executionId: string | null,
  taskId: string,
  enabled: boolean,
  onChange: (task: HumanTaskCardFieldsFragment) => void,
) {
  const client = useClient();
  useEffect(() => {
    if (!enabled || !executionId) return;
    const subscription = client.subscription(HumanTaskEvents, { filter: { executionId } }).subscribe((result) => {
      const changed = result.data?.humanTaskEvents;
      if (changed?.id === taskId) onChange(changed);
    });
    return () => subscription.unsubscribe();
  }, [client, executionId, taskId, enabled, onChange]);
}

const closedAs: Record<string, string> = {
  answered: 'answered',
  skipped: 'skipped',
  cancelled: 'cancelled with its run',
};

function ClosedTask({ task, refusal, closedHere }: { task: HumanTaskCardFieldsFragment; refusal: string | null; closedHere: boolean }) {
  const now = useNow(30_000);
  return (
    <section className="task-closed" data-task-id={task.id} data-state={task.state} role="status">
      <h1>{task.title}</h1>
      {refusal && <p className="form-refusal" role="alert">Your answer was not recorded: {refusal}.</p>}
      {closedHere && !refusal && (
        <p className="task-confirmation">{task.state === 'skipped' ? 'Skipped: the form is closed.' : 'Thank you, your answer is recorded.'}</p>
      )}
      <p>
        This form was {closedAs[task.state] ?? task.state}
        {task.answeredBy && <> by {task.answeredBy}</>}
        {task.answeredAt && <> {formatRelative(Math.min(Date.parse(task.answeredAt), now), now)}</>}.
        {task.state === 'answered' && ' The run goes on from here.'}
      </p>
      {task.state === 'answered' && <AnswerList form={task.form} answer={task.answer} />}
      <p><Link to={runLink(task)}>View the run</Link></p>
    </section>
  );
}
