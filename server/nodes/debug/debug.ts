import { defineNode } from '../definition';

export const debugNode = defineNode('Debug', {
  description: 'Shows what arrives on data; a null skips it, as in Weft (data is required).',
  category: 'Debug',
  pure: true,
  async run({ inputs }) {
    return { outputs: {}, details: { data: inputs.data ?? null } };
  },
});
