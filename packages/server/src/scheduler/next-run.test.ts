import { describe, expect, it } from 'vitest';
import { isDue, nextRunAt } from './next-run';

const at = (iso: string) => new Date(iso);
const cron = (cronExpression: string, cronTimeZone = 'UTC') => ({ type: 'cron' as const, cronExpression, cronTimeZone });

describe('nextRunAt', () => {
  it('runs a scheduled connection that never ran at once', () => {
    const now = at('2025-03-10T12:00:00Z');
    expect(nextRunAt({ type: 'basic', units: 24, timeUnit: 'hours' }, null, now)).toEqual(now);
    expect(nextRunAt(cron('0 2 * * 1-5'), null, now)).toEqual(now);
  });

  it('adds basic intervals to the last job, calendar months clamped', () => {
    const last = at('2025-01-31T10:00:00Z');
    expect(nextRunAt({ type: 'basic', units: 90, timeUnit: 'minutes' }, last, last)).toEqual(at('2025-01-31T11:30:00Z'));
    expect(nextRunAt({ type: 'basic', units: 1, timeUnit: 'weeks' }, last, last)).toEqual(at('2025-02-07T10:00:00Z'));
    expect(nextRunAt({ type: 'basic', units: 1, timeUnit: 'months' }, last, last)).toEqual(at('2025-02-28T10:00:00Z'));
  });

  it('reads Unix cron in the connection time zone', () => {
    const last = at('2025-03-07T12:00:00Z'); // a Friday
    expect(nextRunAt(cron('0 */6 * * *'), last, last)).toEqual(at('2025-03-07T18:00:00Z'));
    // 02:00 in Paris (UTC+1 in March before DST), weekdays only: Monday.
    expect(nextRunAt(cron('0 2 * * 1-5', 'Europe/Paris'), last, last)).toEqual(at('2025-03-10T01:00:00Z'));
    expect(nextRunAt(cron('0 0 1 * *'), last, last)).toEqual(at('2025-04-01T00:00:00Z'));
  });

  it("reads Airbyte's Quartz cron (seconds, ?, Sunday=1 weekdays)", () => {
    const last = at('2025-03-07T12:00:00Z');
    expect(nextRunAt(cron('0 0 */6 * * ?'), last, last)).toEqual(at('2025-03-07T18:00:00Z'));
    expect(nextRunAt(cron('0 0 2 ? * 2-6', 'America/New_York'), last, last)).toEqual(at('2025-03-10T06:00:00Z'));
    expect(nextRunAt(cron('0 0 12 * * ? *'), last, last)).toEqual(at('2025-03-08T12:00:00Z'));
  });
});

describe('isDue', () => {
  it('is due once after missed slots: the next slot after the last job is in the past', () => {
    const last = at('2025-03-01T00:00:00Z');
    // Down for a week: many 6-hourly slots were missed; the schedule is simply due.
    expect(isDue(cron('0 */6 * * *'), last, at('2025-03-08T09:00:00Z'))).toBe(true);
    // The run that catches up becomes the last job; the next one waits for the next slot.
    expect(isDue(cron('0 */6 * * *'), at('2025-03-08T09:00:05Z'), at('2025-03-08T09:00:10Z'))).toBe(false);
  });
});
