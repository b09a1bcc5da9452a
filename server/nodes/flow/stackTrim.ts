import { defineNode } from '../definition';

/**
 * Keeps the first count lanes (NODES.md 2.4): value gathers the lanes, the first min(count, length)
 * items are expanded again downstream. count is truncated to an integer; missing is 0, and 0 keeps
 * nothing (the nodes after it do not run). A value outside any lanes is one lane.
 */
export const stackTrimNode = defineNode('StackTrim', {
  description: 'Keeps the first count lanes and fans them out again.',
  category: 'Flow',
  pure: true,
  async run({ inputs }) {
    const count = typeof inputs.count === 'number' && Number.isFinite(inputs.count) ? Math.max(0, Math.trunc(inputs.count)) : 0;
    const value = inputs.value;
    const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return { outputs: { value: items.slice(0, count) } };
  },
});
