// How numbers, times and schedules read on every page.
import type { Schemas } from '../api/client';

export function formatNumber(n: number | undefined): string {
  return (n ?? 0).toLocaleString('en-US');
}

export function formatBytes(bytes: number | undefined): string {
  const b = bytes ?? 0;
  if (b < 1024) return `${b} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = b / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function formatTime(epochSeconds: number | undefined): string {
  if (!epochSeconds) return '–';
  return new Date(epochSeconds * 1000).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatAgo(epochSeconds: number | undefined, now = Date.now()): string {
  if (!epochSeconds) return 'never';
  const s = Math.round(now / 1000 - epochSeconds);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function formatSchedule(type: Schemas['ConnectionScheduleType'], data?: Schemas['ConnectionScheduleData']): string {
  if (type === 'manual') return 'Manual';
  if (type === 'cron') return `Cron ${data?.cron?.cronExpression ?? ''} (${data?.cron?.cronTimeZone ?? 'UTC'})`;
  const basic = data?.basicSchedule;
  return basic ? `Every ${basic.units} ${basic.units === 1 ? basic.timeUnit.replace(/s$/, '') : basic.timeUnit}` : 'Scheduled';
}
