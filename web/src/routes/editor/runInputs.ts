import type { GraphNode } from '../../graph/toFlow';
import { isAnswerable, readFormSchema, type FormSchema } from '../../forms/formSchema';

/** Trigger nodes a run can be given values for: their outputs are what a manual run starts with. */
export function triggersTakingInputs(nodes: readonly GraphNode[]): GraphNode[] {
  return nodes.filter((node) => node.isTrigger && node.outputs.length > 0);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fieldsOf(config: Record<string, unknown>): unknown[] {
  let fields = config.fields;
  if (typeof fields === 'string') {
    try {
      fields = JSON.parse(fields);
    } catch {
      return [];
    }
  }
  return Array.isArray(fields) ? fields : [];
}

/** `due_date` → `Due date`, as the server labels a field without one. */
const labelOf = (key: string): string => {
  const words = key.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A HumanTrigger's form, read from the node's config the way the server builds it (no inputs: a trigger has none). */
export function humanTriggerForm(node: GraphNode): FormSchema {
  const config = isRecord(node.config) ? node.config : {};
  const fields = fieldsOf(config).filter(isRecord).map((field) => {
    const fieldConfig = isRecord(field.config) ? field.config : {};
    const key = typeof field.key === 'string' ? field.key : '';
    return {
      key,
      fieldType: field.fieldType,
      label: typeof field.label === 'string' ? field.label : labelOf(key),
      required: field.required === true,
      options: Array.isArray(fieldConfig.options) ? fieldConfig.options : [],
      approveLabel: fieldConfig.approveLabel,
      rejectLabel: fieldConfig.rejectLabel,
      placeholder: fieldConfig.placeholder,
    };
  });
  const title = typeof config.title === 'string' ? config.title : (node.label ?? node.id);
  return readFormSchema({ title, description: config.description, fields });
}

/** A form's answer as the HumanTrigger's outputs: a decision gives `{key}_approved` / `{key}_rejected`. */
export function outputsOfAnswer(form: FormSchema, answer: Record<string, string | string[]>): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const field of form.fields.filter(isAnswerable)) {
    const value = answer[field.key] ?? null;
    if (field.fieldType === 'approve_reject') {
      outputs[`${field.key}_approved`] = value === 'approve' ? true : null;
      outputs[`${field.key}_rejected`] = value === 'reject' ? true : null;
    } else {
      outputs[field.key] = value;
    }
  }
  return outputs;
}
