import { z } from 'zod';
import type { NodeDefinition } from '../definition';

export const gateNode: NodeDefinition = {
  type: 'Gate',
  description: 'Passes value on when pass is true; otherwise outputs null, so what follows skips.',
  category: 'Flow',
  inputs: [
    { name: 'pass', type: 'Boolean', optional: true },
    { name: 'value', type: 'JsonDict' },
  ],
  outputs: [{ name: 'value', type: 'JsonDict' }],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({}),
  isTrigger: false,
  runs: true,
  async run({ inputs }) {
    return { outputs: { value: inputs.pass === true ? (inputs.value ?? null) : null } };
  },
};
