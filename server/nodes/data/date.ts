import { defineNode, type NodeRun } from '../definition';

/** The date text as written; without one, the current UTC time (the `format` field is not used, as in the reference). */
const runDate: NodeRun = async ({ config }) => ({
  outputs: { value: typeof config.value === 'string' ? config.value : new Date().toISOString() },
});

export const dateNode = defineNode('Date', {
  description: 'A date as text, as written; without a value, the time of the run (ISO-8601, UTC).',
  category: 'Data',
  run: runDate,
});
