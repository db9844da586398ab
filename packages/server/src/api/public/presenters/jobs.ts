// Jobs → Airbyte's JobResponse: `jobType` sync or reset, ISO-8601 times, the duration as an
// ISO-8601 period, and the rows and bytes of its attempts.
import type { JobWithAttempts } from '../../../services/jobs';

/** `PT1H2M3S`, whole seconds (Airbyte's Duration.toString without the fraction). */
export function isoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}

export function toJobResponse({ job, attempts }: JobWithAttempts) {
  const finished = job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
  const startTime = job.startedAt ?? job.createdAt;
  return {
    jobId: job.id,
    status: job.status,
    jobType: job.configType === 'reset_connection' ? 'reset' : 'sync',
    connectionId: job.connectionId,
    startTime: startTime.toISOString(),
    lastUpdatedAt: job.updatedAt.toISOString(),
    ...(finished ? { duration: isoDuration(job.updatedAt.getTime() - startTime.getTime()) } : {}),
    rowsSynced: attempts.reduce((sum, a) => sum + a.recordsSynced, 0),
    bytesSynced: attempts.reduce((sum, a) => sum + a.bytesSynced, 0),
  };
}
