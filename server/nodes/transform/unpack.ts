import { defineNode, isConfigObject, outputsOf } from '../definition';

export const unpackNode = defineNode('Unpack', {
  description: 'Splits a dictionary into its declared outputs, one per key; a missing key (or a value that is not a dictionary) gives null.',
  category: 'Data',
  pure: true,
  async run(context) {
    const dict = context.inputs.in;
    return { outputs: outputsOf(context, isConfigObject(dict) ? dict : {}) };
  },
});
