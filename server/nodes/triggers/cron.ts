import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { defineNode } from '../definition';

let secondsFieldAllowed = false;

/**
 * Lets cron expressions have a leading seconds field (6 fields), for tests that cannot wait
 * minutes between ticks. Set once at start from ALLOW_SECOND_CRON; off by default.
 */
export function allowSecondsField(allowed: boolean): void {
  secondsFieldAllowed = allowed;
}

/** Why a cron expression is not a valid 5-field expression (6 with seconds, when allowed), or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && !(secondsFieldAllowed && fields.length === 6)) {
    const withSeconds = secondsFieldAllowed ? ' (or 6 with a leading seconds field)' : '';
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week)${withSeconds}, "${expression}" has ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(expression);
    return undefined;
  } catch (error) {
    return `invalid cron expression "${expression}": ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Why a time zone name is not one this runtime knows (IANA, e.g. "Europe/Oslo"), or undefined. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown time zone "${timezone}": use an IANA name such as "UTC" or "Europe/Oslo"`;
  }
}

/** The first time strictly after `after` that the expression names, read in `timezone`. */
export function nextCronTime(expression: string, timezone: string, after: Date): Date {
  return CronExpressionParser.parse(expression, { currentDate: after, tz: timezone }).next().toDate();
}

export const cronNode = defineNode('Cron', {
  description: 'Starts an execution on a schedule given as a 5-field cron expression.',
  category: 'Triggers',
  outputDescriptions: { scheduledTime: 'When the run was due (ISO-8601)', actualTime: 'When it started (ISO-8601)' },
  settings: {
    cron: z
      .string({ error: 'a Cron node needs cron: a 5-field expression such as "*/5 * * * *"' })
      .check((ctx) => {
        const problem = cronProblem(ctx.value);
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
      })
      .describe('minute hour day-of-month month day-of-week'),
    /** Ours: the reference reads every schedule in UTC. */
    timezone: z
      .string()
      .check((ctx) => {
        const problem = timezoneProblem(ctx.value);
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
      })
      .optional()
      .describe('IANA time zone; UTC when absent'),
  },
});
