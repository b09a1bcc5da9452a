import { z } from 'zod';
import type { NodeDefinition } from './definition';

export const llmInferenceNode: NodeDefinition = {
  type: 'LlmInference',
  description:
    'Asks a language model (an OpenAI-compatible endpoint set by the server). Declare the response type; with parseJson the reply is parsed as JSON and may be split over several declared outputs.',
  category: 'AI',
  inputs: [
    { name: 'prompt', type: 'String' },
    { name: 'config', type: 'JsonDict' },
  ],
  outputs: [{ name: 'response', type: 'String' }],
  declaredInputs: 'none',
  declaredOutputs: 'any',
  config: z.object({
    parseJson: z.boolean().optional().describe('Parse the reply as JSON'),
  }),
  isTrigger: false,
  runs: true,
  derivePorts(config, declared) {
    const parseJson = config.parseJson === true;
    const outputs = declared.outputs?.length
      ? declared.outputs
      : [{ name: 'response', type: parseJson ? 'JsonDict' : 'String' }];
    const splitsReply = outputs.length > 1 || outputs[0]?.name !== 'response';
    const problems =
      splitsReply && !parseJson
        ? [{ path: [], message: 'outputs other than "response" need parseJson: true, so the JSON reply can be split over them' }]
        : [];
    return { inputs: llmInferenceNode.inputs, outputs, problems };
  },
};
