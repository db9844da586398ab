// The job queue's guarantees, enforced by the database itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';
import { JobStore, stateMessagesFrom } from './job-store';

let platform: TestPlatform;
let store: JobStore;

beforeAll(async () => {
  platform = await startTestPlatform();
  store = platform.jobStore;
}, 60_000);
afterAll(() => platform?.stop());

const newConnection = async () =>
  (
    await platform.createConnection({
      source: { definitionId: FAKE_SOURCE_ID, config: { records: 1 } },
      destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: platform.dir } },
      streams: [{ name: 'numbers', namespace: 'public', syncMode: 'incremental', destinationSyncMode: 'append' }],
    })
  ).connectionId;

const succeed = (attemptId: number, workerId: string) => store.finishAttempt(attemptId, workerId, { status: 'succeeded', decide: () => ({ status: 'succeeded' }) });

describe('JobStore', () => {
  it('keeps one unfinished job per connection, even when asked concurrently', async () => {
    const connectionId = await newConnection();
    const created = await Promise.all(Array.from({ length: 8 }, () => store.createJob(connectionId, 'sync')));
    expect(created.filter(Boolean)).toHaveLength(1);
    await expect(platform.sql(`INSERT INTO jobs (connection_id, config_type) VALUES ($1, 'sync')`, [connectionId])).rejects.toThrow(/jobs_one_active_per_connection/);
  });

  it('hands each due job to exactly one of many concurrent claimers', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, async () => (await store.createJob(await newConnection(), 'sync'))!.id));
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claimNextJob(`claimer-${i}`)));
    const claimed = claims.filter((c) => c !== null).map((c) => c!.job.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    for (const c of claims) if (c) await succeed(c.attempt.id, c.attempt.workerId);
  });

  it('fences a worker that lost its attempt: no heartbeat, no state, no outcome', async () => {
    const connectionId = await newConnection();
    await store.createJob(connectionId, 'sync');
    const claim = (await store.claimNextJob('slow-worker'))!;
    await platform.sql(`UPDATE attempts SET heartbeat_at = now() - interval '1 minute' WHERE id = $1`, [claim.attempt.id]);
    const reaped = await store.failStaleAttempts(15_000, () => ({ status: 'failed', decide: () => ({ status: 'incomplete', retryInMs: 0 }) }));
    expect(reaped).toContainEqual({ jobId: claim.job.id, attemptId: claim.attempt.id });

    expect(await store.heartbeat(claim.attempt.id, 'slow-worker')).toBeNull();
    const state = { type: 'STREAM' as const, stream: { stream_descriptor: { name: 'numbers', namespace: 'public' }, stream_state: { cursor: 99 } } };
    expect(await store.saveAcknowledgedState(claim.attempt.id, 'slow-worker', connectionId, state)).toBe(false);
    expect(await store.getState(connectionId)).toEqual([]);
    expect(await succeed(claim.attempt.id, 'slow-worker')).toBe(false);
    expect((await store.getJob(claim.job.id))!.status).toBe('incomplete');
  });

  it('stores STREAM, GLOBAL and LEGACY state, a new type replacing the old', async () => {
    const connectionId = await newConnection();
    await store.createJob(connectionId, 'sync');
    const { attempt } = (await store.claimNextJob('w'))!;
    const save = (state: Parameters<JobStore['saveAcknowledgedState']>[3]) => store.saveAcknowledgedState(attempt.id, 'w', connectionId, state);
    const a = { name: 'a', namespace: 'public' };
    const b = { name: 'b', namespace: null };

    await save({ type: 'STREAM', stream: { stream_descriptor: a, stream_state: { cursor: 1 } } });
    await save({ type: 'STREAM', stream: { stream_descriptor: b, stream_state: { cursor: 2 } } });
    await save({ type: 'STREAM', stream: { stream_descriptor: a, stream_state: { cursor: 3 } } });
    expect(stateMessagesFrom(await store.getState(connectionId))).toEqual([
      { type: 'STREAM', stream: { stream_descriptor: b, stream_state: { cursor: 2 } } },
      { type: 'STREAM', stream: { stream_descriptor: a, stream_state: { cursor: 3 } } },
    ]);

    const global = { shared_state: { lsn: 42 }, stream_states: [{ stream_descriptor: a, stream_state: { done: true } }] };
    await save({ type: 'GLOBAL', global });
    expect(stateMessagesFrom(await store.getState(connectionId))).toEqual([{ type: 'GLOBAL', global }]);

    await save({ type: 'LEGACY', data: { cdc: true } });
    expect(stateMessagesFrom(await store.getState(connectionId))).toEqual([{ type: 'LEGACY', data: { cdc: true } }]);
    await succeed(attempt.id, 'w');
  });

  it('cancels a pending job at once and marks a running one for its worker', async () => {
    const pending = (await store.createJob(await newConnection(), 'sync'))!;
    expect((await store.requestCancel(pending.id))!.status).toBe('cancelled');

    const running = (await store.createJob(await newConnection(), 'sync'))!;
    let claim = await store.claimNextJob('w');
    while (claim && claim.job.id !== running.id) claim = await store.claimNextJob('w');
    expect(await store.requestCancel(running.id)).toMatchObject({ status: 'running', cancelRequested: true });
    expect(await store.heartbeat(claim!.attempt.id, 'w')).toEqual({ cancelRequested: true });
  });
});
