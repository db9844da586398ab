// Connection schedules: the legacy `schedule {units, timeUnit}` and the newer
// `scheduleType` + `scheduleData` are two spellings of one thing (ConnectionSchedule).
// Cron accepts Quartz (6–7 fields, as Airbyte) and Unix (5 fields) expressions.
import { Cron } from 'croner';
import type { ApiSchemas } from '../schemas/api-schemas';
import { invalidField } from '../shared/errors';
import type { ConnectionSchedule } from '../store/config-store';

export interface ScheduleInput {
  schedule?: ApiSchemas['ConnectionSchedule'];
  scheduleType?: ApiSchemas['ConnectionScheduleType'];
  scheduleData?: ApiSchemas['ConnectionScheduleData'];
}

const QUARTZ_FIELD_MAX = [59, 59, 23, 31, 12, 7, 2099];

/**
 * A croner job (paused) for a cron expression in a time zone; the scheduler uses it for
 * next-run times. Quartz specifics: Sunday=1 weekdays and `0/15` steps.
 */
export function cronFor(expression: string, timeZone: string): Cron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 5) return new Cron(fields.join(' '), { timezone: timeZone, paused: true, mode: '5-part' });
  const quartz = fields.map((f, i) => f.replace(/(^|,)(\d+)\/(\d+)/g, (_, sep, start, step) => `${sep}${start}-${QUARTZ_FIELD_MAX[i]}/${step}`));
  return new Cron(quartz.join(' '), { timezone: timeZone, paused: true, mode: '6-or-7-parts', alternativeWeekdays: true });
}

function validateTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw invalidField('scheduleData.cron.cronTimeZone', `unknown time zone "${timeZone}"; use an IANA name such as UTC or Europe/Paris`);
  }
}

function validateCron(expression: string, timeZone: string): void {
  validateTimeZone(timeZone);
  const path = 'scheduleData.cron.cronExpression';
  let job: Cron;
  try {
    job = cronFor(expression, timeZone);
  } catch (err) {
    throw invalidField(path, `invalid cron expression "${expression}": ${(err as Error).message.replace(/^CronPattern: /, '')}`);
  }
  const [first, second] = job.nextRuns(2);
  if (!first) throw invalidField(path, `cron expression "${expression}" never fires`);
  // A sync per second or more is never intended (Airbyte refuses it too).
  if (second && second.getTime() - first.getTime() < 60_000) {
    throw invalidField(path, `cron expression "${expression}" fires more than once a minute; fix the seconds field (e.g. "0 ...")`);
  }
}

/**
 * The schedule a create/update asks for. Fields left out keep `current` (manual for a new
 * connection). `scheduleType` wins over the legacy `schedule` when both are sent.
 */
export function resolveSchedule(input: ScheduleInput, current: ConnectionSchedule = { type: 'manual' }): ConnectionSchedule {
  const type = input.scheduleType ?? (input.schedule || input.scheduleData?.basicSchedule ? 'basic' : input.scheduleData?.cron ? 'cron' : undefined);
  switch (type) {
    case undefined:
      return current;
    case 'manual':
      return { type: 'manual' };
    case 'basic': {
      const basic = input.scheduleData?.basicSchedule ?? input.schedule;
      if (!basic) throw invalidField('scheduleData.basicSchedule', 'is required when scheduleType is basic (or send the legacy schedule {units, timeUnit})');
      return { type: 'basic', units: basic.units, timeUnit: basic.timeUnit };
    }
    case 'cron': {
      const cron = input.scheduleData?.cron;
      if (!cron) throw invalidField('scheduleData.cron', 'is required when scheduleType is cron');
      validateCron(cron.cronExpression, cron.cronTimeZone);
      return { type: 'cron', cronExpression: cron.cronExpression.trim(), cronTimeZone: cron.cronTimeZone };
    }
  }
}

export interface CronRuns {
  /** The expression as stored (trimmed) and its time zone. */
  schedule: Extract<ConnectionSchedule, { type: 'cron' }>;
  runs: Date[];
}

/**
 * The next `count` runs of a cron expression, computed as the scheduler computes them; refused
 * (422) exactly as connections/create|update refuse it, so the UI refuses what the API would.
 */
export function nextCronRuns(cronExpression: string, cronTimeZone: string, count: number): CronRuns {
  const schedule = resolveSchedule({ scheduleType: 'cron', scheduleData: { cron: { cronExpression, cronTimeZone } } });
  if (schedule.type !== 'cron') throw new Error('a cron schedule resolved to another type');
  return { schedule, runs: cronFor(schedule.cronExpression, cronTimeZone).nextRuns(count) };
}

/** The API's three schedule fields for a stored schedule (legacy `schedule` only for basic, as Airbyte). */
export function toApiSchedule(schedule: ConnectionSchedule): Required<Pick<ScheduleInput, 'scheduleType'>> & ScheduleInput {
  switch (schedule.type) {
    case 'manual':
      return { scheduleType: 'manual' };
    case 'basic':
      return {
        scheduleType: 'basic',
        schedule: { units: schedule.units, timeUnit: schedule.timeUnit },
        scheduleData: { basicSchedule: { units: schedule.units, timeUnit: schedule.timeUnit } },
      };
    case 'cron':
      return { scheduleType: 'cron', scheduleData: { cron: { cronExpression: schedule.cronExpression, cronTimeZone: schedule.cronTimeZone } } };
  }
}
