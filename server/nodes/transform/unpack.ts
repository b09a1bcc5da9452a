import { z } from 'zod';
import { isConfigObject, NodeFailure, outputsOf, type NodeDefinition } from '../definition';

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
  /** A declared output whose key the dictionary lacks is null. */
  async run(context) {
    const dict = context.inputs.in;
    if (!isConfigObject(dict)) throw new NodeFailure(`Unpack needs a dictionary on "in"; it got ${JSON.stringify(dict)}`);
    return { outputs: outputsOf(context, dict) };
  },
};
