import { useQuery } from 'urql';
import { TriggerFormCard } from './TriggerFormCard';
import { HumanTriggerFormsQuery } from './taskOperations';

/** The active HumanTrigger forms: filling one in starts a run. */
export function StartRunSection() {
  const [{ data, error, fetching }] = useQuery({ query: HumanTriggerFormsQuery, requestPolicy: 'cache-and-network' });
  const triggers = data?.humanTriggerForms ?? [];
  return (
    <section aria-labelledby="start-run-heading" className="tasks-section">
      <h2 id="start-run-heading">Start a run</h2>
      {error && <p className="error" role="alert">Could not load the forms: {error.message}</p>}
      {fetching && !data ? (
        <p>Loading…</p>
      ) : triggers.length === 0 ? (
        <p className="empty">No HumanTrigger forms are active. Activate a project's triggers to offer its form here.</p>
      ) : (
        <div className="task-list">
          {triggers.map((trigger) => <TriggerFormCard key={trigger.id} trigger={trigger} />)}
        </div>
      )}
    </section>
  );
}
