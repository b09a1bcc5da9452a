/**
 * The forms of HumanQuery and HumanTrigger, as pure functions the executor drives:
 * build the form a person sees, check their answer, turn it into the node's outputs.
 * A form is plain JSON, so it can be stored with its task and checked later without the program.
 */
import { z } from 'zod';
import type { JsonValue } from '../../weft/types';
import { NodeFailure, type ConfigRecord } from '../definition';
import { fieldList, fieldTakesInput, formFieldSchema, type FieldType, type FormField } from './formFields';

export interface FormFieldSchema {
  key: string;
  fieldType: FieldType;
  label: string;
  required: boolean;
  /** The choices of select and multi_select fields, static or from the input. */
  options?: string[];
  /** What a display field shows, or what an editable field starts with. */
  value?: JsonValue;
  approveLabel?: string;
  rejectLabel?: string;
  placeholder?: string;
}

export interface FormSchema {
  title: string;
  description: string | null;
  /** The HumanQuery's optional context input, shown with the form. */
  context: JsonValue;
  fields: FormFieldSchema[];
}

export interface AnswerProblem {
  /** The field key; empty for the answer as a whole. */
  field: string;
  message: string;
}

export type AnswerCheck = { ok: true; outputs: Record<string, JsonValue> } | { ok: false; problems: AnswerProblem[] };

const SHOWN_ONLY: FieldType[] = ['display', 'display_image'];
const CHOICES: FieldType[] = ['select', 'select_input', 'multi_select', 'multi_select_input'];
const MULTIPLE: FieldType[] = ['multi_select', 'multi_select_input'];
const PREFILLED: FieldType[] = ['editable_text_input', 'editable_textarea'];

function formFields(config: ConfigRecord): FormField[] {
  const parsed = z.array(formFieldSchema).safeParse(fieldList(config.fields ?? []));
  if (!parsed.success) throw new NodeFailure(`the form's fields are not valid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** `due_date` → `Due date`. */
const labelOf = (key: string): string => {
  const words = key.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const strings = (value: JsonValue | undefined): string[] =>
  Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))) : [];

function fieldSchemaOf(field: FormField, inputs: Record<string, JsonValue>): FormFieldSchema {
  const { key, fieldType } = field;
  const schema: FormFieldSchema = { key, fieldType, label: field.label ?? labelOf(key), required: field.required === true };
  if (CHOICES.includes(fieldType)) schema.options = fieldTakesInput(fieldType) ? strings(inputs[key]) : (field.config?.options ?? []);
  if (fieldTakesInput(fieldType) && !CHOICES.includes(fieldType)) schema.value = inputs[key] ?? null;
  if (fieldType === 'approve_reject') {
    schema.approveLabel = field.config?.approveLabel ?? 'Approve';
    schema.rejectLabel = field.config?.rejectLabel ?? 'Reject';
  }
  if (field.config?.placeholder !== undefined) schema.placeholder = field.config.placeholder;
  return schema;
}

/** The form a person sees, from the node's config and the inputs it received (none for a HumanTrigger). */
export function buildForm(config: ConfigRecord, inputs: Record<string, JsonValue> = {}): FormSchema {
  return {
    title: typeof config.title === 'string' ? config.title : typeof config.label === 'string' ? config.label : 'Your answer is needed',
    description: typeof config.description === 'string' ? config.description : null,
    context: inputs.context ?? null,
    fields: formFields(config).map((field) => fieldSchemaOf(field, inputs)),
  };
}

/** True when a required field fed by an input received null: the node skips, no form is shown. */
export function requiredInputMissing(config: ConfigRecord, inputs: Record<string, JsonValue>): boolean {
  return formFields(config).some((field) => field.required === true && fieldTakesInput(field.fieldType) && (inputs[field.key] ?? null) === null);
}

function choiceSchema(options: string[]) {
  return z.string({ error: 'must be one of the options, as text' }).refine((choice) => options.includes(choice), {
    error: (issue) => `${JSON.stringify(issue.input)} is not one of the options: ${options.join(', ')}`,
  });
}

/** How a given (non-null) answer to a field must look. */
function answerSchemaOf(field: FormFieldSchema): z.ZodType {
  const options = field.options ?? [];
  if (field.fieldType === 'approve_reject') {
    return z.union([z.boolean(), z.enum(['approve', 'reject'])], { error: 'must be "approve" or "reject" (or true / false)' });
  }
  if (MULTIPLE.includes(field.fieldType)) {
    const list = z.array(choiceSchema(options), { error: 'must be a list of options' });
    return field.required ? list.min(1, 'choose at least one option') : list;
  }
  if (CHOICES.includes(field.fieldType)) return choiceSchema(options);
  const text = z.string({ error: 'must be text' });
  return field.required ? text.refine((value) => value.trim() !== '', 'is required') : text;
}

/** Nothing answered: null, or the pre-filled value an editable field starts with. */
function unanswered(field: FormFieldSchema): JsonValue {
  return PREFILLED.includes(field.fieldType) ? (field.value ?? null) : null;
}

function outputsOfField(field: FormFieldSchema, value: JsonValue): Record<string, JsonValue> {
  if (field.fieldType !== 'approve_reject') return { [field.key]: value };
  const approved = value === null ? null : value === true || value === 'approve';
  return {
    [`${field.key}_approved`]: approved === true ? true : null,
    [`${field.key}_rejected`]: approved === false ? true : null,
  };
}

function unknownKeyProblems(form: FormSchema, answer: Record<string, unknown>): AnswerProblem[] {
  const answerable = form.fields.filter((field) => !SHOWN_ONLY.includes(field.fieldType)).map((field) => field.key);
  return Object.keys(answer)
    .filter((key) => !answerable.includes(key))
    .map((key) => ({
      field: key,
      message: form.fields.some((field) => field.key === key)
        ? 'is shown, not answered'
        : `is not a field of this form; its fields are ${answerable.join(', ') || '(none)'}`,
    }));
}

/**
 * Checks an answer ({field key: value}) against the form and gives the node's outputs.
 * Every problem is reported at once. approve_reject takes "approve"/"reject" (or true/false);
 * an editable field left out keeps its pre-filled value; an optional field left out is null.
 */
export function validateAnswer(form: FormSchema, answer: unknown): AnswerCheck {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return { ok: false, problems: [{ field: '', message: 'an answer is an object of field keys to values' }] };
  }
  const given = answer as Record<string, unknown>;
  const problems = unknownKeyProblems(form, given);
  const outputs: Record<string, JsonValue> = {};
  for (const field of form.fields.filter((f) => !SHOWN_ONLY.includes(f.fieldType))) {
    const raw = given[field.key] ?? null;
    const fallback = unanswered(field);
    if (raw === null) {
      if (field.required && fallback === null) problems.push({ field: field.key, message: 'is required' });
      Object.assign(outputs, outputsOfField(field, fallback));
      continue;
    }
    const checked = answerSchemaOf(field).safeParse(raw);
    if (checked.success) Object.assign(outputs, outputsOfField(field, checked.data as JsonValue));
    else problems.push(...checked.error.issues.map((issue) => ({ field: field.key, message: issue.message })));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, outputs };
}
