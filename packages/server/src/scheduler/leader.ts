// Leader election among worker processes with a Postgres session advisory lock: the holder
// of the lock runs the scheduler; the others retry now and then. The lock lives as long as
// the leader's database session, so a leader that dies or loses the database gives it up.
import type { Logger } from '../shared/logger';
import type { Pool, PoolClient } from '../store/db';
import { sleep } from '../shared/backoff';

/** Shared by every process of the platform: "airlock scheduler leader" (migrations use 727_001). */
export const SCHEDULER_LOCK_KEY = 727_002;

export interface LeaderOptions {
  pool: Pool;
  log: Logger;
  /** How often a follower tries to become leader, and the leader checks its session. */
  checkIntervalMs: number;
  /** Runs while leading; must return promptly once `signal` aborts. */
  lead(signal: AbortSignal): Promise<void>;
}

export function runWhileLeader(options: LeaderOptions): { stop(): Promise<void> } {
  const stopped = new AbortController();
  const done = (async () => {
    while (!stopped.signal.aborted) {
      let client: PoolClient | undefined;
      try {
        client = await options.pool.connect();
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [SCHEDULER_LOCK_KEY]);
        if (rows[0].locked) await lead(client, options, stopped.signal);
      } catch (err) {
        options.log.warn('scheduler leadership check failed', { error: err });
      } finally {
        // Destroying the session (not returning it to the pool) is what releases the lock.
        client?.release(true);
      }
      await sleep(options.checkIntervalMs, stopped.signal);
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await done;
    },
  };
}

async function lead(client: PoolClient, options: LeaderOptions, stopped: AbortSignal): Promise<void> {
  options.log.info('this process is now the scheduler leader');
  const leadership = new AbortController();
  const end = () => leadership.abort();
  stopped.addEventListener('abort', end, { once: true });
  client.on('error', end);
  const leading = options.lead(leadership.signal);
  try {
    while (!leadership.signal.aborted) {
      await sleep(options.checkIntervalMs, leadership.signal);
      if (!leadership.signal.aborted) await client.query('SELECT 1');
    }
  } finally {
    end();
    stopped.removeEventListener('abort', end);
    await leading;
    options.log.info('this process is no longer the scheduler leader');
  }
}
