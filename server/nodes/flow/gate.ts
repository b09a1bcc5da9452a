import { defineNode } from '../definition';

export const gateNode = defineNode('Gate', {
  description: 'Passes value on unless pass is false; a false pass outputs null, so what follows skips. A null pass or value skips it.',
  category: 'Flow',
  pure: true,
  async run({ inputs }) {
    return { outputs: { value: inputs.pass === false ? null : (inputs.value ?? null) } };
  },
});
