// Issue 12, point 4: /metrics after real syncs (worker, replication children, test
// connectors) reports what the platform database holds: records and bytes per connection,
// durations, failures by type, running and queued jobs, and freshness.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api/http-server';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import type { Worker } from '../worker/worker';

let platform: TestPlatform;
let api: ApiServer;
let url: string;
let worker: Worker;
let caseNumber = 0;

beforeAll(async () => {
  platform = await startTestPlatform();
  worker = platform.startWorker({ maxAttempts: 1 });
  api = createApiServer(platform.services, { port: await freePort() });
  url = await api.listen();
}, 60_000);
afterAll(async () => {
  await api?.close();
  await platform?.stop();
});

async function connection(name: string, source: Record<string, unknown>) {
  const dir = join(platform.dir, `metrics-${++caseNumber}`);
  await mkdir(dir);
  const conn = await platform.createConnection({
    source: { definitionId: FAKE_SOURCE_ID, config: source },
    destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: dir } },
    streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }],
  });
  await platform.sql('UPDATE connections SET name = $2 WHERE connection_id = $1', [conn.connectionId, name]);
  return conn;
}

async function syncAndWait(connectionId: string) {
  const job = await platform.services.jobs.sync(connectionId);
  return platform.waitForJob(job.id);
}

/** The samples of the exposition text: `name{labels}` → value. */
async function scrape(): Promise<{ text: string; value(name: string, labels?: Record<string, string>): number | undefined }> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  return {
    text,
    value(name, labels = {}) {
      for (const line of text.split('\n')) {
        const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
        if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
      }
      return undefined;
    },
  };
}

describe('/metrics', () => {
  it('reports records, bytes, durations, failures and freshness of real syncs from the database', async () => {
    const good = await connection('good one', { records: 300, batch_size: 100 });
    const bad = await connection('bad one', { records: 100, batch_size: 10, fail_after_records: 20, failure_type: 'config_error' });
    const never = await connection('never synced', { records: 1 });
    const goodJobs = [await syncAndWait(good.connectionId), await syncAndWait(good.connectionId)];
    const badJob = await syncAndWait(bad.connectionId);
    expect(goodJobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    expect(badJob.status).toBe('failed');

    const m = await scrape();
    const goodLabels = { connection_id: good.connectionId, connection_name: 'good one' };
    const badLabels = { connection_id: bad.connectionId, connection_name: 'bad one' };
    const [db] = await platform.sql(
      `SELECT sum(records_synced)::int AS records, sum(bytes_synced)::float8 AS bytes FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE j.connection_id = $1`,
      [good.connectionId],
    );
    expect(db.records).toBe(600);
    expect(m.value('airlock_sync_records_total', goodLabels)).toBe(600);
    expect(m.value('airlock_sync_bytes_total', goodLabels)).toBe(db.bytes);
    expect(db.bytes).toBeGreaterThan(600 * 8);
    expect(m.value('airlock_sync_records_total', badLabels)).toBe(20);

    const durations = await platform.sql(
      `SELECT status, count(*)::int AS n, sum(extract(epoch FROM ended_at - started_at))::float8 AS seconds FROM jobs WHERE connection_id = ANY($1) GROUP BY status ORDER BY status`,
      [[good.connectionId, bad.connectionId]],
    );
    expect(durations.map((d) => [d.status, d.n])).toEqual([['failed', 1], ['succeeded', 2]]);
    expect(m.value('airlock_sync_duration_seconds_count', { ...goodLabels, status: 'succeeded' })).toBe(2);
    expect(m.value('airlock_sync_duration_seconds_sum', { ...goodLabels, status: 'succeeded' })).toBeCloseTo(durations[1].seconds, 6);
    expect(m.value('airlock_sync_duration_seconds_bucket', { ...goodLabels, status: 'succeeded', le: '+Inf' })).toBe(2);
    expect(m.value('airlock_sync_duration_seconds_count', { ...badLabels, status: 'failed' })).toBe(1);

    expect(m.value('airlock_sync_failures_total', { failure_type: 'config_error', failure_origin: 'source' })).toBe(1);
    expect(m.value('airlock_jobs_running')).toBe(0);
    expect(m.value('airlock_jobs_queued')).toBe(0);

    const [last] = await platform.sql(`SELECT extract(epoch FROM ended_at)::float8 AS at FROM jobs WHERE id = $1`, [goodJobs[1].id]);
    expect(m.value('airlock_connection_last_successful_sync_timestamp_seconds', goodLabels)).toBeCloseTo(last.at, 2);
    const freshness = m.value('airlock_connection_data_freshness_seconds', goodLabels)!;
    expect(freshness).toBeGreaterThanOrEqual(0);
    // A connection that never succeeded has no freshness rather than a made-up one.
    expect(m.value('airlock_connection_data_freshness_seconds', badLabels)).toBeUndefined();
    expect(m.value('airlock_connection_data_freshness_seconds', { connection_id: never.connectionId })).toBeUndefined();
    // Freshness grows with time since the sync (the database's clock), with no new sync.
    await platform.sql(`UPDATE jobs SET ended_at = ended_at - interval '1 hour' WHERE connection_id = $1`, [good.connectionId]);
    expect((await scrape()).value('airlock_connection_data_freshness_seconds', goodLabels)!).toBeGreaterThanOrEqual(3600);
  });

  it('counts queued jobs no worker has taken', async () => {
    await worker.stop(0);
    const idle = await connection('waiting', { records: 1 });
    await platform.services.jobs.sync(idle.connectionId);
    const m = await scrape();
    expect(m.value('airlock_jobs_queued')).toBe(1);
    expect(m.value('airlock_jobs_running')).toBe(0);
  });
});
