import { defineNode } from '../definition';

export const packNode = defineNode('Pack', {
  description: 'Packs its inputs into one dictionary, null ones included.',
  category: 'Data',
  async run({ inputs }) {
    return { outputs: { out: { ...inputs } } };
  },
});
