import { defineNode } from '../definition';
import { runDict } from './constant';

export const dictNode = defineNode('Dict', {
  description: 'A fixed dictionary, written as an object or as JSON text; declare its type, e.g. -> (value: Dict[String, Number]).',
  category: 'Data',
  pure: true,
  run: runDict,
});
