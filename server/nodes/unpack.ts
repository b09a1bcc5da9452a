import { z } from 'zod';
import type { NodeDefinition } from './definition';

export const unpackNode: NodeDefinition = {
  type: 'Unpack',
  description: 'Splits a dictionary into its declared outputs, one per key.',
  category: 'Data',
  inputs: [{ name: 'in', type: 'Dict[String, JsonDict]' }],
  outputs: [],
  declaredInputs: 'none',
  declaredOutputs: 'any',
  config: z.object({}),
  isTrigger: false,
  runs: true,
};
