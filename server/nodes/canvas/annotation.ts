import { defineNode } from '../definition';

export const annotationNode = defineNode('Annotation', {
  description: 'A note on the canvas. It never runs.',
  category: 'Canvas',
  runs: false,
});
