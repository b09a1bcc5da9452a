import { z } from 'zod';
import type { NodeDefinition } from './definition';

export const dateNode: NodeDefinition = {
  type: 'Date',
  description: 'A fixed date or date-time, output as ISO-8601 text.',
  category: 'Data',
  inputs: [],
  outputs: [{ name: 'value', type: 'String' }],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    value: z
      .string()
      .refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO-8601 date such as "2026-11-24" or "2026-11-24T09:30:00Z"')
      .optional()
      .describe('An ISO-8601 date or date-time'),
  }),
  isTrigger: false,
  runs: true,
};
