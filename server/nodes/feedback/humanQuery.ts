import { z } from 'zod';
import type { NodeDefinition } from '../definition';
import { fieldListSchema, fieldPorts } from './formFields';

export const humanQueryNode: NodeDefinition = {
  type: 'HumanQuery',
  description:
    'Pauses the execution on a form until a person answers. Fields fed by the graph become inputs; answers become outputs.',
  category: 'Human',
  inputs: [{ name: 'context', type: 'JsonDict', optional: true }],
  outputs: [],
  declaredInputs: 'none',
  declaredOutputs: 'none',
  config: z.object({
    title: z.string().optional(),
    description: z.string().optional(),
    fields: fieldListSchema({ allowInputs: true, reservedInputs: ['context'] }),
  }),
  isTrigger: false,
  runs: true,
  derivePorts(config) {
    const ports = fieldPorts(config.fields);
    return { inputs: [...ports.inputs, ...humanQueryNode.inputs], outputs: ports.outputs };
  },
};
