import { z } from 'zod';
import { runConstant } from './constant';
import type { NodeDefinition } from '../definition';

export const booleanNode: NodeDefinition = {
  type: 'Boolean',
  description: 'A fixed true or false.',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'value', type: 'Boolean' }],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    value: z.boolean().optional().describe('The value this node outputs'),
  }),
  isTrigger: false,
  runs: true,
  run: runConstant,
};
