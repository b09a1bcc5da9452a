import { z } from 'zod';
import type { NodeDefinition } from '../definition';

export const llmConfigNode: NodeDefinition = {
  type: 'LlmConfig',
  description: 'Settings for LlmInference: model, system prompt, temperature.',
  category: 'AI',
  inputs: [],
  outputs: [{ name: 'config', type: 'JsonDict' }],
  declaredInputs: 'none',
  declaredOutputs: 'none',
  config: z.object({
    model: z.string({ error: 'an LlmConfig needs a model name' }).min(1),
    systemPrompt: z.string().optional(),
    temperature: z.number().min(0).max(2).optional(),
    apiKey: z.string().optional().describe('Overrides the server-wide key'),
    baseUrl: z.url().optional().describe('Overrides the server-wide OpenAI-compatible endpoint (LLM_BASE_URL)'),
  }),
  isTrigger: false,
  runs: true,
  /** The settings that are set, as one dict for LlmInference's config input. */
  async run({ config }) {
    const settings = ['model', 'systemPrompt', 'temperature', 'apiKey', 'baseUrl'].filter((key) => config[key] !== undefined);
    return { outputs: { config: Object.fromEntries(settings.map((key) => [key, config[key]!])) } };
  },
};
