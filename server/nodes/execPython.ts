import { z } from 'zod';
import type { NodeDefinition } from './definition';

export const execPythonNode: NodeDefinition = {
  type: 'ExecPython',
  description:
    'Runs Python in a separate python3 process with a time limit. The code is a function body: its declared inputs are variables, and it returns a dict of its declared outputs.',
  category: 'Code',
  inputs: [],
  outputs: [],
  declaredInputs: 'any',
  declaredOutputs: 'any',
  config: z.object({
    code: z.string({ error: 'an ExecPython node needs code: a function body that returns a dict of outputs' }),
    timeoutSeconds: z.number().positive().optional().describe('Time limit of one run; the server sets the default'),
  }),
  isTrigger: false,
  runs: true,
};
