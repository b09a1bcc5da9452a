import { isAnswerable, type FormField, type FormSchema } from './formSchema';

/** What a person has entered in one field so far. */
export type FieldValue = string | string[] | null;

export type FormValues = Record<string, FieldValue>;

/** Problems by field key; the key "" holds problems of the answer as a whole. */
export type FieldProblems = Record<string, string>;

const PREFILLED = new Set(['editable_text_input', 'editable_textarea']);
const MULTIPLE = new Set(['multi_select', 'multi_select_input']);
const SINGLE_CHOICE = new Set(['select', 'select_input']);

function startingValue(field: FormField): FieldValue {
  if (PREFILLED.has(field.fieldType)) {
    if (typeof field.value === 'string') return field.value;
    return field.value === null ? '' : JSON.stringify(field.value);
  }
  if (MULTIPLE.has(field.fieldType)) return [];
  if (field.fieldType === 'text_input' || field.fieldType === 'textarea') return '';
  return null;
}

/** The values a form starts with: editable fields pre-filled, everything else empty. */
export function startingValues(form: FormSchema): FormValues {
  return Object.fromEntries(form.fields.filter(isAnswerable).map((field) => [field.key, startingValue(field)]));
}

function problemOf(field: FormField, value: FieldValue): string | null {
  const empty = value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
  // A decision left out would give neither output (both null): approve/reject always needs one.
  if (empty && field.fieldType === 'approve_reject') return `Choose ${field.approveLabel} or ${field.rejectLabel}`;
  if (empty) return field.required ? 'Required' : null;
  if (SINGLE_CHOICE.has(field.fieldType) && !field.options.includes(value as string)) {
    return `Choose one of: ${field.options.join(', ')}`;
  }
  if (MULTIPLE.has(field.fieldType)) {
    const unknown = (value as string[]).filter((choice) => !field.options.includes(choice));
    if (unknown.length > 0) return `Not an option: ${unknown.join(', ')}`;
  }
  return null;
}

/** Checks what was entered the way the server will: required fields, and choices among the options. */
export function problemsOf(form: FormSchema, values: FormValues): FieldProblems {
  const problems: FieldProblems = {};
  for (const field of form.fields.filter(isAnswerable)) {
    const problem = problemOf(field, values[field.key] ?? null);
    if (problem) problems[field.key] = problem;
  }
  return problems;
}

/**
 * The answer to send: `{ key: value }`. An optional field left empty is left out (its output
 * is null); an editable field is always sent, so clearing it is not mistaken for keeping the
 * pre-filled text.
 */
export function answerOf(form: FormSchema, values: FormValues): Record<string, string | string[]> {
  const answer: Record<string, string | string[]> = {};
  for (const field of form.fields.filter(isAnswerable)) {
    const value = values[field.key] ?? null;
    if (value === null) continue;
    if (PREFILLED.has(field.fieldType)) answer[field.key] = value;
    else if (typeof value === 'string' ? value.trim() !== '' : value.length > 0) answer[field.key] = value;
  }
  return answer;
}

/** The form's decision, when it has exactly one approve/reject field: its labels are the submit buttons. */
export function decisionFieldOf(form: FormSchema): FormField | null {
  const decisions = form.fields.filter((field) => field.fieldType === 'approve_reject');
  return decisions.length === 1 ? (decisions[0] ?? null) : null;
}
