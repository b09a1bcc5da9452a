import { z } from 'zod';
import { runConstant } from './constant';
import type { NodeDefinition } from '../definition';

export const numberNode: NodeDefinition = {
  type: 'Number',
  description: 'A fixed number.',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'value', type: 'Number' }],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    value: z.number().optional().describe('The value this node outputs'),
  }),
  isTrigger: false,
  runs: true,
  run: runConstant,
};
