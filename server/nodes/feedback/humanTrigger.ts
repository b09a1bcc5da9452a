import { z } from 'zod';
import type { NodeDefinition } from '../definition';
import { fieldListSchema, fieldPorts } from './formFields';

export const humanTriggerNode: NodeDefinition = {
  type: 'HumanTrigger',
  description: 'A form that starts an execution when a person submits it; each answer is an output.',
  category: 'Triggers',
  inputs: [],
  outputs: [],
  declaredInputs: 'none',
  declaredOutputs: 'none',
  config: z.object({
    title: z.string().optional(),
    description: z.string().optional(),
    fields: fieldListSchema({ allowInputs: false, reservedInputs: [] }),
  }),
  isTrigger: true,
  runs: true,
  derivePorts(config) {
    return { inputs: [], outputs: fieldPorts(config.fields).outputs };
  },
};
