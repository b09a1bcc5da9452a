import { defineNode } from '../definition';

export const packNode = defineNode('Pack', {
  description: 'Packs its inputs into one dictionary, null ones included.',
  category: 'Data',
  pure: true,
  async run({ inputs }) {
    return { outputs: { out: { ...inputs } } };
  },
});
