import { z } from 'zod';
import { runConstant } from './constant';
import type { NodeDefinition } from '../definition';

export const listNode: NodeDefinition = {
  type: 'List',
  description: 'A fixed list; declare its output type to narrow it, e.g. -> (value: List[String]).',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'value', type: 'List[JsonDict]' }],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    value: z.array(z.json()).optional().describe('The value this node outputs'),
  }),
  isTrigger: false,
  runs: true,
  run: runConstant,
};
