import { z } from 'zod';
import type { NodeDefinition } from '../definition';

export const packNode: NodeDefinition = {
  type: 'Pack',
  description: 'Packs its declared inputs into one dictionary. Honours @require_one_of.',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'out', type: 'Dict[String, JsonDict]' }],
  declaredInputs: 'any',
  declaredOutputs: 'none',
  config: z.object({}),
  isTrigger: false,
  runs: true,
  /** Every declared input becomes a key of out, null ones included. */
  async run({ inputs }) {
    return { outputs: { out: { ...inputs } } };
  },
};
