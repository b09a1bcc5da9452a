import { z } from 'zod';
import type { NodeDefinition } from '../definition';

export const apiPostNode: NodeDefinition = {
  type: 'ApiPost',
  description: "A webhook: a POST to the project's endpoint starts an execution; the declared outputs are the body's fields.",
  category: 'Triggers',
  inputs: [],
  outputs: [{ name: 'receivedAt', type: 'String', description: 'When the POST arrived (ISO-8601)' }],
  declaredInputs: 'none',
  declaredOutputs: 'any',
  config: z.object({
    apiKey: z.string().optional().describe('When set, a POST must carry it in the x-api-key header'),
  }),
  isTrigger: true,
  runs: true,
};
