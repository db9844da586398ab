// Triggering a sync and following its job, for the CLI, e2e and the benchmark.
import { setTimeout as sleep } from 'node:timers/promises';
import { isActiveJobStatus } from '@platform/api-types';
import { unwrap, type PlatformClient, type Schemas } from './client';

export type JobInfo = Schemas['JobInfoRead'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ConnectionNotFoundError extends Error {
  override name = 'ConnectionNotFoundError';
}

/** A connection by id, or by name across every workspace. */
export async function findConnection(client: PlatformClient, nameOrId: string): Promise<Schemas['ConnectionRead']> {
  if (UUID.test(nameOrId)) return unwrap('connections/get', client.POST('/v1/connections/get', { body: { connectionId: nameOrId } }));
  const { workspaces } = await unwrap('workspaces/list', client.POST('/v1/workspaces/list'));
  const known: string[] = [];
  for (const { workspaceId } of workspaces) {
    const { connections } = await unwrap('connections/list', client.POST('/v1/connections/list', { body: { workspaceId } }));
    const active = connections.filter((c) => c.status !== 'deprecated');
    const found = active.find((c) => c.name === nameOrId);
    if (found) return found;
    known.push(...active.map((c) => `"${c.name}"`));
  }
  throw new ConnectionNotFoundError(`no connection named "${nameOrId}" (known: ${known.join(', ') || 'none'})`);
}

export async function startSync(client: PlatformClient, connectionId: string): Promise<JobInfo> {
  return unwrap('connections/sync', client.POST('/v1/connections/sync', { body: { connectionId } }));
}

/** Polls jobs/get until the job succeeded, failed or was cancelled. */
export async function waitForJob(
  client: PlatformClient,
  jobId: number,
  { onUpdate, intervalMs = 500, timeoutMs = 30 * 60_000 }: { onUpdate?: (job: JobInfo) => void; intervalMs?: number; timeoutMs?: number } = {},
): Promise<JobInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await unwrap('jobs/get', client.POST('/v1/jobs/get', { body: { id: jobId } }));
    onUpdate?.(job);
    if (!isActiveJobStatus(job.job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${job.job.status} after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(intervalMs);
  }
}

/** Records and bytes the job's latest attempt has moved so far (emitted while running, synced at the end). */
export function jobProgress(job: JobInfo): { records: number; bytes: number } {
  const attempt = job.attempts.at(-1)?.attempt;
  const stats = attempt?.totalStats;
  return {
    records: Math.max(attempt?.recordsSynced ?? 0, stats?.recordsCommitted ?? 0, stats?.recordsEmitted ?? 0),
    bytes: Math.max(attempt?.bytesSynced ?? 0, stats?.bytesCommitted ?? 0, stats?.bytesEmitted ?? 0),
  };
}

/** The user-facing reason a job failed, from its latest attempt's failure summary. */
export function jobFailureMessage(job: JobInfo): string | undefined {
  const failures = job.attempts.at(-1)?.attempt.failureSummary?.failures ?? [];
  return failures.map((f) => f.externalMessage ?? f.internalMessage).filter(Boolean).join('; ') || undefined;
}
