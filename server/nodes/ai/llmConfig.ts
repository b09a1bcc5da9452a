import { z } from 'zod';
import { defineNode, isConfigObject } from '../definition';

export const llmConfigNode = defineNode('LlmConfig', {
  description: 'Settings for LlmInference (model, system prompt, temperature, …) as one dict; a wired systemPrompt overrides the field.',
  category: 'AI',
  pure: true,
  settings: {
    /** Ours: the reference always calls OpenRouter. */
    baseUrl: z.url().optional().describe('Overrides the server-wide OpenAI-compatible endpoint (LLM_BASE_URL)'),
  },
  /** Its whole config (label aside), overlaid with every non-null input, as in the reference. */
  async run({ config, inputs }) {
    const { label: _label, ...settings } = config;
    const given = Object.entries(inputs).filter(([, value]) => value !== null);
    const merged = { ...settings, ...Object.fromEntries(given) };
    return { outputs: { config: isConfigObject(merged) ? merged : {} } };
  },
});
