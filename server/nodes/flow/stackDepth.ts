import { defineNode } from '../definition';

/**
 * The number of lanes gathered into value. The reference outputs an executor-injected
 * `__laneCount__` that nothing injects, so always 1 (NODES.md 2.4, likely bug); we output what it
 * means: the length of the gathered list (1 for a value outside any lanes).
 */
export const stackDepthNode = defineNode('StackDepth', {
  description: 'How many lanes reach it: value gathers them, depth is their count.',
  category: 'Flow',
  pure: true,
  async run({ inputs }) {
    const value = inputs.value;
    return { outputs: { depth: Array.isArray(value) ? value.length : 1 } };
  },
});
