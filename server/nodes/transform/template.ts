import type { JsonValue } from '../../weft/types';
import { defineNode } from '../definition';

/** `{{name}}` with a name of word characters and nothing else inside the braces, as in Weft (`{{ name }}` stays text). */
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** The input names used by `{{name}}` placeholders, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/** How an input reads inside text: a string as it is, null as nothing, anything else as compact JSON. */
function asText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  return value === null ? '' : JSON.stringify(value);
}

/** Replaces each `{{name}}` with the input of that name; a placeholder no input has stays as written. */
export function fillTemplate(template: string, inputs: Record<string, JsonValue>): string {
  return template.replace(PLACEHOLDER, (placeholder, name: string) => (name in inputs ? asText(inputs[name]!) : placeholder));
}

export const templateNode = defineNode('Template', {
  description:
    'Fills {{name}} placeholders of its template input (or template config) with the inputs of those names; a placeholder no input has stays as written.',
  category: 'Data',
  pure: true,
  async run({ config, inputs }) {
    const template = typeof inputs.template === 'string' ? inputs.template : typeof config.template === 'string' ? config.template : '';
    return { outputs: { text: fillTemplate(template, inputs) } };
  },
});
