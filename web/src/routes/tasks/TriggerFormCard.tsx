import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { HumanForm, type SubmitOutcome } from '../../forms/HumanForm';
import { readFormSchema } from '../../forms/formSchema';
import type { HumanTriggerFormFieldsFragment } from '../../graphql/generated/graphql';
import { submitOutcome } from './submitOutcome';
import { SubmitHumanTrigger } from './taskOperations';

interface StartedRun {
  executionId: string;
  projectId: string;
}

/** One HumanTrigger form; each valid submission starts a run and links to it. */
export function TriggerFormCard({ trigger }: { trigger: HumanTriggerFormFieldsFragment }) {
  const form = useMemo(() => readFormSchema(trigger.form), [trigger.form]);
  const [, submitTrigger] = useMutation(SubmitHumanTrigger);
  const [started, setStarted] = useState<StartedRun | null>(null);
  // A new, empty form after each run started.
  const [submissions, setSubmissions] = useState(0);

  async function submit(answer: Record<string, unknown>): Promise<SubmitOutcome> {
    setStarted(null);
    const result = await submitTrigger({ triggerId: trigger.id, answer });
    const execution = result.data?.submitHumanTrigger;
    if (execution?.__typename === 'Execution') {
      setStarted({ executionId: execution.id, projectId: execution.project.id });
      setSubmissions((count) => count + 1);
    }
    return submitOutcome(execution, result.error, 'Execution');
  }

  return (
    <article className="task-card trigger-card" data-trigger-id={trigger.id} aria-labelledby={`trigger-${trigger.id}-title`}>
      <header className="task-card-header">
        <h3 id={`trigger-${trigger.id}-title`}>{form.title}</h3>
        <p className="task-meta muted">
          {trigger.project.name} · trigger <span className="mono">{trigger.nodeId}</span>
        </p>
      </header>
      {started && (
        <p className="run-started" role="status">
          Run started. <Link to={`/projects/${started.projectId}?executionId=${started.executionId}`}>View the run</Link>
        </p>
      )}
      <HumanForm key={submissions} form={form} submitLabel="Start run" onSubmit={submit} />
    </article>
  );
}
