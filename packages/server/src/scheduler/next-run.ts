// When a scheduled connection runs next, derived only from the database (the last job's
// creation time), so schedules survive restarts: a run missed while the platform was down
// is simply due, and runs once, however many slots were missed. A scheduled connection
// that never ran is due at once, as in Airbyte.
import { cronFor } from '../services/schedule';
import type { ConnectionSchedule, TimeUnit } from '../store/config-store';

type Scheduled = Exclude<ConnectionSchedule, { type: 'manual' }>;

const UNIT_MS: Record<Exclude<TimeUnit, 'months'>, number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

/** `from` plus whole calendar months (UTC), the day clamped to the target month's length (Jan 31 + 1 → Feb 28). */
function addMonths(from: Date, months: number): Date {
  const d = new Date(from);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** Null when the schedule never fires again (a cron with a past year). */
export function nextRunAt(schedule: Scheduled, lastJobCreatedAt: Date | null, now: Date): Date | null {
  if (!lastJobCreatedAt) return now;
  if (schedule.type === 'basic') {
    return schedule.timeUnit === 'months' ? addMonths(lastJobCreatedAt, schedule.units) : new Date(lastJobCreatedAt.getTime() + schedule.units * UNIT_MS[schedule.timeUnit]);
  }
  return cronFor(schedule.cronExpression, schedule.cronTimeZone).nextRun(lastJobCreatedAt);
}

export function isDue(schedule: Scheduled, lastJobCreatedAt: Date | null, now: Date): boolean {
  const next = nextRunAt(schedule, lastJobCreatedAt, now);
  return next !== null && next.getTime() <= now.getTime();
}
