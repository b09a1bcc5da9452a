import { defineNode } from '../definition';
import { runList } from './constant';

export const listNode = defineNode('List', {
  description: 'A fixed list, written as a list or as JSON text; declare its type, e.g. -> (value: List[String]).',
  category: 'Data',
  pure: true,
  run: runList,
});
