/** The form fields of HumanQuery and HumanTrigger, and the ports they give. */
import { z } from 'zod';
import { didYouMean } from '../../weft/suggest';
import { isConfigObject, type ConfigProblem, type PortSpec } from '../definition';
import { FORM_FIELD_PORTS, FORM_FIELD_TYPES, formInputType, type FormFieldType } from '../../weft/ports';
import type { JsonValue } from '../../weft/types';

export const FIELD_TYPES = FORM_FIELD_TYPES;
export type FieldType = FormFieldType;

/** Field types whose choices are static `options`. */
const NEEDS_OPTIONS: ReadonlySet<FieldType> = new Set(['select', 'multi_select']);

export const fieldTakesInput = (fieldType: FieldType): boolean => FORM_FIELD_PORTS[fieldType].input !== undefined;

export const formFieldSchema = z.object({
  fieldType: z.enum(FIELD_TYPES, {
    error: (issue) =>
      issue.input === undefined
        ? 'every field needs a fieldType'
        : `unknown fieldType ${JSON.stringify(issue.input)}${didYouMean(String(issue.input), FIELD_TYPES)}; ` +
          `use one of ${FIELD_TYPES.join(', ')}`,
  }),
  key: z
    .string({ error: (issue) => (issue.input === undefined ? 'every field needs a key' : 'a field key is a string') })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a field key is a name of letters, digits and _ (it names a port)'),
  label: z.string().optional(),
  required: z.boolean().optional(),
  config: z
    .looseObject({
      options: z.array(z.string()).optional().describe('Static choices of select and multi_select'),
      approveLabel: z.string().optional(),
      rejectLabel: z.string().optional(),
      placeholder: z.string().optional(),
    })
    .optional(),
});

export type FormField = z.infer<typeof formFieldSchema>;

interface FieldListRules {
  /** HumanTrigger forms start an execution, so no field can be fed by an input. */
  allowInputs: boolean;
  reservedInputs: string[];
}

/** A field as far as it can be read, even when the list is invalid elsewhere. */
function readableField(value: JsonValue): { fieldType: FieldType; key: string; required: boolean; config: JsonValue } | undefined {
  if (!isConfigObject(value)) return undefined;
  const { fieldType, key, required, config } = value;
  if (typeof key !== 'string' || !(FIELD_TYPES as readonly unknown[]).includes(fieldType)) return undefined;
  return { fieldType: fieldType as FieldType, key, required: required === true, config: config ?? null };
}

function fieldListProblems(fields: JsonValue[], rules: FieldListRules): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const inputNames = new Map(rules.reservedInputs.map((name) => [name, 'the node itself']));
  const outputNames = new Map<string, string>();
  const claim = (names: Map<string, string>, name: string, owner: string, path: (string | number)[]): void => {
    const previous = names.get(name);
    if (previous === undefined) names.set(name, owner);
    else problems.push({ path, message: `port "${name}" is already taken by ${previous}; give this field another key` });
  };
  fields.forEach((raw, index) => {
    const field = readableField(raw);
    if (!field) return;
    const ports = FORM_FIELD_PORTS[field.fieldType];
    const owner = `field ${index + 1} (${field.key})`;
    const path = [index, 'key'];
    if (ports.input !== undefined && !rules.allowInputs) {
      problems.push({ path: [index, 'fieldType'], message: `a ${field.fieldType} field needs an input, and a HumanTrigger form has none` });
    }
    if (ports.input !== undefined) claim(inputNames, field.key, owner, path);
    if (ports.output !== undefined) claim(outputNames, field.key, owner, path);
    for (const { suffix } of ports.suffixed ?? []) claim(outputNames, field.key + suffix, owner, path);
    const options = isConfigObject(field.config) ? field.config.options : undefined;
    if (NEEDS_OPTIONS.has(field.fieldType) && (!Array.isArray(options) || options.length === 0)) {
      problems.push({ path: [index], message: `a ${field.fieldType} field needs config.options, a non-empty list of choices` });
    }
  });
  return problems;
}

/** The zod schema of a field list, with the cross-field rules (duplicate keys, options…). */
export function fieldListSchema(rules: FieldListRules) {
  const list = z.array(formFieldSchema, { error: 'a form needs fields: a list of {"fieldType": …, "key": …}' }).superRefine(
    (fields, ctx) => {
      if (!Array.isArray(fields)) return;
      for (const problem of fieldListProblems(fields as JsonValue[], rules)) {
        ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
      }
    },
    // Check the list as a whole even when a field is broken, so every problem is reported at once.
    { when: () => true },
  );
  // The reference also takes the list as JSON text.
  return z.preprocess((value) => (typeof value === 'string' ? fieldList(value) : value), list);
}

/** `config.fields` as a list: the reference also takes it as JSON text of one. */
export function fieldList(fields: JsonValue | undefined): JsonValue[] {
  if (typeof fields === 'string') {
    try {
      const parsed = JSON.parse(fields) as JsonValue;
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return Array.isArray(fields) ? fields : [];
}

/**
 * The ports a field list gives, as the reference derives them (NODES.md 1.11): a field's inputs are
 * required unless it says `required: false`, its outputs always optional. Unreadable fields and
 * unknown field types give none (the schema reports them).
 */
export function fieldPorts(fields: JsonValue | undefined): { inputs: PortSpec[]; outputs: PortSpec[] } {
  const inputs: PortSpec[] = [];
  const outputs: PortSpec[] = [];
  for (const raw of fieldList(fields)) {
    const field = readableField(raw);
    if (!field) continue;
    const ports = FORM_FIELD_PORTS[field.fieldType];
    const required = !isConfigObject(raw) || raw.required !== false;
    if (ports.input !== undefined) {
      const type = formInputType(ports, field.key)!;
      inputs.push({ name: field.key, type, optional: !required });
    }
    if (ports.output !== undefined) outputs.push({ name: field.key, type: ports.output, optional: true });
    for (const { suffix, type } of ports.suffixed ?? []) outputs.push({ name: field.key + suffix, type, optional: true });
  }
  return { inputs, outputs };
}
