import { afterEach, describe, expect, it } from '@jest/globals';
import { allowSecondsField, cronProblem, nextCronTime, timezoneProblem } from './cron';

describe('cron expressions', () => {
  afterEach(() => allowSecondsField(false));

  it('have 5 fields; a leading seconds field only when ALLOW_SECOND_CRON turned it on', () => {
    expect(cronProblem('*/5 * * * *')).toBeUndefined();
    expect(cronProblem('*/2 * * * * *')).toContain('has 6');
    allowSecondsField(true);
    expect(cronProblem('*/2 * * * * *')).toBeUndefined();
    expect(cronProblem('* * * *')).toContain('(or 6 with a leading seconds field)');
  });

  it('name their next time strictly after a moment, read in a time zone', () => {
    const newYear = new Date('2026-01-01T00:00:00Z');
    expect(nextCronTime('0 9 * * *', 'UTC', newYear).toISOString()).toBe('2026-01-01T09:00:00.000Z');
    expect(nextCronTime('0 9 * * *', 'Europe/Oslo', newYear).toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(nextCronTime('0 0 * * *', 'UTC', newYear).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('know IANA time zones', () => {
    expect(timezoneProblem('America/New_York')).toBeUndefined();
    expect(timezoneProblem('Mars/Base')).toContain('unknown time zone');
  });
});
