// What /metrics reports, read from the platform database at scrape time: every worker writes
// its jobs there, so one scrape of any API server sees all of them.
import type { Pool } from './db';

export interface ConnectionLabel {
  connectionId: string;
  connectionName: string;
}

export interface MetricsSnapshot {
  /** Records and bytes of every attempt of the connection's sync jobs. */
  synced: Array<ConnectionLabel & { records: number; bytes: number }>;
  /** Each ended sync job's run time (first attempt's start to the end). */
  durations: Array<ConnectionLabel & { status: 'succeeded' | 'failed'; seconds: number }>;
  /** Failure reasons of failed attempts, counted by type and origin. */
  failures: Array<{ failureType: string; failureOrigin: string; count: number }>;
  runningJobs: number;
  queuedJobs: number;
  /** Connections (not deleted) with their last successful sync's end, and the age of it. */
  freshness: Array<ConnectionLabel & { lastSuccessAt: Date | null; ageSeconds: number | null }>;
}

export class MetricsStore {
  constructor(private readonly pool: Pool) {}

  async snapshot(): Promise<MetricsSnapshot> {
    const [synced, durations, failures, jobs, freshness] = await Promise.all([
      this.pool.query(
        `SELECT c.connection_id, c.name, sum(a.records_synced)::float8 AS records, sum(a.bytes_synced)::float8 AS bytes
           FROM attempts a JOIN jobs j ON j.id = a.job_id JOIN connections c ON c.connection_id = j.connection_id
          WHERE j.config_type = 'sync' GROUP BY c.connection_id, c.name`,
      ),
      this.pool.query(
        `SELECT c.connection_id, c.name, j.status, extract(epoch FROM j.ended_at - j.started_at)::float8 AS seconds
           FROM jobs j JOIN connections c ON c.connection_id = j.connection_id
          WHERE j.config_type = 'sync' AND j.status IN ('succeeded', 'failed') AND j.started_at IS NOT NULL AND j.ended_at IS NOT NULL`,
      ),
      this.pool.query(
        `SELECT COALESCE(f->>'failureType', 'unknown') AS failure_type, COALESCE(f->>'failureOrigin', 'unknown') AS failure_origin, count(*)::int AS n
           FROM attempts a, jsonb_array_elements(COALESCE(a.failure_summary->'failures', '[]'::jsonb)) AS f
          WHERE a.status = 'failed' GROUP BY 1, 2`,
      ),
      this.pool.query(
        `SELECT count(*) FILTER (WHERE status = 'running')::int AS running, count(*) FILTER (WHERE status IN ('pending', 'incomplete'))::int AS queued
           FROM jobs WHERE status IN ('pending', 'running', 'incomplete')`,
      ),
      this.pool.query(
        `SELECT c.connection_id, c.name, s.ended_at, extract(epoch FROM now() - s.ended_at)::float8 AS age
           FROM connections c
           LEFT JOIN LATERAL (SELECT max(ended_at) AS ended_at FROM jobs
                               WHERE connection_id = c.connection_id AND config_type = 'sync' AND status = 'succeeded') s ON true
          WHERE c.status <> 'deprecated'`,
      ),
    ]);
    const label = (r: any): ConnectionLabel => ({ connectionId: r.connection_id, connectionName: r.name });
    return {
      synced: synced.rows.map((r) => ({ ...label(r), records: r.records, bytes: r.bytes })),
      durations: durations.rows.map((r) => ({ ...label(r), status: r.status, seconds: Math.max(0, r.seconds) })),
      failures: failures.rows.map((r) => ({ failureType: r.failure_type, failureOrigin: r.failure_origin, count: r.n })),
      runningJobs: jobs.rows[0].running,
      queuedJobs: jobs.rows[0].queued,
      freshness: freshness.rows.map((r) => ({ ...label(r), lastSuccessAt: r.ended_at, ageSeconds: r.age === null ? null : Math.max(0, r.age) })),
    };
  }
}
