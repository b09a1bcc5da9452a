import { z } from 'zod';
import { runConstant } from './constant';
import type { NodeDefinition } from '../definition';

export const dictNode: NodeDefinition = {
  type: 'Dict',
  description: 'A fixed dictionary; declare its output type to narrow it.',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'value', type: 'Dict[String, JsonDict]' }],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    value: z.record(z.string(), z.json()).optional().describe('The value this node outputs'),
  }),
  isTrigger: false,
  runs: true,
  run: runConstant,
};
