// One scheduler pass: enqueue a sync for every active scheduled connection that is due and
// has no unfinished job (no overlapping runs; the unique index on unfinished jobs also
// guards against a race with connections/sync or another scheduler).
import type { Logger } from '../shared/logger';
import type { Pool } from '../store/db';
import type { JobStore } from '../store/job-store';
import { sleep } from '../shared/backoff';
import { runWhileLeader } from './leader';
import { isDue } from './next-run';

export async function runSchedulerPass(jobStore: JobStore, log: Logger): Promise<number[]> {
  const { now, connections } = await jobStore.scheduledConnections();
  const created: number[] = [];
  for (const c of connections) {
    if (c.hasActiveJob) continue;
    try {
      if (!isDue(c.schedule, c.lastJobCreatedAt, now)) continue;
    } catch (err) {
      log.warn('connection has an unusable schedule; skipped', { connectionId: c.connectionId, error: err });
      continue;
    }
    const job = await jobStore.createJob(c.connectionId, 'sync');
    if (job) {
      created.push(job.id);
      log.info('scheduled sync enqueued', { connectionId: c.connectionId, jobId: job.id, schedule: c.schedule });
    }
  }
  return created;
}

export interface SchedulerOptions {
  pool: Pool;
  jobStore: JobStore;
  log: Logger;
  /** Between passes of the leader. */
  tickIntervalMs?: number;
  /** How often a non-leader tries to take over. */
  leaderCheckIntervalMs?: number;
}

/** Runs scheduler passes in whichever worker process holds the leader lock. */
export function startScheduler(options: SchedulerOptions): { stop(): Promise<void> } {
  const { jobStore, log } = options;
  return runWhileLeader({
    pool: options.pool,
    log,
    checkIntervalMs: options.leaderCheckIntervalMs ?? 5000,
    async lead(signal) {
      while (!signal.aborted) {
        try {
          await runSchedulerPass(jobStore, log);
        } catch (err) {
          log.warn('scheduler pass failed', { error: err });
        }
        await sleep(options.tickIntervalMs ?? 10_000, signal);
      }
    },
  });
}
