// The worker end to end against a real Postgres, with the test connectors running in real
// replication child processes: success, retries by failure type, cancel, reset, takeover.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toConnectionState } from '../api/presenters/state';
import { startTestPlatform, type ConnectionSpec, type TestPlatform } from '../testing/platform-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';
import type { Worker } from './worker';

let platform: TestPlatform;
let worker: Worker;
let caseNumber = 0;

beforeAll(async () => {
  platform = await startTestPlatform();
  worker = platform.startWorker();
}, 60_000);
afterAll(() => platform?.stop());

/** A connection from the counter source to a fresh JSONL directory. */
async function connection(source: Record<string, unknown>, destination: (dir: string) => Record<string, unknown> = () => ({}), overrides: Partial<ConnectionSpec> = {}) {
  const dir = join(platform.dir, `case-${++caseNumber}`);
  await mkdir(dir);
  const conn = await platform.createConnection({
    source: { definitionId: FAKE_SOURCE_ID, config: source },
    destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: dir, ...destination(dir) } },
    streams: [{ name: 'numbers', namespace: 'public', syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['id'] }],
    namespaceDefinition: 'customformat',
    namespaceFormat: 'production_${SOURCE_NAMESPACE}',
    ...overrides,
  });
  const ids = () => {
    const file = join(dir, 'production_public.numbers.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).id as number) : [];
  };
  return { conn, dir, ids };
}

async function syncAndWait(connectionId: string) {
  const job = await platform.services.jobs.sync(connectionId);
  const done = await platform.waitForJob(job.id);
  const attempts = await platform.jobStore.attemptsOf([job.id]);
  return { job: done, attempts };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('worker', () => {
  it('syncs, persists the committed state and stats, and keeps secrets out of the log', async () => {
    const { conn, ids } = await connection({ records: 1000, batch_size: 100, state_every: 300, password: 's3cr3t-pass' });
    const { job, attempts } = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('succeeded');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'succeeded', recordsSynced: 1000, totalStats: { recordsEmitted: 1000, recordsCommitted: 1000, stateMessagesEmitted: 4 } });
    expect(attempts[0].streamStats).toEqual([{ streamName: 'numbers', streamNamespace: 'public', stats: expect.objectContaining({ recordsCommitted: 1000 }) }]);
    expect(attempts[0].bytesSynced).toBeGreaterThan(1000 * 8);
    expect(ids()).toEqual(range(1000));
    const state = toConnectionState(conn.connectionId, await platform.jobStore.getState(conn.connectionId));
    expect(state).toEqual({ stateType: 'stream', connectionId: conn.connectionId, streamState: [{ streamDescriptor: { name: 'numbers', namespace: 'public' }, streamState: { cursor: 1000 } }] });
    const log = (await platform.jobStore.attemptLogs(attempts[0].id)).join('\n');
    expect(log).toContain('[source] reading with password **********');
    expect(log).not.toContain('s3cr3t-pass');
  });

  it('retries a transient destination failure and resumes from the last committed state', async () => {
    const { conn, ids } = await connection({ records: 1000, batch_size: 100, state_every: 200 }, (dir) => ({
      fail: { times: 1, after_records: 500, failure_type: 'transient_error', counter_file: join(dir, 'runs') },
    }));
    const { job, attempts } = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('succeeded');
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'destination', failureType: 'transient_error', retryable: true });
    expect(attempts[0].recordsSynced).toBe(400);
    // The second attempt read only what was not committed.
    expect(attempts[1].totalStats.recordsEmitted).toBe(600);
    expect(ids()).toEqual(range(1000));
  });

  it('restarts a retried Full Refresh | Overwrite from the beginning, so the overwrite keeps every row', async () => {
    const { conn, ids } = await connection(
      { records: 1000, batch_size: 100, state_every: 200 },
      (dir) => ({ fail: { times: 1, after_records: 500, failure_type: 'transient_error', counter_file: join(dir, 'runs') } }),
      { streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }] },
    );
    const { job, attempts } = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('succeeded');
    expect(attempts.map((a) => a.totalStats.recordsEmitted)).toEqual([500, 1000]);
    expect(ids()).toEqual(range(1000));
  });

  it('fails a config error at once, without retrying', async () => {
    const { conn } = await connection({ records: 100, fail_after_records: 0, failure_type: 'config_error', password: 'pw-123456' });
    const { job, attempts } = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('failed');
    expect(attempts).toHaveLength(1);
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'source', failureType: 'config_error', retryable: false, externalMessage: 'injected source failure (password **********)' });
  });

  it('gives up after three failed attempts', async () => {
    const { conn } = await connection({ records: 100, batch_size: 5, state_every: 1000, fail_after_records: 10, failure_type: 'system_error' });
    const { job, attempts } = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('failed');
    expect(attempts.map((a) => a.failureSummary?.failures[0].failureType)).toEqual(['system_error', 'system_error', 'system_error']);
    const log = await platform.jobStore.attemptLogs(attempts[2].id);
    expect(log.join('\n')).toContain('job failed, not retried: all 3 attempts failed');
  });

  it('cancels a running sync: the child is stopped and the job ends cancelled', async () => {
    const { conn, ids } = await connection({ records: 100_000, batch_size: 10, delay_ms: 50 });
    const job = await platform.services.jobs.sync(conn.connectionId);
    await platform.waitForJob(job.id, (j) => j.status === 'running');
    const cancelled = await platform.services.jobs.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    const [attempt] = await platform.jobStore.attemptsOf([job.id]);
    expect(attempt.failureSummary?.failures[0]).toMatchObject({ failureType: 'manual_cancellation' });
    // Nothing writes any more once the job is cancelled.
    const written = ids().length;
    await new Promise((r) => setTimeout(r, 500));
    expect(ids().length).toBe(written);
  });

  it('resets: the destination streams are overwritten with nothing and the state is cleared', async () => {
    const { conn, ids } = await connection({ records: 300 });
    await syncAndWait(conn.connectionId);
    expect(ids()).toHaveLength(300);
    const reset = await platform.services.jobs.reset(conn.connectionId);
    expect(reset.configType).toBe('reset_connection');
    expect((await platform.waitForJob(reset.id)).status).toBe('succeeded');
    expect(ids()).toEqual([]);
    expect(await platform.jobStore.getState(conn.connectionId)).toEqual([]);
    // The next sync starts over.
    await syncAndWait(conn.connectionId);
    expect(ids()).toEqual(range(300));
  });

  it('a reset requested during a sync cancels the sync first', async () => {
    const { conn } = await connection({ records: 100_000, batch_size: 10, delay_ms: 50 });
    const sync = await platform.services.jobs.sync(conn.connectionId);
    await platform.waitForJob(sync.id, (j) => j.status === 'running');
    const reset = await platform.services.jobs.reset(conn.connectionId);
    expect((await platform.jobStore.getJob(sync.id))!.status).toBe('cancelled');
    expect((await platform.waitForJob(reset.id)).status).toBe('succeeded');
  });

  it('Full Refresh | Overwrite replaces the data, Full Refresh | Append and Incremental | Append add to it', async () => {
    const { conn, dir } = await connection({ records: 50 }, undefined, {
      streams: [
        { name: 'replaced', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' },
        { name: 'appended', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'append' },
        { name: 'incremental', namespace: 'public', syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['id'] },
      ],
    });
    await syncAndWait(conn.connectionId);
    const { job } = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('succeeded');
    const rows = (stream: string) => readFileSync(join(dir, `production_public.${stream}.jsonl`), 'utf8').trim().split('\n').length;
    expect({ replaced: rows('replaced'), appended: rows('appended'), incremental: rows('incremental') }).toEqual({ replaced: 50, appended: 100, incremental: 50 });
  });

  it('takes over an attempt whose worker stopped heartbeating', async () => {
    const { conn, ids } = await connection({ records: 200 });
    // The shared worker wakes on the new job at once (LISTEN): only the ghost may claim it.
    await worker.stop(0);
    const job = (await platform.jobStore.createJob(conn.connectionId, 'sync'))!;
    // A worker that claims the job and dies at once: its attempt never heartbeats.
    let claimed = await platform.jobStore.claimNextJob('ghost-worker');
    while (claimed && claimed.job.id !== job.id) claimed = await platform.jobStore.claimNextJob('ghost-worker');
    const reaper = platform.startWorker({ staleAfterMs: 1500 });
    const done = await platform.waitForJob(job.id);
    await reaper.stop(0);
    expect(done.status).toBe('succeeded');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts.map((a) => [a.workerId, a.status])).toEqual([
      ['ghost-worker', 'failed'],
      [expect.stringMatching(/^test-worker/), 'succeeded'],
    ]);
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureType: 'transient_error', externalMessage: expect.stringContaining('stopped heartbeating') });
    expect(ids()).toEqual(range(200));
  });
});
