import { isAnswerable, readFormSchema } from '../../forms/formSchema';

export interface AnsweredField {
  key: string;
  label: string;
  /** The answer as a person reads it: a decision by its label, a list joined, "—" for nothing. */
  text: string;
}

function answerText(value: unknown, approveLabel: string, rejectLabel: string, isDecision: boolean): string {
  if (value === null || value === undefined || value === '') return '—';
  if (isDecision) return value === true || value === 'approve' ? approveLabel : rejectLabel;
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(String).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What was answered to each answerable field of a task's form, in the form's order. */
export function answerSummary(form: unknown, answer: unknown): AnsweredField[] {
  const given = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : {};
  return readFormSchema(form).fields.filter(isAnswerable).map((field) => ({
    key: field.key,
    label: field.label,
    text: answerText(given[field.key], field.approveLabel, field.rejectLabel, field.fieldType === 'approve_reject'),
  }));
}
