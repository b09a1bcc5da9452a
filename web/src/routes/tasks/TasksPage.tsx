import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { HumanTaskCardFieldsFragment } from '../../graphql/generated/graphql';
import { useNow } from '../../time/useNow';
import { AnswerList } from './AnswerList';
import { StartRunSection } from './StartRunSection';
import { runLink, TaskCard } from './TaskCard';
import { useOpenTasks } from './useOpenTasks';
import './tasks.css';

/** `/tasks`: the HumanQuery forms waiting for an answer, live, and the HumanTrigger forms that start a run. */
export default function TasksPage() {
  const { tasks, loading, error, closed } = useOpenTasks();
  const now = useNow(30_000);
  // The forms answered or skipped from this page, newest first: what was recorded, and where the run is.
  const [confirmed, setConfirmed] = useState<HumanTaskCardFieldsFragment[]>([]);
  const closedHere = useCallback((task: HumanTaskCardFieldsFragment) => {
    closed(task);
    setConfirmed((shown) => [task, ...shown.filter((other) => other.id !== task.id)].slice(0, 3));
  }, [closed]);

  useEffect(() => {
    document.title = tasks.length > 0 ? `(${tasks.length}) Tasks · Weftworks` : 'Tasks · Weftworks';
  }, [tasks.length]);

  return (
    <main className="tasks-page">
      <h1>Tasks</h1>
      {confirmed.map((task) => (
        <div key={task.id} className="task-confirmation" role="status" data-task-id={task.id} data-state={task.state}>
          <button type="button" className="task-confirmation-close" aria-label="Dismiss" onClick={() => setConfirmed((shown) => shown.filter((other) => other.id !== task.id))}>×</button>
          <p>
            <strong>{task.kind === 'action' ? 'Done' : task.state === 'skipped' ? 'Skipped' : 'Answer recorded'}:</strong> {task.title} ({task.execution.project.name}).{' '}
            {task.kind === 'action' ? '' : task.state === 'skipped' ? 'Its outputs are empty; the run goes on. ' : 'The run goes on from here. '}
            <Link to={runLink(task)}>View the run</Link>
          </p>
          {task.state === 'answered' && task.kind !== 'action' && <AnswerList form={task.form} answer={task.answer} />}
        </div>
      ))}
      <section aria-labelledby="open-tasks-heading" className="tasks-section">
        <h2 id="open-tasks-heading">
          Waiting for an answer {tasks.length > 0 && <span className="count-badge">{tasks.length}</span>}
        </h2>
        {error && <p className="error" role="alert">Could not load the forms: {error}</p>}
        {loading ? (
          <p>Loading…</p>
        ) : tasks.length === 0 ? (
          <p className="empty" data-testid="no-open-tasks">No forms are waiting. They appear here as soon as a run reaches a HumanQuery.</p>
        ) : (
          <div className="task-list">
            {tasks.map((task) => <TaskCard key={task.id} task={task} onClosed={closedHere} now={now} />)}
          </div>
        )}
      </section>
      <StartRunSection />
    </main>
  );
}
