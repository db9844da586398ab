// Job-end follow-up and the webhook outbox (migration 005). A worker takes one ended job at a
// time (SKIP LOCKED), and in one transaction reads what the follow-up needs, lets the caller
// decide, disables the connection when told and queues the notifications: a crash loses
// nothing and no job is followed up twice.
import type { ApiSchemas } from '../schemas/api-schemas';
import { withTransaction, type Pool } from './db';

export type NotificationSettingKey = keyof ApiSchemas['NotificationSettings'];

export interface EndedJob {
  jobId: number;
  configType: 'sync' | 'reset_connection';
  status: 'succeeded' | 'failed';
  startedAt: Date | null;
  endedAt: Date;
  workspace: { id: string; name: string; notificationSettings: ApiSchemas['NotificationSettings'] };
  connection: { id: string; name: string; status: ApiSchemas['ConnectionStatus'] };
  source: { id: string; name: string };
  destination: { id: string; name: string };
  /** Summed over the job's attempts. */
  stats: { recordsEmitted: number; bytesEmitted: number; recordsCommitted: number; bytesCommitted: number };
  /** The last attempt's first failure, when the job failed. */
  failure: { type: string | null; message: string | null } | null;
  /** Failed sync jobs of the connection since its last successful one, this one included. */
  consecutiveFailures: number;
}

export interface EndedJobPlan {
  disableConnection: boolean;
  notifications: Array<{ setting: NotificationSettingKey; payload: unknown }>;
}

export interface DueDelivery {
  id: number;
  setting: NotificationSettingKey;
  payload: unknown;
  /** Deliveries tried before this one. */
  deliveries: number;
  /** The workspace's current webhook for the setting; null when it no longer sends there. */
  webhook: string | null;
}

export class NotificationStore {
  constructor(private readonly pool: Pool) {}

  /** Follows up one ended job; false when none is waiting. */
  async handleNextEndedJob(decide: (job: EndedJob) => EndedJobPlan): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `SELECT j.id, j.config_type, j.status, j.started_at, j.ended_at, j.connection_id,
                c.name AS connection_name, c.status AS connection_status,
                s.source_id, s.name AS source_name, d.destination_id, d.name AS destination_name,
                w.workspace_id, w.name AS workspace_name, w.notification_settings
           FROM jobs j
           JOIN connections c ON c.connection_id = j.connection_id
           JOIN sources s ON s.source_id = c.source_id
           JOIN destinations d ON d.destination_id = c.destination_id
           JOIN workspaces w ON w.workspace_id = c.workspace_id
          WHERE j.end_handled_at IS NULL AND j.status IN ('succeeded', 'failed')
          ORDER BY j.id LIMIT 1 FOR UPDATE OF j, c SKIP LOCKED`,
      );
      const r = rows[0];
      if (!r) return false;
      // One client runs one query at a time: these go in turn.
      const stats = await client.query(
        `SELECT COALESCE(sum((total_stats->>'recordsEmitted')::bigint), 0)::float8 AS records_emitted,
                COALESCE(sum((total_stats->>'bytesEmitted')::bigint), 0)::float8 AS bytes_emitted,
                COALESCE(sum((total_stats->>'recordsCommitted')::bigint), 0)::float8 AS records_committed,
                COALESCE(sum((total_stats->>'bytesCommitted')::bigint), 0)::float8 AS bytes_committed
           FROM attempts WHERE job_id = $1`,
        [r.id],
      );
      const failure = await client.query(
        `SELECT failure_summary->'failures'->0->>'failureType' AS type, failure_summary->'failures'->0->>'externalMessage' AS message
           FROM attempts WHERE job_id = $1 ORDER BY attempt_number DESC LIMIT 1`,
        [r.id],
      );
      // Cancelled jobs neither break nor extend a streak; resets do not count.
      const streak = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM jobs
          WHERE connection_id = $1 AND config_type = 'sync' AND status = 'failed' AND id <= $2
            AND id > COALESCE((SELECT max(id) FROM jobs WHERE connection_id = $1 AND config_type = 'sync' AND status = 'succeeded' AND id <= $2), 0)`,
        [r.connection_id, r.id],
      );
      const s = stats.rows[0];
      const f = failure.rows[0];
      const plan = decide({
        jobId: Number(r.id),
        configType: r.config_type,
        status: r.status,
        startedAt: r.started_at,
        endedAt: r.ended_at ?? new Date(),
        workspace: { id: r.workspace_id, name: r.workspace_name, notificationSettings: r.notification_settings ?? {} },
        connection: { id: r.connection_id, name: r.connection_name, status: r.connection_status },
        source: { id: r.source_id, name: r.source_name },
        destination: { id: r.destination_id, name: r.destination_name },
        stats: { recordsEmitted: s.records_emitted, bytesEmitted: s.bytes_emitted, recordsCommitted: s.records_committed, bytesCommitted: s.bytes_committed },
        failure: r.status === 'failed' ? { type: f?.type ?? null, message: f?.message ?? null } : null,
        consecutiveFailures: r.status === 'failed' ? streak.rows[0].n : 0,
      });
      if (plan.disableConnection) {
        await client.query(`UPDATE connections SET status = 'inactive', updated_at = now() WHERE connection_id = $1 AND status = 'active'`, [r.connection_id]);
      }
      for (const n of plan.notifications) {
        await client.query('INSERT INTO notification_outbox (workspace_id, setting, job_id, payload) VALUES ($1, $2, $3, $4)', [
          r.workspace_id,
          n.setting,
          r.id,
          JSON.stringify(n.payload),
        ]);
      }
      await client.query('UPDATE jobs SET end_handled_at = now() WHERE id = $1', [r.id]);
      return true;
    });
  }

  /**
   * Takes up to `limit` due deliveries and leases them for `leaseMs` (another worker skips
   * them meanwhile; a worker dying mid-delivery leaves them due again after the lease).
   */
  async claimDueDeliveries(limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const { rows } = await this.pool.query(
      `WITH due AS (
         SELECT id FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE notification_outbox o SET next_attempt_at = now() + $2 * interval '1 millisecond'
         FROM due, workspaces w
        WHERE o.id = due.id AND w.workspace_id = o.workspace_id
       RETURNING o.id, o.setting, o.payload, o.deliveries,
         CASE WHEN w.notification_settings->o.setting->'notificationType' ? 'slack'
              THEN NULLIF(w.notification_settings->o.setting->'slackConfiguration'->>'webhook', '') END AS webhook`,
      [limit, leaseMs],
    );
    return rows
      .map((r) => ({ id: Number(r.id), setting: r.setting, payload: r.payload, deliveries: r.deliveries, webhook: r.webhook }))
      .sort((a, b) => a.id - b.id);
  }

  async markDelivered(id: number): Promise<void> {
    await this.pool.query(
      `UPDATE notification_outbox SET status = 'delivered', deliveries = deliveries + 1, delivered_at = now(), last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  async markRetry(id: number, error: string, retryInMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE notification_outbox SET deliveries = deliveries + 1, last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond' WHERE id = $1`,
      [id, error, retryInMs],
    );
  }

  /** Ends a delivery for good: `failed` after the last retry, `skipped` when there is nowhere to send. */
  async markGivenUp(id: number, status: 'failed' | 'skipped', error: string): Promise<void> {
    await this.pool.query(
      `UPDATE notification_outbox SET status = $2, deliveries = deliveries + CASE WHEN $2 = 'failed' THEN 1 ELSE 0 END, last_error = $3 WHERE id = $1`,
      [id, status, error],
    );
  }
}
