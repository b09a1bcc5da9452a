import { useEffect } from 'react';
import { StartRunSection } from './StartRunSection';
import { TaskCard } from './TaskCard';
import { useOpenTasks } from './useOpenTasks';
import './tasks.css';

/** `/tasks`: the HumanQuery forms waiting for an answer, live, and the HumanTrigger forms that start a run. */
export default function TasksPage() {
  const { tasks, loading, error, closed } = useOpenTasks();

  useEffect(() => {
    document.title = tasks.length > 0 ? `(${tasks.length}) Tasks · Weftworks` : 'Tasks · Weftworks';
  }, [tasks.length]);

  return (
    <main className="tasks-page">
      <h1>Tasks</h1>
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
            {tasks.map((task) => <TaskCard key={task.id} task={task} onClosed={closed} />)}
          </div>
        )}
      </section>
      <StartRunSection />
    </main>
  );
}
