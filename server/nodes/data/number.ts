import { defineNode } from '../definition';
import { runNumber } from './constant';

export const numberNode = defineNode('Number', {
  description: 'A fixed number (numeric text is read as a number).',
  category: 'Data',
  pure: true,
  run: runNumber,
});
