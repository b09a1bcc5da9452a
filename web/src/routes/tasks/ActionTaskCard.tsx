import { useState } from 'react';
import { useMutation } from 'urql';
import { submitOutcome } from './submitOutcome';
import type { TaskCardProps } from './TaskCard';
import { TaskMeta } from './TaskCard';
import { CompleteActionTask } from './taskOperations';

/** Only web links are offered as links: a `javascript:` or other scheme from a run is shown as text. */
function isWebLink(url: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** A Notify action: the link it asks a person to open, and "Done" once they have. */
export function ActionTaskCard({ task, requestContext, onClosed, onTaskClosedElsewhere, now }: TaskCardProps) {
  const [{ fetching }, completeTask] = useMutation(CompleteActionTask);
  const [refusal, setRefusal] = useState<string | null>(null);
  const url = task.actionUrl ?? '';

  async function done() {
    setRefusal(null);
    const result = await completeTask({ id: task.id }, requestContext);
    const completed = result.data?.completeActionTask;
    const outcome = submitOutcome(completed, result.error, 'HumanTask');
    if (completed?.__typename === 'HumanTask') onClosed(completed);
    else if (completed?.__typename === 'TaskClosed') onTaskClosedElsewhere?.(completed.message);
    if (!outcome.ok) setRefusal(outcome.message);
  }

  return (
    <article className="task-card action-task" data-task-id={task.id} data-kind="action" aria-labelledby={`task-${task.id}-title`}>
      <header className="task-card-header">
        <h3 id={`task-${task.id}-title`}>{task.title}</h3>
        <TaskMeta task={task} now={now} linkToOwnPage={false} />
      </header>
      <p className="action-task-link">
        {isWebLink(url) ? <a href={url} target="_blank" rel="noopener noreferrer">{url}</a> : <span className="mono">{url}</span>}
      </p>
      {refusal && <p className="form-refusal" role="alert">{refusal}</p>}
      <button type="button" className="primary" disabled={fetching} onClick={done}>Done</button>
    </article>
  );
}
