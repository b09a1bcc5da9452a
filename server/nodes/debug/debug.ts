import { z } from 'zod';
import type { NodeDefinition } from '../definition';

export const debugNode: NodeDefinition = {
  type: 'Debug',
  description: 'Shows whatever arrives, null included.',
  category: 'Debug',
  inputs: [{ name: 'data', type: 'JsonDict', optional: true }],
  outputs: [],
  declaredInputs: 'none',
  declaredOutputs: 'none',
  config: z.object({}),
  isTrigger: false,
  runs: true,
  async run({ inputs }) {
    return { outputs: {}, details: { data: inputs.data ?? null } };
  },
};
