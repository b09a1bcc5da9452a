import { defineNode } from '../definition';
import { runBoolean } from './constant';

export const booleanNode = defineNode('Boolean', {
  description: 'A fixed true or false (only true, "true" and "1" are true).',
  category: 'Data',
  pure: true,
  run: runBoolean,
});
