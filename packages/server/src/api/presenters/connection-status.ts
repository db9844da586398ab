// A connection and its latest jobs → Airbyte's ConnectionStatusRead (connections/status), derived
// as Airbyte's ConnectionsHandler.getConnectionStatuses does.
import { isActiveJobStatus } from '@platform/api-types';
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { JobWithAttempts } from '../../services/jobs';
import { toApiSchedule } from '../../services/schedule';
import type { ConnectionRecord } from '../../store/config-store';
import { toJobRead } from './jobs';

/** `jobs` are the connection's syncs and resets, newest first. */
export function toConnectionStatusRead({ connection, jobs }: { connection: ConnectionRecord; jobs: JobWithAttempts[] }): ApiSchemas['ConnectionStatusRead'] {
  const newest = jobs[0];
  const active = newest && isActiveJobStatus(newest.job.status) ? newest : undefined;
  // The last sync or reset that ended on its own (a cancel is the user's, not the connection's, outcome).
  const lastEnded = jobs.find((j) => j.job.status === 'succeeded' || j.job.status === 'failed');
  const lastSucceeded = jobs.find((j) => j.job.status === 'succeeded');
  const lastSync = jobs.find((j) => j.job.configType === 'sync');
  const lastAttempt = lastEnded?.attempts.at(-1);
  const failures = lastEnded?.job.status === 'failed' ? [...lastEnded.attempts].reverse().find((a) => a.failureSummary)?.failureSummary?.failures ?? [] : [];
  const hasConfigError = failures.some((f) => f.failureType === 'config_error');
  const { scheduleData } = toApiSchedule(connection.schedule);
  return {
    connectionId: connection.connectionId,
    ...(active ? { activeJob: toJobRead(active) } : {}),
    ...(lastSucceeded ? { lastSuccessfulSync: toJobRead(lastSucceeded).updatedAt } : {}),
    ...(lastEnded ? { lastSyncJobId: lastEnded.job.id } : {}),
    ...(lastAttempt ? { lastSyncAttemptNumber: lastAttempt.attemptNumber } : {}),
    ...(lastSync ? { lastSyncJobCreatedAt: toJobRead(lastSync).createdAt } : {}),
    ...(failures[0] ? { failureReason: failures[0] } : {}),
    ...(scheduleData ? { scheduleData } : {}),
    connectionSyncStatus: syncStatus(connection, jobs, active !== undefined, hasConfigError),
  };
}

function syncStatus(connection: ConnectionRecord, jobs: JobWithAttempts[], running: boolean, hasConfigError: boolean): ApiSchemas['ConnectionSyncStatus'] {
  if (running) return 'running';
  if (hasConfigError) return 'failed';
  if (connection.status !== 'active') return 'paused';
  const newest = jobs[0];
  if (newest?.job.status === 'cancelled') return 'incomplete';
  const lastEnded = jobs.find((j) => j.job.status === 'succeeded' || j.job.status === 'failed');
  if (!lastEnded || newest?.job.configType === 'reset_connection') return 'pending';
  return lastEnded.job.status === 'failed' ? 'incomplete' : 'synced';
}
