// Airbyte's public API (/api/public/v1) over real HTTP on a real server and Postgres, with a
// worker running the jobs through the fake connectors: tokens, workspaces, sources and
// destinations (paging, masking, patch/put/delete), streams, connections with
// configurations.streams, and jobs (sync, reset, list, cancel) down to the rows written.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID, S3_CONFIG, useTestConnectors } from '../../testing/fake-connectors';
import { quietLog } from '../../testing/platform-harness';
import { Worker } from '../../worker/worker';

const CLIENT = { clientId: 'test-client', clientSecret: 'test-client-secret-value', name: 'tests' };

let api: TestApi;
let worker: Worker;
let dir: string;
let token: string;
let workspaceId: string;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${api.url}/api/public/v1${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function waitForJob(jobId: number, statuses: string[]): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const res = await call('GET', `/jobs/${jobId}`);
    if (statuses.includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} never reached ${statuses.join('|')}`);
}

async function createSource(name: string, configuration: Record<string, unknown>): Promise<any> {
  const res = await call('POST', '/sources', { name, workspaceId, definitionId: FAKE_SOURCE_ID, configuration });
  expect(res.status).toBe(200);
  return res.body;
}

async function createDestination(): Promise<any> {
  const res = await call('POST', '/destinations', { name: 'Files', workspaceId, definitionId: FAKE_DESTINATION_ID, configuration: { directory: dir, password: 'dest-secret-value' } });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'public-api-'));
  api = await startTestApi({ connectorDefinitions: useTestConnectors() });
  worker = new Worker({ workerId: 'public-api-worker', jobStore: api.jobStore, configStore: api.configStore, log: quietLog, pollIntervalMs: 100, heartbeatIntervalMs: 300, killGraceMs: 3000 });
  worker.start();
  await api.services.applications.ensure(CLIENT);
  const res = await call('POST', '/applications/token', { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, grant_type: 'client_credentials' });
  token = res.body.access_token;
  workspaceId = (await call('GET', '/workspaces')).body.data[0].workspaceId;
});
afterAll(async () => {
  await worker?.stop(0);
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('public API authentication', () => {
  it('exchanges client credentials (JSON or OAuth form) for a bearer token in Airbyte’s shape', async () => {
    const json = await call('POST', '/applications/token', { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    expect(json.status).toBe(200);
    expect(json.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 180 });
    const form = await fetch(`${api.url}/api/public/v1/applications/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
    });
    expect(form.status).toBe(200);
    const formToken = ((await form.json()) as { access_token: string }).access_token;
    const listed = await fetch(`${api.url}/api/public/v1/workspaces`, { headers: { Authorization: `Bearer ${formToken}` } });
    expect(listed.status).toBe(200);
  });

  it('answers 401 for a wrong secret, an unknown client, no token and an invalid token', async () => {
    const wrong = await call('POST', '/applications/token', { client_id: CLIENT.clientId, client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(CLIENT.clientSecret);
    expect((await call('POST', '/applications/token', { client_id: 'unknown', client_secret: CLIENT.clientSecret })).status).toBe(401);

    const anonymous = await fetch(`${api.url}/api/public/v1/sources`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await anonymous.json()) as { detail: string }).detail).toMatch(/applications\/token/);
    const invalid = await fetch(`${api.url}/api/public/v1/sources`, { headers: { Authorization: 'Bearer not-a-token' } });
    expect(invalid.status).toBe(401);
    const basic = await fetch(`${api.url}/api/public/v1/jobs/1`, { method: 'DELETE', headers: { Authorization: 'Basic YWlyYnl0ZTpwYXNzd29yZA==' } });
    expect(basic.status).toBe(401);
  });

  it('refuses a token request without client_id, naming the field', async () => {
    const res = await call('POST', '/applications/token', { client_secret: 'x' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 422, details: [{ path: 'client_id' }] });
  });
});

describe('public API resources', () => {
  it('lists, gets, creates and renames workspaces', async () => {
    const created = await call('POST', '/workspaces', { name: 'Analytics' });
    expect(created.body).toEqual({ workspaceId: expect.any(String), name: 'Analytics', dataResidency: 'auto', notifications: {} });
    const renamed = await call('PATCH', `/workspaces/${created.body.workspaceId}`, { name: 'Analytics 2' });
    expect(renamed.body.name).toBe('Analytics 2');
    expect((await call('GET', `/workspaces/${created.body.workspaceId}`)).body.name).toBe('Analytics 2');
    const listed = await call('GET', `/workspaces?workspaceIds=${created.body.workspaceId}`);
    expect(listed.body.data.map((w: any) => w.workspaceId)).toEqual([created.body.workspaceId]);
    expect((await call('GET', '/workspaces/not-a-uuid')).body).toMatchObject({ status: 422, details: [{ path: 'workspaceId' }] });
  });

  it('creates a source with its secret masked, by definitionId or by configuration.sourceType', async () => {
    const byId = await createSource('Counter A', { records: 3, api_key: 'source-secret-api-key' });
    expect(byId).toEqual({
      sourceId: expect.any(String),
      sourceType: 'fake',
      name: 'Counter A',
      workspaceId,
      definitionId: FAKE_SOURCE_ID,
      configuration: { sourceType: 'fake', records: 3, api_key: '**********' },
      createdAt: expect.any(Number),
    });
    const byType = await call('POST', '/sources', { name: 'Counter B', workspaceId, configuration: { sourceType: 'fake', records: 1 } });
    expect(byType.status).toBe(200);
    expect(byType.body).toMatchObject({ definitionId: FAKE_SOURCE_ID, configuration: { sourceType: 'fake', records: 1 } });
    // The type key names the connector; it is not stored as part of its configuration.
    expect((await api.services.actors.get('source', byType.body.sourceId)).configuration).toEqual({ records: 1 });
    const unknownType = await call('POST', '/sources', { name: 'X', workspaceId, configuration: { sourceType: 'salesforce' } });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.detail).toMatch(/configuration.sourceType.*salesforce.*postgres/);
    const badConfig = await call('POST', '/sources', { name: 'X', workspaceId, definitionId: FAKE_SOURCE_ID, configuration: { records: 'many' } });
    expect(badConfig.status).toBe(422);
    expect(badConfig.body.detail).toMatch(/records/);
  });

  it('pages sources with limit/offset and next/previous links that repeat the query', async () => {
    for (const name of ['Page 1', 'Page 2', 'Page 3']) await createSource(name, { records: 1 });
    const all = (await call('GET', `/sources?workspaceIds=${workspaceId}&limit=100`)).body.data;
    const first = await call('GET', `/sources?workspaceIds=${workspaceId}&limit=2`);
    expect(first.body.data).toEqual(all.slice(0, 2));
    expect(first.body.previous).toBeUndefined();
    const next = new URL(first.body.next);
    expect(Object.fromEntries(next.searchParams)).toEqual({ workspaceIds: workspaceId, limit: '2', offset: '2' });
    const second = await call('GET', `${next.pathname.replace('/api/public/v1', '')}${next.search}`);
    expect(second.body.data).toEqual(all.slice(2, 4));
    expect(new URL(second.body.previous).searchParams.get('offset')).toBe('0');
    const last = await call('GET', `/sources?limit=2&offset=${all.length - 1}`);
    expect(last.body.data).toEqual(all.slice(-1));
    expect(last.body.next).toBeUndefined();
    expect((await call('GET', '/sources?limit=0')).body).toMatchObject({ status: 422, details: [{ path: 'limit' }] });
  });

  it('patches (merging), puts (replacing) and deletes a source; a masked secret keeps its value', async () => {
    const source = await createSource('Editable', { records: 5, api_key: 'kept-secret-key' });
    const patched = await call('PATCH', `/sources/${source.sourceId}`, { name: 'Edited', configuration: { records: 7 } });
    expect(patched.body).toMatchObject({ name: 'Edited', configuration: { records: 7, api_key: '**********' } });
    expect((await api.services.actors.get('source', source.sourceId)).configuration).toEqual({ records: 7, api_key: 'kept-secret-key' });

    const put = await call('PUT', `/sources/${source.sourceId}`, { name: 'Replaced', configuration: { records: 9, api_key: '**********' } });
    expect(put.body).toMatchObject({ name: 'Replaced', configuration: { records: 9, api_key: '**********' } });
    expect((await api.services.actors.get('source', source.sourceId)).configuration).toEqual({ records: 9, api_key: 'kept-secret-key' });
    const putWithout = await call('PUT', `/sources/${source.sourceId}`, { name: 'Replaced', configuration: { records: 9 } });
    expect(putWithout.body.configuration).toEqual({ sourceType: 'fake', records: 9 });

    expect((await call('DELETE', `/sources/${source.sourceId}`)).status).toBe(204);
    const gone = await call('GET', `/sources/${source.sourceId}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, detail: expect.stringContaining(source.sourceId) });
    expect(api.logLines.join('\n')).not.toContain('kept-secret-key');
  });

  it('creates, gets, lists and deletes destinations', async () => {
    const destination = await createDestination();
    expect(destination).toMatchObject({ destinationType: 'fake', configuration: { directory: dir, password: '**********' } });
    expect((await call('GET', `/destinations/${destination.destinationId}`)).body).toEqual(destination);
    expect((await call('GET', '/destinations')).body.data).toContainEqual(destination);
    const other = await createDestination();
    expect((await call('DELETE', `/destinations/${other.destinationId}`)).status).toBe(204);
  });

  it('lists a source’s discovered streams with the sync modes the destination supports', async () => {
    const source = await createSource('Streams', { records: 1 });
    const destination = await createDestination();
    const res = await call('GET', `/streams?sourceId=${source.sourceId}&destinationId=${destination.destinationId}`);
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual({
      streamName: 'customers',
      streamnamespace: 'public',
      syncModes: ['full_refresh_overwrite', 'full_refresh_append', 'incremental_append', 'incremental_deduped_history'],
      defaultCursorField: ['updated_at'],
      sourceDefinedCursorField: false,
      sourceDefinedPrimaryKey: [['id']],
      propertyFields: [['id'], ['name'], ['updated_at']],
    });
    expect(res.body.find((s: any) => s.streamName === 'events').syncModes).toEqual(['full_refresh_overwrite', 'full_refresh_append']);
    expect((await call('GET', '/streams')).body).toMatchObject({ status: 422, details: [{ path: 'sourceId' }] });
  });
});

describe('public API connections and jobs', () => {
  it('creates a connection from configurations.streams, syncs it, and the destination holds the source’s rows', async () => {
    const source = await createSource('Numbers', { records: 250, batch_size: 100, password: 'read-secret-value' });
    const destination = await createDestination();
    const created = await call('POST', '/connections', {
      sourceId: source.sourceId,
      destinationId: destination.destinationId,
      name: 'Numbers to files',
      namespaceDefinition: 'source',
      configurations: {
        streams: [
          { name: 'customers', syncMode: 'incremental_deduped_history', cursorField: ['id'] },
          { name: 'events', syncMode: 'full_refresh_overwrite' },
        ],
      },
      schedule: { scheduleType: 'manual' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      connectionId: expect.any(String),
      name: 'Numbers to files',
      sourceId: source.sourceId,
      destinationId: destination.destinationId,
      workspaceId,
      status: 'active',
      schedule: { scheduleType: 'manual' },
      dataResidency: 'auto',
      configurations: {
        streams: [
          { name: 'customers', namespace: 'public', syncMode: 'incremental_deduped_history', cursorField: ['id'], primaryKey: [['id']] },
          { name: 'events', namespace: 'public', syncMode: 'full_refresh_overwrite', cursorField: [], primaryKey: [] },
        ],
      },
      namespaceDefinition: 'source',
      prefix: '',
      nonBreakingSchemaUpdatesBehavior: 'ignore',
      createdAt: expect.any(Number),
      tags: [],
    });
    const { connectionId } = created.body;
    expect((await call('GET', `/connections/${connectionId}`)).body).toEqual(created.body);

    const job = await call('POST', '/jobs', { connectionId, jobType: 'sync' });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ jobId: expect.any(Number), jobType: 'sync', connectionId, status: expect.stringMatching(/pending|running/), startTime: expect.any(String) });
    const done = await waitForJob(job.body.jobId, ['succeeded', 'failed', 'cancelled']);
    expect(done).toMatchObject({ status: 'succeeded', rowsSynced: 500, bytesSynced: expect.any(Number), duration: expect.stringMatching(/^PT/) });

    // Row by row: each stream got ids 1..250, each once.
    for (const stream of ['customers', 'events']) {
      const lines = (await readFile(join(dir, `public.${stream}.jsonl`), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((r) => r.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    }

    const reset = await call('POST', '/jobs', { connectionId, jobType: 'reset' });
    expect(reset.body).toMatchObject({ jobType: 'reset', connectionId });
    await waitForJob(reset.body.jobId, ['succeeded']);

    const syncs = await call('GET', `/jobs?connectionId=${connectionId}&jobType=sync&status=succeeded`);
    expect(syncs.body.data.map((j: any) => j.jobId)).toEqual([job.body.jobId]);
    const page = await call('GET', `/jobs?connectionId=${connectionId}&limit=1&orderBy=createdAt|DESC`);
    expect(page.body.data.map((j: any) => j.jobId)).toEqual([reset.body.jobId]);
    expect(new URL(page.body.next).searchParams.get('offset')).toBe('1');
    expect((await call('GET', `/jobs?createdAtStart=2024-01-01T00:00:00Z`)).body).toMatchObject({ status: 422, details: [{ path: 'createdAtStart' }] });
    expect(api.logLines.join('\n')).not.toContain('read-secret-value');
  });

  it('refuses a sync mode or stream the platform cannot run, naming the field', async () => {
    const source = await createSource('Refusals', { records: 1 });
    const destination = await createDestination();
    const base = { sourceId: source.sourceId, destinationId: destination.destinationId };
    const soft = await call('POST', '/connections', { ...base, configurations: { streams: [{ name: 'customers', syncMode: 'incremental_soft_delete' }] } });
    expect(soft.status).toBe(422);
    expect(soft.body.details).toEqual([{ path: 'configurations.streams[0].syncMode', message: expect.stringContaining('incremental_deduped_history') }]);
    const unknown = await call('POST', '/connections', { ...base, configurations: { streams: [{ name: 'invoices' }] } });
    expect(unknown.body.details).toEqual([{ path: 'configurations.streams[0].name', message: expect.stringContaining('customers, orders, events') }]);
    const incrementalEvents = await call('POST', '/connections', { ...base, configurations: { streams: [{ name: 'events', syncMode: 'incremental_append' }] } });
    expect(incrementalEvents.status).toBe(422);
    const appendOnly = (await call('POST', '/destinations', { name: 'S3', workspaceId, configuration: { destinationType: 's3', ...S3_CONFIG } })).body;
    const deduped = await call('POST', '/connections', { sourceId: source.sourceId, destinationId: appendOnly.destinationId, configurations: { streams: [{ name: 'customers', syncMode: 'incremental_deduped_history' }] } });
    expect(deduped.body.details).toEqual([{ path: 'configurations.streams[0].syncMode', message: 'incremental_deduped_history is not supported by destination S3; it supports full_refresh_overwrite, full_refresh_append, incremental_append' }]);
  });

  it('patches a connection’s streams, schedule and status, lists it, cancels its job, and deletes it', async () => {
    const source = await createSource('Slow', { records: 100000, batch_size: 10, delay_ms: 50 });
    const destination = await createDestination();
    const created = await call('POST', '/connections', { sourceId: source.sourceId, destinationId: destination.destinationId });
    expect(created.body.configurations.streams.map((s: any) => s.name)).toEqual(['customers', 'orders', 'events']);
    const { connectionId } = created.body;

    const patched = await call('PATCH', `/connections/${connectionId}`, {
      configurations: { streams: [{ name: 'orders', syncMode: 'full_refresh_append' }] },
      schedule: { scheduleType: 'cron', cronExpression: '0 0 * * *' },
      status: 'inactive',
      nonBreakingSchemaUpdatesBehavior: 'disable_connection',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      configurations: { streams: [{ name: 'orders', syncMode: 'full_refresh_append' }] },
      schedule: { scheduleType: 'cron', cronExpression: '0 0 * * *' },
      status: 'inactive',
      nonBreakingSchemaUpdatesBehavior: 'disable_connection',
    });
    expect((await call('GET', `/connections?workspaceIds=${workspaceId}&limit=100`)).body.data.map((c: any) => c.connectionId)).toContain(connectionId);

    const job = await call('POST', '/jobs', { connectionId, jobType: 'sync' });
    await waitForJob(job.body.jobId, ['running']);
    const cancelled = await call('DELETE', `/jobs/${job.body.jobId}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ jobId: job.body.jobId, status: 'cancelled' });

    expect((await call('DELETE', `/connections/${connectionId}`)).status).toBe(204);
    expect((await call('GET', `/connections?limit=100`)).body.data.map((c: any) => c.connectionId)).not.toContain(connectionId);
  });

  it('answers its health check without a token', async () => {
    const res = await fetch(`${api.url}/api/public/v1/health`);
    expect(res.status).toBe(200);
  });

  it('answers unknown paths 404 and wrong methods 405, as problem documents', async () => {
    expect(await call('GET', '/nothing')).toMatchObject({ status: 404, body: { status: 404, detail: expect.stringContaining('/api/public/v1/nothing') } });
    const wrong = await call('PUT', '/jobs');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });
});
