// web_backend/connections/list|get|create|update and web_backend/describe_cron_expression over real HTTP
// (responses validated against openapi.yaml), with a worker running the jobs.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronFor } from '../../services/schedule';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID, useTestConnectors } from '../../testing/fake-connectors';
import { quietLog } from '../../testing/platform-harness';
import { Worker } from '../../worker/worker';

/** What every built-in connector's ActorDefinitionVersionRead says beyond its image. */
const BUILT_IN_VERSION = { supportsRefreshes: false, supportState: 'supported', isVersionOverrideApplied: false, supportsFileTransfer: false, supportsDataActivation: false };

let api: TestApi;
let worker: Worker;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'web-backend-routes-'));
  api = await startTestApi({ connectorDefinitions: useTestConnectors() });
  worker = new Worker({ workerId: 'web-backend-test-worker', jobStore: api.jobStore, configStore: api.configStore, log: quietLog, pollIntervalMs: 100, heartbeatIntervalMs: 300, killGraceMs: 3000 });
  worker.start();
});
afterAll(async () => {
  await worker?.stop(0);
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitForStatus(jobId: number, statuses: string[]) {
  for (let i = 0; i < 600; i++) {
    const res = await api.post('jobs/get', { id: jobId });
    if (statuses.includes(res.body.job.status)) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} never reached ${statuses.join('|')}`);
}

describe('web_backend/connections/list', () => {
  it('lists connections without catalogs, with connector snippets, schedule and the latest job', async () => {
    const source = (await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'Counter', connectionConfiguration: { records: 50, batch_size: 10 } })).body;
    const destination = (await api.post('destinations/create', { destinationDefinitionId: FAKE_DESTINATION_ID, name: 'Files', connectionConfiguration: { directory: dir } })).body;
    const create = (name: string, extra: Record<string, unknown>) =>
      api.post('connections/create', {
        name,
        sourceId: source.sourceId,
        destinationId: destination.destinationId,
        syncCatalog: { streams: [{ stream: { name: 'numbers', namespace: 'public' }, config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' } }] },
        ...extra,
      });
    const synced = (await create('synced', { scheduleType: 'manual' })).body;
    const cron = (await create('cron', { scheduleType: 'cron', scheduleData: { cron: { cronExpression: '0 0 12 * * ?', cronTimeZone: 'Europe/Paris' } }, status: 'inactive' })).body;
    const deleted = (await create('deleted', { schedule: { units: 1, timeUnit: 'hours' } })).body;
    expect((await api.post('connections/delete', { connectionId: deleted.connectionId })).status).toBe(204);

    const sync = await api.post('connections/sync', { connectionId: synced.connectionId });
    await waitForStatus(sync.body.job.id, ['succeeded', 'failed']);

    const res = await api.post('web_backend/connections/list', {});
    expect(res.status).toBe(200);
    const items = res.body.connections;
    expect(items.map((c: { name: string }) => c.name)).toEqual(['synced', 'cron']);
    for (const item of items) expect(item).not.toHaveProperty('syncCatalog');
    expect(items[0]).toEqual({
      connectionId: synced.connectionId,
      name: 'synced',
      source: { sourceId: source.sourceId, name: 'Counter', sourceDefinitionId: FAKE_SOURCE_ID, sourceName: source.sourceName },
      destination: { destinationId: destination.destinationId, name: 'Files', destinationDefinitionId: FAKE_DESTINATION_ID, destinationName: destination.destinationName },
      status: 'active',
      scheduleType: 'manual',
      latestSyncJobCreatedAt: sync.body.job.createdAt,
      latestSyncJobStatus: 'succeeded',
      isSyncing: false,
      schemaChange: 'no_change',
      sourceActorDefinitionVersion: { ...BUILT_IN_VERSION, dockerRepository: 'airbyte/source-fake', dockerImageTag: expect.any(String) },
      destinationActorDefinitionVersion: { ...BUILT_IN_VERSION, dockerRepository: 'airbyte/destination-fake', dockerImageTag: expect.any(String) },
      tags: [],
    });
    expect(items[1]).toMatchObject({
      status: 'inactive',
      scheduleType: 'cron',
      scheduleData: { cron: { cronExpression: '0 0 12 * * ?', cronTimeZone: 'Europe/Paris' } },
      isSyncing: false,
    });
    expect(items[1]).not.toHaveProperty('latestSyncJobStatus');
  });

  it('answers 404 naming an unknown workspace', async () => {
    const res = await api.post('web_backend/connections/list', { workspaceId: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('00000000-0000-4000-8000-000000000000');
  });
});

describe('web_backend/describe_cron_expression', () => {
  it('lists the next five runs in the time zone, as the scheduler computes them', async () => {
    const res = await api.post('web_backend/describe_cron_expression', { cronExpression: ' 0 30 9 ? * MON-FRI ', cronTimeZone: 'America/New_York' });
    expect(res.status).toBe(200);
    const expected = cronFor('0 30 9 ? * MON-FRI', 'America/New_York').nextRuns(5).map((d) => Math.floor(d.getTime() / 1000));
    const firstLocal = new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(expected[0] * 1000));
    expect(res.body).toEqual({
      cronExpression: '0 30 9 ? * MON-FRI',
      cronTimeZone: 'America/New_York',
      description: `cron 0 30 9 ? * MON-FRI in America/New_York, next run ${firstLocal}`,
      nextExecutions: expected,
    });
    expect(firstLocal).toMatch(/ 09:30$/);
    for (const at of res.body.nextExecutions) {
      const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at * 1000));
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:30$/);
    }
  });

  it('defaults to UTC and refuses what connections/create refuses, naming the field', async () => {
    expect((await api.post('web_backend/describe_cron_expression', { cronExpression: '0 0 * * *' })).body.cronTimeZone).toBe('UTC');
    const bad = await api.post('web_backend/describe_cron_expression', { cronExpression: 'every day' });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].path).toBe('scheduleData.cron.cronExpression');
    const everySecond = await api.post('web_backend/describe_cron_expression', { cronExpression: '* * * * * ?' });
    expect(everySecond.status).toBe(422);
    expect(everySecond.body.message).toContain('more than once a minute');
    const zone = await api.post('web_backend/describe_cron_expression', { cronExpression: '0 0 * * *', cronTimeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(422);
    expect(zone.body.details[0].path).toBe('scheduleData.cron.cronTimeZone');
  });
});

describe('web_backend/connections/get', () => {
  it('answers the connection with its source and destination (secrets masked) and its latest job', async () => {
    const source = (await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'Numbers', connectionConfiguration: { records: 20, batch_size: 10, password: 'wb-secret-4242' } })).body;
    const destination = (await api.post('destinations/create', { destinationDefinitionId: FAKE_DESTINATION_ID, name: 'Disk', connectionConfiguration: { directory: dir } })).body;
    const connection = (
      await api.post('connections/create', {
        sourceId: source.sourceId,
        destinationId: destination.destinationId,
        syncCatalog: { streams: [{ stream: { name: 'numbers', namespace: 'public' }, config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' } }] },
      })
    ).body;

    const before = await api.post('web_backend/connections/get', { connectionId: connection.connectionId });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      ...connection,
      source,
      destination,
      operations: [],
      isSyncing: false,
      schemaChange: 'no_change',
      ...(connection.sourceCatalogId ? { catalogId: connection.sourceCatalogId } : {}),
      notifySchemaChangesByEmail: false,
      sourceActorDefinitionVersion: { ...BUILT_IN_VERSION, dockerRepository: 'airbyte/source-fake', dockerImageTag: expect.any(String) },
      destinationActorDefinitionVersion: { ...BUILT_IN_VERSION, dockerRepository: 'airbyte/destination-fake', dockerImageTag: expect.any(String) },
      tags: [],
    });
    expect(JSON.stringify(before.body)).not.toContain('wb-secret-4242');

    const sync = await api.post('connections/sync', { connectionId: connection.connectionId });
    const info = await waitForStatus(sync.body.job.id, ['succeeded', 'failed']);
    const after = (await api.post('web_backend/connections/get', { connectionId: connection.connectionId })).body;
    expect(after).toMatchObject({ latestSyncJobCreatedAt: info.job.createdAt, latestSyncJobStatus: info.job.status, isSyncing: false });

    const refresh = await api.post('web_backend/connections/get', { connectionId: connection.connectionId, withRefreshedCatalog: true });
    expect(refresh.status).toBe(422);
    expect(refresh.body.details[0].path).toBe('withRefreshedCatalog');
    expect((await api.post('web_backend/connections/get', { connectionId: '00000000-0000-4000-8000-000000000404' })).status).toBe(404);
  });
});

describe('web_backend/connections/create|update', () => {
  const NORMALIZATION = { operatorType: 'normalization', normalization: { option: 'basic' } };
  const DBT = { operatorType: 'dbt', dbt: { gitRepoUrl: 'https://github.com/acme/dbt.git' } };
  const stream = (name: string, destinationSyncMode: string) => ({ stream: { name, namespace: 'public' }, config: { syncMode: 'full_refresh', destinationSyncMode } });

  async function ends(directory = dir) {
    const source = (await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'Counter', connectionConfiguration: { records: 20, batch_size: 10 } })).body;
    const destination = (await api.post('destinations/create', { destinationDefinitionId: FAKE_DESTINATION_ID, name: 'Disk', connectionConfiguration: { directory } })).body;
    return { sourceId: source.sourceId, destinationId: destination.destinationId, workspaceId: source.workspaceId };
  }

  it('creates a connection with its operations and answers as web_backend/connections/get does', async () => {
    const { sourceId, destinationId, workspaceId } = await ends();
    const created = await api.post('web_backend/connections/create', {
      sourceId,
      destinationId,
      status: 'active',
      syncCatalog: { streams: [stream('numbers', 'overwrite')] },
      operations: [
        { workspaceId, name: 'Normalization', operatorConfiguration: NORMALIZATION },
        { name: 'dbt', operatorConfiguration: DBT },
      ],
    });
    expect(created.status).toBe(200);
    expect(created.body.operations).toEqual([
      { workspaceId, operationId: expect.any(String), name: 'Normalization', operatorConfiguration: NORMALIZATION },
      { workspaceId, operationId: expect.any(String), name: 'dbt', operatorConfiguration: DBT },
    ]);
    expect(created.body.operationIds).toEqual(created.body.operations.map((o: { operationId: string }) => o.operationId));
    expect((await api.post('web_backend/connections/get', { connectionId: created.body.connectionId })).body).toEqual(created.body);

    const refused = await api.post('web_backend/connections/create', {
      sourceId,
      destinationId,
      status: 'active',
      syncCatalog: { streams: [stream('numbers', 'overwrite')] },
      operations: [{ name: 'dbt', operatorConfiguration: { operatorType: 'dbt' } }],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details[0].path).toBe('operations[0].operatorConfiguration.dbt.gitRepoUrl');
    // Refused before anything was written: no second connection.
    const names = (await api.post('connections/list', { workspaceId })).body.connections.filter((c: { sourceId: string }) => c.sourceId === sourceId);
    expect(names).toHaveLength(1);
  });

  it('replaces the operations: listed ones are updated or created, the others deleted', async () => {
    const { sourceId, destinationId, workspaceId } = await ends();
    const created = (
      await api.post('web_backend/connections/create', {
        sourceId,
        destinationId,
        status: 'active',
        syncCatalog: { streams: [stream('numbers', 'overwrite')] },
        operations: [
          { name: 'Normalization', operatorConfiguration: NORMALIZATION },
          { name: 'dbt', operatorConfiguration: DBT },
        ],
      })
    ).body;
    const [normalization, dbt] = created.operations;
    const updated = await api.post('web_backend/connections/update', {
      connectionId: created.connectionId,
      name: 'Renamed',
      operations: [{ operationId: dbt.operationId, workspaceId, name: 'dbt nightly', operatorConfiguration: DBT }, { name: 'Normalization again', operatorConfiguration: NORMALIZATION }],
    });
    expect(updated.status).toBe(200);
    expect(updated.body.name).toBe('Renamed');
    expect(updated.body.operations).toEqual([
      { ...dbt, name: 'dbt nightly' },
      { workspaceId, operationId: expect.any(String), name: 'Normalization again', operatorConfiguration: NORMALIZATION },
    ]);
    expect((await api.post('operations/get', { operationId: normalization.operationId })).status).toBe(404);

    const foreign = await api.post('web_backend/connections/update', { connectionId: created.connectionId, operations: [{ operationId: normalization.operationId, name: 'x', operatorConfiguration: NORMALIZATION }] });
    expect(foreign.status).toBe(422);
    expect(foreign.body.details[0].path).toBe('operations[0].operationId');
    const both = await api.post('web_backend/connections/update', { connectionId: created.connectionId, operationIds: [], operations: [] });
    expect(both.status).toBe(422);
    expect(both.body.details[0].path).toBe('operationIds');

    const cleared = await api.post('web_backend/connections/update', { connectionId: created.connectionId, operations: [] });
    expect(cleared.body).toMatchObject({ operationIds: [], operations: [] });
    for (const o of updated.body.operations) expect((await api.post('operations/get', { operationId: o.operationId })).status).toBe(404);
  });

  it('resets only the streams whose sync settings changed, keeping the other streams row for row; skipReset keeps them all', async () => {
    const own = await mkdtemp(join(dir, 'reset-'));
    const { sourceId, destinationId } = await ends(own);
    const connection = (
      await api.post('web_backend/connections/create', { sourceId, destinationId, status: 'active', syncCatalog: { streams: [stream('numbers', 'overwrite'), stream('letters', 'overwrite')] } })
    ).body;
    const sync = await api.post('connections/sync', { connectionId: connection.connectionId });
    expect((await waitForStatus(sync.body.job.id, ['succeeded', 'failed'])).job.status).toBe('succeeded');
    const numbersFile = join(own, 'public.numbers.jsonl');
    const lettersFile = join(own, 'public.letters.jsonl');
    const letters = await readFile(lettersFile, 'utf8');
    expect(letters.trim().split('\n')).toHaveLength(20);
    const jobCount = async () => (await api.post('jobs/list', { configTypes: ['sync', 'reset_connection'], configId: connection.connectionId })).body.totalJobCount;

    // skipReset: the new mode applies from the next sync; nothing is cleared now.
    const kept = await api.post('web_backend/connections/update', { connectionId: connection.connectionId, skipReset: true, syncCatalog: { streams: [stream('numbers', 'append'), stream('letters', 'overwrite')] } });
    expect(kept.status).toBe(200);
    expect(kept.body.syncCatalog.streams[0].config.destinationSyncMode).toBe('append');
    expect(await jobCount()).toBe(1);
    expect((await readFile(numbersFile, 'utf8')).trim().split('\n')).toHaveLength(20);

    // Without skipReset (Airbyte's default), the changed stream alone is reset.
    const reset = await api.post('web_backend/connections/update', { connectionId: connection.connectionId, syncCatalog: { streams: [stream('numbers', 'overwrite'), stream('letters', 'overwrite')] } });
    expect(reset.status).toBe(200);
    const jobs = (await api.post('jobs/list', { configTypes: ['reset_connection'], configId: connection.connectionId })).body.jobs;
    expect(jobs).toHaveLength(1);
    expect(jobs[0].job.resetConfig).toEqual({ streamsToReset: [{ name: 'numbers', namespace: 'public' }] });
    expect((await waitForStatus(jobs[0].job.id, ['succeeded', 'failed'])).job.status).toBe('succeeded');
    expect(existsSync(numbersFile) ? (await readFile(numbersFile, 'utf8')).trim() : '').toBe('');
    expect(await readFile(lettersFile, 'utf8')).toBe(letters);

    // A change that does not touch what the destination holds (a name) starts no reset.
    await api.post('web_backend/connections/update', { connectionId: connection.connectionId, name: 'Same streams' });
    expect(await jobCount()).toBe(2);
  });
});
