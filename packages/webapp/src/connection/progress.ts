// What a job's latest attempt has moved, and how the Status tab summarizes streams.
import type { Schemas } from '../api/client';

type JobWithAttempts = Schemas['JobWithAttemptsRead'];

/** Records and bytes so far: emitted while running, committed/synced once it ended. */
export function attemptProgress(attempt: Schemas['AttemptRead'] | undefined): { records: number; bytes: number } {
  const stats = attempt?.totalStats;
  return {
    records: Math.max(attempt?.recordsSynced ?? 0, stats?.recordsCommitted ?? 0, stats?.recordsEmitted ?? 0),
    bytes: Math.max(attempt?.bytesSynced ?? 0, stats?.bytesCommitted ?? 0, stats?.bytesEmitted ?? 0),
  };
}

export function jobRecords(job: JobWithAttempts): { records: number; bytes: number } {
  return attemptProgress(job.attempts.at(-1));
}

export function jobDurationSeconds(job: JobWithAttempts, now = Date.now() / 1000): number {
  const start = job.job.startedAt ?? job.job.createdAt;
  const ended = ['succeeded', 'failed', 'cancelled'].includes(job.job.status);
  return (ended ? job.job.updatedAt : now) - start;
}

export interface StreamStatus {
  name: string;
  namespace?: string | null;
  /** The last finished job that covered the stream. */
  lastStatus?: Schemas['JobStatus'];
  records?: number;
  /** End of the last successful sync that covered the stream (epoch seconds). */
  freshAt?: number;
}

/** Per selected stream: the last finished sync's outcome and records, and when it last succeeded. */
export function streamStatuses(streams: { name: string; namespace?: string | null }[], jobs: JobWithAttempts[]): StreamStatus[] {
  const finished = jobs.filter((j) => j.job.configType === 'sync' && ['succeeded', 'failed', 'cancelled'].includes(j.job.status));
  return streams.map((s) => {
    const statsOf = (j: JobWithAttempts) => j.attempts.at(-1)?.streamStats?.find((st) => st.streamName === s.name && (st.streamNamespace ?? null) === (s.namespace ?? null));
    const last = finished.find((j) => statsOf(j)) ?? finished[0];
    const success = finished.find((j) => j.job.status === 'succeeded');
    const stats = last && statsOf(last)?.stats;
    return {
      name: s.name,
      namespace: s.namespace,
      lastStatus: last?.job.status,
      records: stats ? Math.max(stats.recordsCommitted ?? 0, stats.recordsEmitted ?? 0) : undefined,
      freshAt: success ? (success.attempts.at(-1)?.endedAt ?? success.job.updatedAt) : undefined,
    };
  });
}
