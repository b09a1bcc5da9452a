import { defineNode } from '../definition';
import { runText } from './constant';

export const textNode = defineNode('Text', {
  description: 'A fixed piece of text.',
  category: 'Data',
  pure: true,
  run: runText,
});
