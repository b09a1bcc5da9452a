import { z } from 'zod';
import type { NodeDefinition } from '../definition';

export const annotationNode: NodeDefinition = {
  type: 'Annotation',
  description: 'A note on the canvas. It never runs.',
  category: 'Canvas',
  inputs: [],
  outputs: [],
  declaredInputs: 'none',
  declaredOutputs: 'none',
  config: z.object({
    content: z.string({ error: 'an Annotation needs content (String)' }),
  }),
  isTrigger: false,
  runs: false,
};
