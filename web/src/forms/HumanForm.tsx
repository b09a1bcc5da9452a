import { useId, useRef, useState, type FormEvent } from 'react';
import { JsonTree } from '../inspector/JsonTree';
import { answerOf, decisionFieldOf, problemsOf, startingValues, type FieldProblems, type FieldValue, type FormValues } from './formAnswer';
import type { FormSchema } from './formSchema';
import { fieldComponents } from './fields';
import './forms.css';

/** What became of a submission: accepted, or refused with a reason (and problems per field). */
export type SubmitOutcome = { ok: true } | { ok: false; message: string; fieldProblems?: FieldProblems };

interface HumanFormProps {
  form: FormSchema;
  submitLabel: string;
  onSubmit: (answer: Record<string, string | string[]>) => Promise<SubmitOutcome>;
  /** Offered for HumanQuery tasks: the node's outputs become null. */
  onSkip?: () => Promise<SubmitOutcome>;
}

/**
 * A HumanQuery or HumanTrigger form: every field of WEFT.md, checked before anything is sent
 * (required fields, choices among the options, a decision for approve/reject), the server's
 * refusal shown if it has one. A form whose only decision is an approve/reject field is sent by
 * that field's two buttons (its labels) rather than by a separate submit button.
 */
export function HumanForm({ form, submitLabel, onSubmit, onSkip }: HumanFormProps) {
  const idPrefix = useId();
  const element = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<FormValues>(() => startingValues(form));
  const [problems, setProblems] = useState<FieldProblems>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const decision = decisionFieldOf(form);

  function change(key: string, value: FieldValue) {
    setValues((current) => ({ ...current, [key]: value }));
    setProblems(({ [key]: _fixed, ...rest }) => rest);
  }

  async function send(work: () => Promise<SubmitOutcome>) {
    setSending(true);
    setRefusal(null);
    const outcome = await work().catch((error: Error): SubmitOutcome => ({ ok: false, message: error.message }));
    setSending(false);
    if (outcome.ok) return;
    setRefusal(outcome.message);
    setProblems(outcome.fieldProblems ?? {});
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    submitValues(values);
  }

  /** The decision's buttons: the choice becomes the field's value and the form is sent with it. */
  function decide(answer: 'approve' | 'reject') {
    if (!decision) return;
    const decided = { ...values, [decision.key]: answer };
    setValues(decided);
    submitValues(decided);
  }

  function submitValues(values: FormValues) {
    const found = problemsOf(form, values);
    setProblems(found);
    setRefusal(null);
    const firstKey = form.fields.find((field) => found[field.key])?.key;
    if (firstKey !== undefined) {
      element.current?.querySelector<HTMLElement>(`[data-field-key="${firstKey}"] :is(input, textarea, button)`)?.focus();
      return;
    }
    void send(() => onSubmit(answerOf(form, values)));
  }

  return (
    <form ref={element} className="human-form" onSubmit={submit} noValidate aria-label={form.title}>
      {form.description && <p className="form-description">{form.description}</p>}
      {form.context !== null && (
        <div className="form-context">
          <span className="form-label">Context</span>
          {typeof form.context === 'string' ? <p className="form-display">{form.context}</p> : <JsonTree value={form.context} />}
        </div>
      )}
      {form.fields.map((field) => {
        const Field = fieldComponents[field.fieldType];
        return (
          <Field
            key={field.key}
            field={field}
            id={`${idPrefix}-${field.key}`}
            value={values[field.key] ?? null}
            onChange={(value) => change(field.key, value)}
            problem={problems[field.key]}
            disabled={sending}
            onDecide={field === decision ? decide : undefined}
          />
        );
      })}
      {refusal && <p className="form-refusal" role="alert">{refusal}</p>}
      <div className="form-actions">
        {decision ? (
          sending && <span className="muted" role="status">Sending…</span>
        ) : (
          <button type="submit" className="primary" disabled={sending}>{sending ? 'Sending…' : submitLabel}</button>
        )}
        {onSkip && (
          <button type="button" onClick={() => void send(onSkip)} disabled={sending}>Skip</button>
        )}
      </div>
    </form>
  );
}
