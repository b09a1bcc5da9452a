/**
 * The form a HumanQuery task or a HumanTrigger shows, as the server sends it in `form`
 * (see server/nodes/humanForm.ts): plain JSON, read defensively so a surprising value
 * shows as an empty field rather than breaking the page.
 */
export const FIELD_TYPES = [
  'display', 'display_image', 'approve_reject', 'select', 'multi_select', 'select_input',
  'multi_select_input', 'text_input', 'textarea', 'editable_text_input', 'editable_textarea',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

export interface FormField {
  key: string;
  fieldType: FieldType;
  label: string;
  required: boolean;
  /** Choices of the select fields, static or from the run. */
  options: string[];
  /** What a display field shows, or what an editable field starts with. */
  value: unknown;
  approveLabel: string;
  rejectLabel: string;
  placeholder?: string;
}

export interface FormSchema {
  title: string;
  description: string | null;
  /** The HumanQuery's optional context input, shown above the fields. */
  context: unknown;
  fields: FormField[];
}

const SHOWN_ONLY: readonly FieldType[] = ['display', 'display_image'];

/** Display fields are shown, never answered. */
export const isAnswerable = (field: FormField): boolean => !SHOWN_ONLY.includes(field.fieldType);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const textOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

function readField(raw: unknown): FormField | null {
  if (!isRecord(raw) || typeof raw.key !== 'string') return null;
  if (!(FIELD_TYPES as readonly unknown[]).includes(raw.fieldType)) return null;
  return {
    key: raw.key,
    fieldType: raw.fieldType as FieldType,
    label: textOr(raw.label, raw.key),
    required: raw.required === true,
    options: Array.isArray(raw.options) ? raw.options.filter((option): option is string => typeof option === 'string') : [],
    value: raw.value ?? null,
    approveLabel: textOr(raw.approveLabel, 'Approve'),
    rejectLabel: textOr(raw.rejectLabel, 'Reject'),
    placeholder: typeof raw.placeholder === 'string' ? raw.placeholder : undefined,
  };
}

export function readFormSchema(raw: unknown): FormSchema {
  const form = isRecord(raw) ? raw : {};
  return {
    title: textOr(form.title, 'Your answer is needed'),
    description: typeof form.description === 'string' && form.description !== '' ? form.description : null,
    context: form.context ?? null,
    fields: (Array.isArray(form.fields) ? form.fields : []).map(readField).filter((field): field is FormField => field !== null),
  };
}
