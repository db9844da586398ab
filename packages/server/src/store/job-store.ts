// Jobs, attempts, attempt logs and connection state (migration 002). Every query the worker,
// the scheduler and the job service run lives here. Worker writes are fenced: they apply only
// while the attempt is still `running` under the same worker, so a worker that lost its
// attempt (stale heartbeat, reaped) can never advance state or overwrite the outcome.
import type { AirbyteStateMessage, StreamDescriptor } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import { ACTIVE_JOB_STATUSES, type JobStatus } from '@platform/api-types';
import type { ConnectionSchedule } from './config-store';
import { withTransaction, type Pool, type PoolClient } from './db';

export type JobConfigType = 'sync' | 'reset_connection';
export type { JobStatus };
export type AttemptStatus = ApiSchemas['AttemptStatus'];
export type AttemptStats = ApiSchemas['AttemptStats'];
export type AttemptStreamStats = ApiSchemas['AttemptStreamStats'];
export type AttemptFailureSummary = ApiSchemas['AttemptFailureSummary'];

export interface Job {
  id: number;
  configType: JobConfigType;
  connectionId: string;
  status: JobStatus;
  /** Streams a reset covers; null = all of the connection's streams. */
  resetStreams: StreamDescriptor[] | null;
  cancelRequested: boolean;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
}

export interface Attempt {
  id: number;
  jobId: number;
  attemptNumber: number;
  status: AttemptStatus;
  workerId: string;
  recordsSynced: number;
  bytesSynced: number;
  totalStats: AttemptStats;
  streamStats: AttemptStreamStats[];
  failureSummary: AttemptFailureSummary | null;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

export interface AttemptProgress {
  recordsSynced: number;
  bytesSynced: number;
  totalStats: AttemptStats;
  streamStats: AttemptStreamStats[];
}

/** What happens to the job when its attempt ends; decided by the caller inside the transaction. */
export type JobOutcome = { status: 'succeeded' | 'failed' | 'cancelled' } | { status: 'incomplete'; retryInMs: number };

export interface AttemptEnd {
  status: 'succeeded' | 'failed';
  failureSummary?: AttemptFailureSummary;
  progress?: AttemptProgress;
  /** A failed attempt's streams that were committed completely all the same. */
  completedStreams?: StreamDescriptor[];
  /** Sees the job as locked in the transaction (a cancel may have just arrived). */
  decide(job: Job): JobOutcome;
}

export interface StoredState {
  stateType: 'STREAM' | 'GLOBAL' | 'LEGACY';
  namespace: string | null;
  /** '' for the connection-level row of GLOBAL (shared_state) and LEGACY state. */
  name: string;
  state: Record<string, unknown> | null;
}

export interface ScheduledConnection {
  connectionId: string;
  schedule: Exclude<ConnectionSchedule, { type: 'manual' }>;
  lastJobCreatedAt: Date | null;
  hasActiveJob: boolean;
}

export interface JobFilter {
  configTypes: JobConfigType[];
  connectionId?: string;
  statuses?: JobStatus[];
  limit: number;
  offset: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const JOB_COLUMNS = 'id, config_type, connection_id, status, reset_streams, cancel_requested_at, created_at, updated_at, started_at';

function toJob(r: Record<string, any>): Job {
  return {
    id: r.id,
    configType: r.config_type,
    connectionId: r.connection_id,
    status: r.status,
    resetStreams: r.reset_streams,
    cancelRequested: r.cancel_requested_at !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
  };
}

function toAttempt(r: Record<string, any>): Attempt {
  return {
    id: r.id,
    jobId: r.job_id,
    attemptNumber: r.attempt_number,
    status: r.status,
    workerId: r.worker_id,
    recordsSynced: r.records_synced,
    bytesSynced: r.bytes_synced,
    totalStats: r.total_stats,
    streamStats: r.stream_stats,
    failureSummary: r.failure_summary,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    endedAt: r.ended_at,
  };
}

/** The channel migration 004's trigger notifies when a job becomes claimable. */
const JOB_QUEUE_CHANNEL = 'job_queue';

export class JobStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Holds one pooled session on `LISTEN job_queue` and calls `onJob` at each notification;
   * `onLost` when that session fails (the database restarted). Returns the way to stop.
   */
  async listenForJobs(onJob: () => void, onLost: (err: Error) => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    const notified = (message: { channel: string }) => {
      if (message.channel === JOB_QUEUE_CHANNEL) onJob();
    };
    const lost = (err: Error) => {
      client.off('notification', notified);
      client.release(err);
      onLost(err);
    };
    client.on('notification', notified);
    client.once('error', lost);
    try {
      await client.query(`LISTEN ${JOB_QUEUE_CHANNEL}`);
    } catch (err) {
      client.off('error', lost);
      client.off('notification', notified);
      client.release(err as Error);
      throw err;
    }
    return async () => {
      client.off('error', lost);
      client.off('notification', notified);
      // A session given back to the pool must not keep listening.
      const ended = await client.query(`UNLISTEN ${JOB_QUEUE_CHANNEL}`).then(() => undefined, (err: Error) => err);
      client.release(ended);
    };
  }

  // ------------------------------------------------------------------ enqueue and read

  /** Creates a job unless the connection already has an unfinished one; then returns null. */
  async createJob(connectionId: string, configType: JobConfigType, resetStreams: StreamDescriptor[] | null = null): Promise<Job | null> {
    const { rows } = await this.pool.query(
      `INSERT INTO jobs (connection_id, config_type, reset_streams) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id) WHERE status IN ('pending', 'running', 'incomplete') DO NOTHING -- the partial index's predicate, as written in migration 002
       RETURNING ${JOB_COLUMNS}`,
      [connectionId, configType, resetStreams === null ? null : JSON.stringify(resetStreams)],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async activeJob(connectionId: string): Promise<Job | null> {
    const { rows } = await this.pool.query(`SELECT ${JOB_COLUMNS} FROM jobs WHERE connection_id = $1 AND status = ANY($2)`, [connectionId, ACTIVE_JOB_STATUSES]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async getJob(id: number): Promise<Job | null> {
    const { rows } = await this.pool.query(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** Newest first, with the total matching the filter (for pagination). */
  async listJobs(filter: JobFilter): Promise<{ jobs: Job[]; total: number }> {
    const where = ['config_type = ANY($1)'];
    const params: unknown[] = [filter.configTypes];
    if (filter.connectionId !== undefined) {
      // configId is free text in the API; a non-UUID names no connection.
      if (!UUID.test(filter.connectionId)) return { jobs: [], total: 0 };
      where.push(`connection_id = $${params.push(filter.connectionId)}`);
    }
    if (filter.statuses?.length) where.push(`status = ANY($${params.push(filter.statuses)})`);
    const condition = where.join(' AND ');
    const [page, count] = await Promise.all([
      this.pool.query(`SELECT ${JOB_COLUMNS} FROM jobs WHERE ${condition} ORDER BY created_at DESC, id DESC LIMIT ${filter.limit} OFFSET ${filter.offset}`, params),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE ${condition}`, params),
    ]);
    return { jobs: page.rows.map(toJob), total: count.rows[0].n };
  }

  async attemptsOf(jobIds: number[]): Promise<Attempt[]> {
    const { rows } = await this.pool.query('SELECT * FROM attempts WHERE job_id = ANY($1) ORDER BY job_id, attempt_number', [jobIds]);
    return rows.map(toAttempt);
  }

  /** Streams completed by earlier attempts of the job, which a retry need not redo. */
  async completedStreams(jobId: number): Promise<StreamDescriptor[]> {
    const { rows } = await this.pool.query<{ name: string; namespace: string | null }>(
      `SELECT DISTINCT s.name, s.namespace FROM attempts a, jsonb_to_recordset(a.completed_streams) AS s(name text, namespace text) WHERE a.job_id = $1`,
      [jobId],
    );
    return rows.map((r) => ({ name: r.name, namespace: r.namespace }));
  }

  async attemptLogs(attemptId: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ line: string }>('SELECT line FROM attempt_logs WHERE attempt_id = $1 ORDER BY id', [attemptId]);
    return rows.map((r) => r.line);
  }

  /** One page of a job attempt's log, with the attempt's line count; null when no such attempt. */
  async attemptLogPage(jobId: number, attemptNumber: number, offset: number, limit: number): Promise<{ lines: string[]; total: number } | null> {
    const { rows: attempts } = await this.pool.query<{ id: number }>('SELECT id FROM attempts WHERE job_id = $1 AND attempt_number = $2', [jobId, attemptNumber]);
    if (!attempts[0]) return null;
    const attemptId = attempts[0].id;
    const [page, count] = await Promise.all([
      this.pool.query<{ line: string }>('SELECT line FROM attempt_logs WHERE attempt_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [attemptId, limit, offset]),
      this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM attempt_logs WHERE attempt_id = $1', [attemptId]),
    ]);
    return { lines: page.rows.map((r) => r.line), total: count.rows[0].n };
  }

  /**
   * A pending or retry-waiting job is cancelled at once; a running one is marked, and its
   * worker kills the replication and ends the job as cancelled.
   */
  async requestCancel(jobId: number): Promise<Job | null> {
    const { rows } = await this.pool.query(
      `UPDATE jobs SET
         status = CASE WHEN status IN ('pending', 'incomplete') THEN 'cancelled' ELSE status END,
         cancel_requested_at = CASE WHEN status = 'running' THEN COALESCE(cancel_requested_at, now()) ELSE cancel_requested_at END,
         ended_at = CASE WHEN status IN ('pending', 'incomplete') THEN now() ELSE ended_at END,
         updated_at = now()
       WHERE id = $1 RETURNING ${JOB_COLUMNS}`,
      [jobId],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  // ------------------------------------------------------------------ worker

  /** Takes the oldest claimable job and opens its next attempt; null when nothing is due. */
  async claimNextJob(workerId: string): Promise<{ job: Job; attempt: Attempt } | null> {
    return withTransaction(this.pool, async (client) => {
      const claimed = await client.query(
        `WITH next AS (
           SELECT id FROM jobs WHERE status IN ('pending', 'incomplete') AND run_after <= now()
           ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
         FROM next WHERE jobs.id = next.id RETURNING ${JOB_COLUMNS.split(', ').map((c) => `jobs.${c}`).join(', ')}`,
      );
      if (!claimed.rows[0]) return null;
      const job = toJob(claimed.rows[0]);
      const attempt = await client.query(
        `INSERT INTO attempts (job_id, attempt_number, worker_id)
         VALUES ($1, (SELECT COALESCE(max(attempt_number) + 1, 0) FROM attempts WHERE job_id = $1), $2) RETURNING *`,
        [job.id, workerId],
      );
      return { job, attempt: toAttempt(attempt.rows[0]) };
    });
  }

  /** Null when the attempt is no longer ours (reaped or finished elsewhere). */
  async heartbeat(attemptId: number, workerId: string): Promise<{ cancelRequested: boolean } | null> {
    const { rows } = await this.pool.query<{ cancel_requested: boolean }>(
      `UPDATE attempts a SET heartbeat_at = now() FROM jobs j
       WHERE a.id = $1 AND a.worker_id = $2 AND a.status = 'running' AND j.id = a.job_id
       RETURNING j.cancel_requested_at IS NOT NULL AS cancel_requested`,
      [attemptId, workerId],
    );
    return rows[0] ? { cancelRequested: rows[0].cancel_requested } : null;
  }

  /** Those of `attemptIds` that are still running (their workers may be writing spill files). */
  async runningAttemptIds(attemptIds: number[]): Promise<Set<number>> {
    if (attemptIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: number }>(`SELECT id FROM attempts WHERE id = ANY($1) AND status = 'running'`, [attemptIds]);
    return new Set(rows.map((r) => r.id));
  }

  async saveProgress(attemptId: number, workerId: string, progress: AttemptProgress): Promise<void> {
    await this.pool.query(
      `UPDATE attempts SET records_synced = $3, bytes_synced = $4, total_stats = $5, stream_stats = $6, updated_at = now()
       WHERE id = $1 AND worker_id = $2 AND status = 'running'`,
      [attemptId, workerId, progress.recordsSynced, progress.bytesSynced, JSON.stringify(progress.totalStats), JSON.stringify(progress.streamStats)],
    );
  }

  async appendLogs(attemptId: number, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.pool.query('INSERT INTO attempt_logs (attempt_id, line) SELECT $1, unnest($2::text[])', [attemptId, lines]);
  }

  /**
   * Persists a STATE the destination acknowledged, in the same transaction as the check
   * that the attempt is still ours. False when it is not (the state is then dropped).
   */
  async saveAcknowledgedState(attemptId: number, workerId: string, connectionId: string, state: AirbyteStateMessage): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const owned = await client.query(`SELECT 1 FROM attempts WHERE id = $1 AND worker_id = $2 AND status = 'running' FOR SHARE`, [attemptId, workerId]);
      if (!owned.rowCount) return false;
      await writeState(client, connectionId, state);
      return true;
    });
  }

  /** Ends the attempt and moves the job on; false when the attempt was not ours any more. */
  async finishAttempt(attemptId: number, workerId: string, end: AttemptEnd): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query(`SELECT job_id FROM attempts WHERE id = $1 AND worker_id = $2 AND status = 'running' FOR UPDATE`, [attemptId, workerId]);
      if (!rows[0]) return false;
      await endAttempt(client, attemptId, rows[0].job_id, end);
      return true;
    });
  }

  /**
   * Fails every running attempt whose heartbeat is older than `staleMs` (its worker died or
   * lost the database), letting `end.decide` retry or fail the job.
   */
  async failStaleAttempts(staleMs: number, end: (attemptNumber: number) => AttemptEnd): Promise<Array<{ jobId: number; attemptId: number }>> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `SELECT id, job_id, attempt_number FROM attempts
         WHERE status = 'running' AND heartbeat_at < now() - $1 * interval '1 millisecond'
         FOR UPDATE SKIP LOCKED`,
        [staleMs],
      );
      for (const r of rows) await endAttempt(client, r.id, r.job_id, end(r.attempt_number));
      return rows.map((r) => ({ jobId: r.job_id as number, attemptId: r.id as number }));
    });
  }

  // ------------------------------------------------------------------ state

  async getState(connectionId: string): Promise<StoredState[]> {
    const { rows } = await this.pool.query(
      `SELECT state_type, stream_namespace, stream_name, state FROM connection_state WHERE connection_id = $1 ORDER BY stream_namespace, stream_name`,
      [connectionId],
    );
    return rows.map((r) => ({ stateType: r.state_type, namespace: r.stream_namespace === '' ? null : r.stream_namespace, name: r.stream_name, state: r.state }));
  }

  /**
   * Replaces the connection's whole state with these STATE messages (none: no state), unless a job
   * of the connection is pending or running (false then: its checkpoints would overwrite it).
   */
  async replaceState(connectionId: string, messages: AirbyteStateMessage[]): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const active = await client.query('SELECT 1 FROM jobs WHERE connection_id = $1 AND status = ANY($2) FOR SHARE', [connectionId, ACTIVE_JOB_STATUSES]);
      if (active.rowCount) return false;
      await client.query('DELETE FROM connection_state WHERE connection_id = $1', [connectionId]);
      for (const message of messages) await writeState(client, connectionId, message);
      return true;
    });
  }

  /** Forgets the state of the given streams, or all of it (also GLOBAL shared and LEGACY) when `streams` is null. */
  async clearState(connectionId: string, streams: StreamDescriptor[] | null): Promise<void> {
    if (streams === null) {
      await this.pool.query('DELETE FROM connection_state WHERE connection_id = $1', [connectionId]);
      return;
    }
    await this.pool.query(
      `DELETE FROM connection_state s USING unnest($2::text[], $3::text[]) AS d(namespace, name)
       WHERE s.connection_id = $1 AND s.stream_namespace = d.namespace AND s.stream_name = d.name`,
      [connectionId, streams.map((s) => s.namespace ?? ''), streams.map((s) => s.name)],
    );
  }

  // ------------------------------------------------------------------ scheduler

  /** Active connections with a schedule, with what the scheduler needs to decide, and the database's clock. */
  async scheduledConnections(): Promise<{ now: Date; connections: ScheduledConnection[] }> {
    const { rows } = await this.pool.query(
      `SELECT c.connection_id, c.schedule_type, c.basic_units, c.basic_time_unit, c.cron_expression, c.cron_time_zone,
              (SELECT max(j.created_at) FROM jobs j WHERE j.connection_id = c.connection_id) AS last_job_created_at,
              EXISTS (SELECT 1 FROM jobs j WHERE j.connection_id = c.connection_id AND j.status = ANY($1)) AS has_active_job,
              now() AS now
       FROM connections c WHERE c.status = 'active' AND c.schedule_type <> 'manual'`,
      [ACTIVE_JOB_STATUSES],
    );
    const now = rows[0]?.now ?? (await this.pool.query('SELECT now() AS now')).rows[0].now;
    return {
      now,
      connections: rows.map((r) => ({
        connectionId: r.connection_id,
        schedule:
          r.schedule_type === 'basic'
            ? { type: 'basic', units: Number(r.basic_units), timeUnit: r.basic_time_unit }
            : { type: 'cron', cronExpression: r.cron_expression, cronTimeZone: r.cron_time_zone },
        lastJobCreatedAt: r.last_job_created_at,
        hasActiveJob: r.has_active_job,
      })),
    };
  }
}

async function endAttempt(client: PoolClient, attemptId: number, jobId: number, end: AttemptEnd): Promise<void> {
  const p = end.progress;
  await client.query(
    `UPDATE attempts SET status = $2, failure_summary = $3, ended_at = now(), updated_at = now(),
       records_synced = COALESCE($4, records_synced), bytes_synced = COALESCE($5, bytes_synced),
       total_stats = COALESCE($6, total_stats), stream_stats = COALESCE($7, stream_stats), completed_streams = $8
     WHERE id = $1`,
    [
      attemptId,
      end.status,
      end.failureSummary ? JSON.stringify(end.failureSummary) : null,
      p?.recordsSynced ?? null,
      p?.bytesSynced ?? null,
      p ? JSON.stringify(p.totalStats) : null,
      p ? JSON.stringify(p.streamStats) : null,
      JSON.stringify(end.completedStreams ?? []),
    ],
  );
  const { rows } = await client.query(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1 FOR UPDATE`, [jobId]);
  const outcome = end.decide(toJob(rows[0]));
  await client.query(
    `UPDATE jobs SET status = $2, updated_at = now(), run_after = now() + $3 * interval '1 millisecond',
       ended_at = CASE WHEN $2 IN ('succeeded', 'failed', 'cancelled') THEN now() END
     WHERE id = $1`,
    [jobId, outcome.status, outcome.status === 'incomplete' ? outcome.retryInMs : 0],
  );
}

/** Applies one STATE message. A change of state type replaces the connection's whole state. */
async function writeState(client: PoolClient, connectionId: string, state: AirbyteStateMessage): Promise<void> {
  const upsert = (type: StoredState['stateType'], d: StreamDescriptor | null, value: unknown) =>
    client.query(
      `INSERT INTO connection_state (connection_id, state_type, stream_namespace, stream_name, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (connection_id, stream_namespace, stream_name) DO UPDATE SET state_type = EXCLUDED.state_type, state = EXCLUDED.state, updated_at = now()`,
      [connectionId, type, d?.namespace ?? '', d?.name ?? '', value == null ? null : JSON.stringify(value)],
    );
  const type = state.type ?? (state.stream ? 'STREAM' : state.global ? 'GLOBAL' : 'LEGACY');
  if (type === 'STREAM' && state.stream) {
    await client.query(`DELETE FROM connection_state WHERE connection_id = $1 AND state_type <> 'STREAM'`, [connectionId]);
    await upsert('STREAM', state.stream.stream_descriptor, state.stream.stream_state);
  } else if (type === 'GLOBAL' && state.global) {
    // A GLOBAL message carries every stream's state: it replaces the previous one whole.
    await client.query('DELETE FROM connection_state WHERE connection_id = $1', [connectionId]);
    await upsert('GLOBAL', null, state.global.shared_state);
    for (const s of state.global.stream_states) await upsert('GLOBAL', s.stream_descriptor, s.stream_state);
  } else {
    await client.query('DELETE FROM connection_state WHERE connection_id = $1', [connectionId]);
    await upsert('LEGACY', null, state.data);
  }
}

/** Stored state as the STATE messages a source reads; undefined when the connection has none. */
export function stateMessagesFrom(rows: StoredState[]): AirbyteStateMessage[] | undefined {
  if (rows.length === 0) return undefined;
  const descriptor = (r: StoredState): StreamDescriptor => ({ name: r.name, namespace: r.namespace });
  switch (rows[0].stateType) {
    case 'STREAM':
      return rows.map((r) => ({ type: 'STREAM', stream: { stream_descriptor: descriptor(r), stream_state: r.state } }));
    case 'GLOBAL': {
      const shared = rows.find((r) => r.name === '');
      const streams = rows.filter((r) => r.name !== '');
      return [{ type: 'GLOBAL', global: { shared_state: shared?.state ?? null, stream_states: streams.map((r) => ({ stream_descriptor: descriptor(r), stream_state: r.state })) } }];
    }
    case 'LEGACY':
      return [{ type: 'LEGACY', data: rows[0].state ?? {} }];
  }
}
