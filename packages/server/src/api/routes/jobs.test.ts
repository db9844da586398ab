// connections/sync|reset, jobs/list|get|get_light|cancel, attempt/get_for_job|get_logs and state/get over real HTTP (responses
// validated against openapi.yaml), with a worker running the jobs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID, useTestConnectors } from '../../testing/fake-connectors';
import { quietLog } from '../../testing/platform-harness';
import { Worker } from '../../worker/worker';

let api: TestApi;
let worker: Worker;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobs-routes-'));
  api = await startTestApi({ connectorDefinitions: useTestConnectors() });
  worker = new Worker({ workerId: 'route-test-worker', jobStore: api.jobStore, configStore: api.configStore, log: quietLog, pollIntervalMs: 100, heartbeatIntervalMs: 300, killGraceMs: 3000 });
  worker.start();
});
afterAll(async () => {
  await worker?.stop(0);
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

async function createConnection(sourceConfig: Record<string, unknown>, directory = dir): Promise<string> {
  const source = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'Counter', connectionConfiguration: sourceConfig });
  const destination = await api.post('destinations/create', { destinationDefinitionId: FAKE_DESTINATION_ID, name: 'Files', connectionConfiguration: { directory } });
  const connection = await api.post('connections/create', {
    sourceId: source.body.sourceId,
    destinationId: destination.body.destinationId,
    syncCatalog: {
      streams: [{ stream: { name: 'numbers', namespace: 'public' }, config: { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['id'] } }],
    },
  });
  expect(connection.status).toBe(200);
  return connection.body.connectionId;
}

async function waitForStatus(jobId: number, statuses: string[]) {
  for (let i = 0; i < 600; i++) {
    const res = await api.post('jobs/get', { id: jobId });
    if (statuses.includes(res.body.job.status)) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} never reached ${statuses.join('|')}`);
}

describe('jobs routes', () => {
  it('syncs a connection and reports the job, its attempt, stats, logs and state', async () => {
    const connectionId = await createConnection({ records: 500, batch_size: 100, password: 'route-secret-value' });
    expect((await api.post('state/get', { connectionId })).body).toEqual({ stateType: 'not_set', connectionId });

    const sync = await api.post('connections/sync', { connectionId });
    expect(sync.status).toBe(200);
    expect(sync.body.job).toMatchObject({ configType: 'sync', configId: connectionId, status: expect.stringMatching(/pending|running/) });
    // A second request while it runs returns the same job instead of stacking another.
    expect((await api.post('connections/sync', { connectionId })).body.job.id).toBe(sync.body.job.id);

    const info = await waitForStatus(sync.body.job.id, ['succeeded', 'failed']);
    expect(info.job.status).toBe('succeeded');
    expect(info.attempts).toHaveLength(1);
    const { attempt, logs } = info.attempts[0];
    expect(attempt).toMatchObject({ id: 0, status: 'succeeded', recordsSynced: 500, totalStats: { recordsEmitted: 500, recordsCommitted: 500 } });
    expect(attempt.streamStats).toEqual([{ streamName: 'numbers', streamNamespace: 'public', stats: expect.objectContaining({ recordsEmitted: 500 }) }]);
    expect(logs.logLines.length).toBeGreaterThan(2);
    expect(logs.logLines.join('\n')).not.toContain('route-secret-value');

    const list = await api.post('jobs/list', { configTypes: ['sync', 'reset_connection'], configId: connectionId });
    expect(list.body.totalJobCount).toBe(1);
    expect(list.body.jobs[0]).toMatchObject({ job: { id: sync.body.job.id, status: 'succeeded' }, attempts: [{ status: 'succeeded', recordsSynced: 500 }] });

    expect((await api.post('state/get', { connectionId })).body).toEqual({
      stateType: 'stream',
      connectionId,
      streamState: [{ streamDescriptor: { name: 'numbers', namespace: 'public' }, streamState: { cursor: 500 } }],
    });

    const reset = await api.post('connections/reset', { connectionId });
    expect(reset.body.job).toMatchObject({ configType: 'reset_connection', resetConfig: { streamsToReset: [{ name: 'numbers', namespace: 'public' }] } });
    expect((await waitForStatus(reset.body.job.id, ['succeeded', 'failed'])).job.status).toBe('succeeded');
    expect((await api.post('state/get', { connectionId })).body.stateType).toBe('not_set');
    expect((await api.post('jobs/list', { configTypes: ['reset_connection'], configId: connectionId })).body.totalJobCount).toBe(1);
  });

  it('pages an attempt\'s log: the pages put together are the log jobs/get returns, secrets scrubbed', async () => {
    const connectionId = await createConnection({ records: 300, batch_size: 10, password: 'paged-secret-value' });
    const sync = await api.post('connections/sync', { connectionId });
    const info = await waitForStatus(sync.body.job.id, ['succeeded', 'failed']);
    const full: string[] = info.attempts[0].logs.logLines;
    expect(full.length).toBeGreaterThan(4);

    const pages: string[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await api.post('attempt/get_logs', { jobId: sync.body.job.id, attemptNumber: 0, offset, limit: 2 });
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ offset, totalLines: full.length });
      if (page.body.logLines.length === 0) break;
      expect(page.body.logLines.length).toBeLessThanOrEqual(2);
      pages.push(...page.body.logLines);
    }
    expect(pages).toEqual(full);
    expect(pages.join('\n')).not.toContain('paged-secret-value');
    // Left out, offset and limit start at the first line and take up to 1000 lines.
    expect((await api.post('attempt/get_logs', { jobId: sync.body.job.id, attemptNumber: 0 })).body.logLines).toEqual(full.slice(0, 1000));

    const missing = await api.post('attempt/get_logs', { jobId: sync.body.job.id, attemptNumber: 7 });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(`Could not find attempt 7 of job ${sync.body.job.id}`);
    const tooMany = await api.post('attempt/get_logs', { jobId: sync.body.job.id, attemptNumber: 0, limit: 10_001 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.details[0].path).toContain('limit');
  });

  it('answers jobs/get_light (the job alone), jobs/get_debug_info (with its connector definitions) and attempt/get_for_job as jobs/get has them', async () => {
    const connectionId = await createConnection({ records: 50, batch_size: 10 });
    const sync = await api.post('connections/sync', { connectionId });
    const info = await waitForStatus(sync.body.job.id, ['succeeded', 'failed']);

    const light = await api.post('jobs/get_light', { id: sync.body.job.id });
    expect(light.status).toBe(200);
    expect(light.body).toEqual({ job: info.job });
    const attempt = await api.post('attempt/get_for_job', { jobId: sync.body.job.id, attemptNumber: 0 });
    expect(attempt.status).toBe(200);
    // Airbyte's AttemptInfoRead: the attempt with its logs, as jobs/get lists it.
    expect(attempt.body).toEqual(info.attempts[0]);
    expect(attempt.body.attempt).toEqual(info.attempts[0].attempt);

    const debug = await api.post('jobs/get_debug_info', { id: sync.body.job.id });
    expect(debug.status).toBe(200);
    expect(debug.body).toEqual({
      job: {
        id: info.job.id,
        configType: 'sync',
        configId: connectionId,
        status: 'succeeded',
        airbyteVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
        sourceDefinition: (await api.post('source_definitions/get', { sourceDefinitionId: FAKE_SOURCE_ID })).body,
        destinationDefinition: (await api.post('destination_definitions/get', { destinationDefinitionId: FAKE_DESTINATION_ID })).body,
      },
      attempts: info.attempts,
    });
    expect((await api.post('jobs/get_debug_info', { id: 987654 })).status).toBe(404);

    expect((await api.post('jobs/get_light', { id: 987654 })).body.message).toBe('Could not find job with id 987654');
    const missing = await api.post('attempt/get_for_job', { jobId: sync.body.job.id, attemptNumber: 3 });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(`Could not find attempt 3 of job ${sync.body.job.id}`);
  });

  it('reports connections/status and web_backend/state/get_type as Airbyte derives them: pending, synced, failed on a config error', async () => {
    const connectionId = await createConnection({ records: 40, batch_size: 10 });
    expect((await api.post('connections/status', { connectionIds: [connectionId] })).body).toEqual([{ connectionId, connectionSyncStatus: 'pending' }]);
    expect((await api.post('web_backend/state/get_type', { connectionId })).body).toBe('not_set');

    const sync = await api.post('connections/sync', { connectionId });
    const info = await waitForStatus(sync.body.job.id, ['succeeded', 'failed']);
    expect(info.job.status).toBe('succeeded');
    expect((await api.post('connections/status', { connectionIds: [connectionId] })).body).toEqual([
      { connectionId, connectionSyncStatus: 'synced', lastSuccessfulSync: info.job.updatedAt, lastSyncJobId: info.job.id, lastSyncAttemptNumber: 0, lastSyncJobCreatedAt: info.job.createdAt },
    ]);
    expect((await api.post('web_backend/state/get_type', { connectionId })).body).toBe('stream');

    const failing = await createConnection({ records: 40, fail_after_records: 0, failure_type: 'config_error' });
    const failed = await waitForStatus((await api.post('connections/sync', { connectionId: failing })).body.job.id, ['succeeded', 'failed']);
    expect(failed.job.status).toBe('failed');
    const [ok, bad] = (await api.post('connections/status', { connectionIds: [connectionId, failing] })).body;
    expect(ok.connectionId).toBe(connectionId);
    expect(bad).toMatchObject({ connectionId: failing, connectionSyncStatus: 'failed', lastSyncJobId: failed.job.id, failureReason: { failureType: 'config_error' } });
    expect(bad).not.toHaveProperty('lastSuccessfulSync');

    const unknown = '00000000-0000-4000-8000-000000000404';
    expect((await api.post('connections/status', { connectionIds: [unknown] })).status).toBe(404);
    expect((await api.post('web_backend/state/get_type', { connectionId: unknown })).status).toBe(404);
  });

  it('replaces a connection\'s state with state/create_or_update; the next sync resumes from it; refused while a job runs', async () => {
    const own = await mkdtemp(join(dir, 'state-'));
    const connectionId = await createConnection({ records: 40, batch_size: 10 }, own);
    const numbers = { name: 'numbers', namespace: 'public' };
    const state = { stateType: 'stream', connectionId, streamState: [{ streamDescriptor: numbers, streamState: { cursor: 30 } }] };
    const replaced = await api.post('state/create_or_update', { connectionId, connectionState: state });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual(state);
    expect((await api.post('state/get', { connectionId })).body).toEqual(state);

    const info = await waitForStatus((await api.post('connections/sync', { connectionId })).body.job.id, ['succeeded', 'failed']);
    expect(info.job.status).toBe('succeeded');
    // Records 31..40 only, each once: the sync started after the cursor the state named.
    expect(info.attempts[0].attempt).toMatchObject({ recordsSynced: 10 });
    const written = (await readFile(join(own, 'public.numbers.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line).id);
    expect(written).toEqual(Array.from({ length: 10 }, (_, i) => 31 + i));
    expect((await api.post('state/get', { connectionId })).body.streamState).toEqual([{ streamDescriptor: numbers, streamState: { cursor: 40 } }]);

    const other = '00000000-0000-4000-8000-0000000000aa';
    const mismatch = await api.post('state/create_or_update', { connectionId, connectionState: { stateType: 'not_set', connectionId: other } });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.details).toEqual([{ path: 'connectionState.connectionId', message: `is ${other}, not the connection ${connectionId} whose state is being replaced` }]);
    const cleared = await api.post('state/create_or_update', { connectionId, connectionState: { stateType: 'not_set', connectionId } });
    expect(cleared.body).toEqual({ stateType: 'not_set', connectionId });

    const slow = await createConnection({ records: 100_000, batch_size: 10, delay_ms: 50 });
    const running = await api.post('connections/sync', { connectionId: slow });
    await waitForStatus(running.body.job.id, ['running']);
    const refused = await api.post('state/create_or_update', { connectionId: slow, connectionState: { stateType: 'not_set', connectionId: slow } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('pending or running job');
    await api.post('jobs/cancel', { id: running.body.job.id });
    const unknown = '00000000-0000-4000-8000-000000000404';
    expect((await api.post('state/create_or_update', { connectionId: unknown, connectionState: { stateType: 'not_set', connectionId: unknown } })).status).toBe(404);
  });

  it('cancels a running job', async () => {
    const connectionId = await createConnection({ records: 100_000, batch_size: 10, delay_ms: 50 });
    const sync = await api.post('connections/sync', { connectionId });
    await waitForStatus(sync.body.job.id, ['running']);
    const cancelled = await api.post('jobs/cancel', { id: sync.body.job.id });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.status).toBe('cancelled');
    expect(cancelled.body.attempts[0].attempt.failureSummary.failures[0]).toMatchObject({ failureType: 'manual_cancellation' });
  });

  it('answers 404 for a job that does not exist', async () => {
    const res = await api.post('jobs/get', { id: 987654 });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Could not find job with id 987654');
  });
});
