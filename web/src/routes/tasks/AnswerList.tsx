import { answerSummary } from './answerSummary';

/** A closed task's answer, field by field. */
export function AnswerList({ form, answer }: { form: unknown; answer: unknown }) {
  const fields = answerSummary(form, answer);
  if (fields.length === 0) return null;
  return (
    <dl className="task-answer" aria-label="Answer">
      {fields.map((field) => (
        <div key={field.key} className="task-answer-row" data-field-key={field.key}>
          <dt>{field.label}</dt>
          <dd>{field.text}</dd>
        </div>
      ))}
    </dl>
  );
}
