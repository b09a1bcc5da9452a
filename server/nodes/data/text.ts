import { z } from 'zod';
import { runConstant } from './constant';
import type { NodeDefinition } from '../definition';

export const textNode: NodeDefinition = {
  type: 'Text',
  description: 'A fixed piece of text.',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'value', type: 'String' }],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    value: z.string().optional().describe('The value this node outputs'),
  }),
  isTrigger: false,
  runs: true,
  run: runConstant,
};
