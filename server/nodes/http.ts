import { z } from 'zod';
import type { NodeDefinition } from './definition';

export const httpNode: NodeDefinition = {
  type: 'Http',
  description: 'Sends an HTTP request. url and method may also be set in config.',
  category: 'Network',
  inputs: [
    { name: 'url', type: 'String' },
    { name: 'method', type: 'String' },
    { name: 'headers', type: 'Dict[String, String]', optional: true },
    { name: 'body', type: 'JsonDict', optional: true },
  ],
  outputs: [
    { name: 'status', type: 'Number' },
    { name: 'body', type: 'JsonDict' },
    { name: 'headers', type: 'Dict[String, String]' },
  ],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    timeoutSeconds: z.number().positive().optional().describe('Time limit of the request'),
  }),
  isTrigger: false,
  runs: true,
};
