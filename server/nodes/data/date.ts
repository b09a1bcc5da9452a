import { z } from 'zod';
import { NodeFailure, type NodeDefinition, type NodeRun } from '../definition';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The date as ISO-8601 text: as written when it already is (a date stays a date, a local
 * time stays local), otherwise converted to a UTC date-time. No value gives null, not now:
 * WEFT.md makes Date a fixed value like the other data nodes.
 */
export function isoDate(text: string): string {
  if (ISO_8601.test(text)) return text;
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new NodeFailure(`"${text}" is not a date; write an ISO-8601 date such as "2026-11-24" or "2026-11-24T09:30:00Z"`);
  return new Date(time).toISOString();
}

const runDate: NodeRun = async ({ config }) => ({
  outputs: { value: typeof config.value === 'string' ? isoDate(config.value) : null },
});

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
  run: runDate,
};
