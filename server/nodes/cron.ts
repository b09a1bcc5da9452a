import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import type { NodeDefinition } from './definition';

/** Why a cron expression is not a valid 5-field expression, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week), "${expression}" has ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(expression);
    return undefined;
  } catch (error) {
    return `invalid cron expression "${expression}": ${error instanceof Error ? error.message : String(error)}`;
  }
}

export const cronNode: NodeDefinition = {
  type: 'Cron',
  description: 'Starts an execution on a schedule given as a 5-field cron expression.',
  category: 'Triggers',
  inputs: [],
  outputs: [
    { name: 'scheduledTime', type: 'String', description: 'When the run was due (ISO-8601)' },
    { name: 'actualTime', type: 'String', description: 'When it started (ISO-8601)' },
  ],
  declaredInputs: 'none',
  declaredOutputs: 'none',
  config: z.object({
    cron: z
      .string({ error: 'a Cron node needs cron: a 5-field expression such as "*/5 * * * *"' })
      .check((ctx) => {
        const problem = cronProblem(ctx.value);
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
      })
      .describe('minute hour day-of-month month day-of-week'),
    timezone: z.string().optional().describe('IANA time zone; UTC when absent'),
  }),
  isTrigger: true,
  runs: true,
};
