import { describe, expect, it } from 'vitest';
import { cronFor, resolveSchedule, toApiSchedule } from './schedule';

describe('schedules', () => {
  it('maps the legacy schedule to basic and back', () => {
    const schedule = resolveSchedule({ schedule: { units: 24, timeUnit: 'hours' } });
    expect(schedule).toEqual({ type: 'basic', units: 24, timeUnit: 'hours' });
    expect(toApiSchedule(schedule)).toEqual({
      scheduleType: 'basic',
      schedule: { units: 24, timeUnit: 'hours' },
      scheduleData: { basicSchedule: { units: 24, timeUnit: 'hours' } },
    });
  });

  it('keeps the current schedule when none is sent and prefers scheduleType over the legacy field', () => {
    const current = { type: 'basic', units: 1, timeUnit: 'hours' } as const;
    expect(resolveSchedule({}, current)).toBe(current);
    expect(resolveSchedule({ scheduleType: 'manual', schedule: { units: 2, timeUnit: 'days' } }, current)).toEqual({ type: 'manual' });
  });

  it('reads Unix cron with Sunday=0 and Quartz cron with Sunday=1', () => {
    const from = new Date('2025-01-01T00:00:00Z'); // a Wednesday
    const unixSunday = cronFor('0 2 * * 0', 'UTC').nextRun(from)!;
    const quartzSunday = cronFor('0 0 2 ? * 1', 'UTC').nextRun(from)!;
    expect(unixSunday.toISOString()).toBe('2025-01-05T02:00:00.000Z');
    expect(quartzSunday.toISOString()).toBe('2025-01-05T02:00:00.000Z');
  });

  it('honours the time zone', () => {
    const next = cronFor('0 2 * * *', 'Europe/Paris').nextRun(new Date('2025-01-01T00:00:00Z'))!;
    expect(next.toISOString()).toBe('2025-01-01T01:00:00.000Z');
  });
});
