import { z } from 'zod';
import type { ConfigProblem, NodeDefinition, PortSpec } from '../definition';
import type { JsonValue } from '../../weft/types';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)[^}]*\}\}/g;

/** The input names used by `{{name}}` placeholders, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/** How an input reads inside text: a string as it is, null as nothing, anything else as JSON. */
function asText(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** Replaces each `{{name}}` with the input of that name; anything after the name inside the braces is ignored. */
export function fillTemplate(template: string, inputs: Record<string, JsonValue>): string {
  return template.replace(PLACEHOLDER, (_placeholder, name: string) => asText(inputs[name]));
}

export const templateNode: NodeDefinition = {
  type: 'Template',
  description: 'Fills {{name}} placeholders with its inputs. A placeholder with no declared input becomes a String input.',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'text', type: 'String' }],
  declaredInputs: 'any',
  declaredOutputs: 'none',
  config: z.object({
    template: z.string({ error: 'a Template needs a template (String) with {{name}} placeholders' }),
  }),
  isTrigger: false,
  runs: true,
  async run({ config, inputs }) {
    return { outputs: { text: fillTemplate(typeof config.template === 'string' ? config.template : '', inputs) } };
  },
  derivePorts(config, declared) {
    const template = typeof config.template === 'string' ? config.template : '';
    const used = templatePlaceholders(template);
    const inputs: PortSpec[] = [...(declared.inputs ?? [])];
    for (const name of used) {
      if (!inputs.some((port) => port.name === name)) inputs.push({ name, type: 'String' });
    }
    const problems: ConfigProblem[] = (declared.inputs ?? [])
      .filter((port) => typeof config.template === 'string' && !used.includes(port.name))
      .map((port) => ({
        path: ['template'],
        severity: 'warning',
        message: `input "${port.name}" is declared but the template never uses {{${port.name}}}`,
      }));
    return { inputs, outputs: templateNode.outputs, problems };
  },
};
