import { useMemo } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { HumanForm, type SubmitOutcome } from '../../forms/HumanForm';
import { readFormSchema } from '../../forms/formSchema';
import type { HumanTaskCardFieldsFragment } from '../../graphql/generated/graphql';
import { formatRelative } from '../../time/format';
import { taskLink } from './linkToken';
import { submitOutcome } from './submitOutcome';
import { ActionTaskCard } from './ActionTaskCard';
import { AnswerHumanTask, SkipHumanTask } from './taskOperations';

export interface TaskCardProps {
  task: HumanTaskCardFieldsFragment;
  /** Request context of the page (a link token), if any. */
  requestContext?: object;
  /** The task was answered or skipped from here; `task` is it as it now stands. */
  onClosed: (task: HumanTaskCardFieldsFragment) => void;
  /** The server said the form was already closed (answered, skipped or cancelled by someone else). */
  onTaskClosedElsewhere?: (refusal: string) => void;
  /** Offer a link to the form's own page (not on that page itself). */
  linkToOwnPage?: boolean;
  /** The time the card's age is told against (one clock for the whole page). */
  now: number;
}

export function runLink(task: HumanTaskCardFieldsFragment): string {
  return `/projects/${task.execution.project.id}?executionId=${task.execution.id}`;
}

/** One open task: a HumanQuery form, or a Notify action (a link to open and mark done). */
export function TaskCard(props: TaskCardProps) {
  return props.task.kind === 'action' ? <ActionTaskCard {...props} /> : <FormTaskCard {...props} />;
}

/** Where a task comes from: project, run, node, lane, age. */
export function TaskMeta({ task, now, linkToOwnPage }: { task: HumanTaskCardFieldsFragment; now: number; linkToOwnPage: boolean }) {
  return (
    <p className="task-meta muted">
      <span className="task-project">{task.execution.project.name}</span>
      {' · '}<Link to={runLink(task)} className="task-run" title={task.execution.id}>run <span className="mono">{task.execution.id.slice(-8)}</span></Link>
      {' · '}node <span className="mono">{task.nodeId}</span>
      {task.lane.length > 0 && <> · lane {task.lane.join('.')}</>}
      {' · '}<time className="task-age" dateTime={task.createdAt} title={new Date(task.createdAt).toLocaleString()}>opened {formatRelative(Math.min(Date.parse(task.createdAt), now), now)}</time>
      {linkToOwnPage && <>{' · '}<Link to={taskLink(task.id, task.linkToken)}>Form link</Link></>}
    </p>
  );
}

/** One open HumanQuery form: where it comes from, and the form to answer or skip. */
function FormTaskCard({ task, requestContext, onClosed, onTaskClosedElsewhere, linkToOwnPage = true, now }: TaskCardProps) {
  const form = useMemo(() => readFormSchema(task.form), [task.form]);
  const [, answerTask] = useMutation(AnswerHumanTask);
  const [, skipTask] = useMutation(SkipHumanTask);

  async function answer(answer: Record<string, unknown>): Promise<SubmitOutcome> {
    const result = await answerTask({ id: task.id, answer }, requestContext);
    const answered = result.data?.answerHumanTask;
    const outcome = submitOutcome(answered, result.error, 'HumanTask');
    if (answered?.__typename === 'HumanTask') onClosed(answered);
    if (answered?.__typename === 'TaskClosed') onTaskClosedElsewhere?.(answered.message);
    return outcome;
  }

  async function skip(): Promise<SubmitOutcome> {
    const result = await skipTask({ id: task.id }, requestContext);
    const skipped = result.data?.skipHumanTask;
    const outcome = submitOutcome(skipped, result.error, 'HumanTask');
    if (skipped?.__typename === 'HumanTask') onClosed(skipped);
    if (skipped?.__typename === 'TaskClosed') onTaskClosedElsewhere?.(skipped.message);
    return outcome;
  }

  return (
    <article className="task-card" data-task-id={task.id} aria-labelledby={`task-${task.id}-title`}>
      <header className="task-card-header">
        <h3 id={`task-${task.id}-title`}>{form.title}</h3>
        <TaskMeta task={task} now={now} linkToOwnPage={linkToOwnPage} />
      </header>
      <HumanForm form={form} submitLabel="Submit answer" onSubmit={answer} onSkip={skip} />
    </article>
  );
}
