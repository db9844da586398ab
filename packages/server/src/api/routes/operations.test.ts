// operations/* over real HTTP (responses validated against openapi.yaml) on a real database:
// operations are recorded, linked to connections through operationIds, and never executed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID, useTestConnectors } from '../../testing/fake-connectors';

let api: TestApi;
let dir: string;
let workspaceId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operations-routes-'));
  api = await startTestApi({ connectorDefinitions: useTestConnectors() });
  workspaceId = (await api.post('workspaces/list')).body.workspaces[0].workspaceId;
});
afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

const NORMALIZATION = { operatorType: 'normalization', normalization: { option: 'basic' } };
const DBT = { operatorType: 'dbt', dbt: { gitRepoUrl: 'https://github.com/acme/dbt-project.git', gitRepoBranch: 'main', dbtArguments: 'run' } };
const DBT_CLOUD = { operatorType: 'webhook', webhook: { webhookType: 'dbtCloud', dbtCloud: { accountId: 7, jobId: 42 } } };

async function createConnection(body: Record<string, unknown> = {}) {
  const source = (await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'Counter', connectionConfiguration: { records: 5 } })).body;
  const destination = (await api.post('destinations/create', { destinationDefinitionId: FAKE_DESTINATION_ID, name: 'Files', connectionConfiguration: { directory: dir } })).body;
  return api.post('connections/create', {
    sourceId: source.sourceId,
    destinationId: destination.destinationId,
    syncCatalog: { streams: [{ stream: { name: 'numbers', namespace: 'public' }, config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' } }] },
    ...body,
  });
}

describe('operations', () => {
  it('records operations in the platform database and lists a connection\'s in its operationIds order', async () => {
    const normalization = await api.post('operations/create', { workspaceId, name: 'Normalization', operatorConfiguration: NORMALIZATION });
    expect(normalization.status).toBe(200);
    expect(normalization.body).toEqual({ workspaceId, operationId: expect.any(String), name: 'Normalization', operatorConfiguration: NORMALIZATION });
    const dbt = (await api.post('operations/create', { name: 'dbt run', operatorConfiguration: DBT })).body;
    expect(dbt.workspaceId).toBe(workspaceId);

    const stored = await api.pool.query('SELECT name, operator_configuration FROM operations WHERE operation_id = $1', [dbt.operationId]);
    expect(stored.rows).toEqual([{ name: 'dbt run', operator_configuration: DBT }]);
    expect((await api.post('operations/get', { operationId: dbt.operationId })).body).toEqual(dbt);

    const connection = (await createConnection({ operationIds: [dbt.operationId, normalization.body.operationId] })).body;
    expect(connection.operationIds).toEqual([dbt.operationId, normalization.body.operationId]);
    const listed = await api.post('operations/list', { connectionId: connection.connectionId });
    expect(listed.body).toEqual({ operations: [dbt, normalization.body] });

    const updated = await api.post('operations/update', { operationId: dbt.operationId, name: 'dbt Cloud job', operatorConfiguration: DBT_CLOUD });
    expect(updated.body).toEqual({ ...dbt, name: 'dbt Cloud job', operatorConfiguration: DBT_CLOUD });
    expect((await api.post('operations/list', { connectionId: connection.connectionId })).body.operations[0]).toEqual(updated.body);
  });

  it('deletes an operation and takes it out of every connection that ran it', async () => {
    const operation = (await api.post('operations/create', { workspaceId, name: 'Normalization', operatorConfiguration: NORMALIZATION })).body;
    const kept = (await api.post('operations/create', { workspaceId, name: 'dbt', operatorConfiguration: DBT })).body;
    const first = (await createConnection({ operationIds: [operation.operationId, kept.operationId] })).body;
    const second = (await createConnection({ operationIds: [operation.operationId] })).body;

    expect((await api.post('operations/delete', { operationId: operation.operationId })).status).toBe(204);
    expect((await api.post('connections/get', { connectionId: first.connectionId })).body.operationIds).toEqual([kept.operationId]);
    expect((await api.post('connections/get', { connectionId: second.connectionId })).body.operationIds).toEqual([]);
    const gone = await api.post('operations/get', { operationId: operation.operationId });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Could not find operation with id ${operation.operationId}`);
    expect((await api.post('operations/delete', { operationId: operation.operationId })).status).toBe(404);
  });

  it('checks a configuration, saying that nothing is executed, and refuses what an operation lacks, naming the field', async () => {
    const normalization = await api.post('operations/check', NORMALIZATION);
    expect(normalization.body).toEqual({ status: 'succeeded', message: expect.stringContaining("destination-postgres's own Basic mode") });
    expect((await api.post('operations/check', DBT_CLOUD)).body).toEqual({ status: 'succeeded', message: expect.stringContaining('stored but not executed') });
    const incomplete = await api.post('operations/check', { operatorType: 'dbt' });
    expect(incomplete.body).toEqual({ status: 'failed', message: 'operatorConfiguration.dbt.gitRepoUrl: is required for operatorType dbt' });

    const refused = await api.post('operations/create', { workspaceId, name: 'webhook', operatorConfiguration: { operatorType: 'webhook', webhook: {} } });
    expect(refused.status).toBe(422);
    expect(refused.body.details[0].path).toBe('operatorConfiguration.webhook');
    const unknownType = await api.post('operations/create', { workspaceId, name: 'x', operatorConfiguration: { operatorType: 'spark' } });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.details[0].path).toBe('operatorConfiguration.operatorType');
    expect((await api.post('operations/update', { operationId: '00000000-0000-4000-8000-000000000404', name: 'x', operatorConfiguration: NORMALIZATION })).status).toBe(404);
    expect((await api.post('operations/list', { connectionId: '00000000-0000-4000-8000-000000000404' })).status).toBe(404);
  });

  it('refuses operationIds that name no operation, or one of another workspace, naming the item', async () => {
    const missing = await createConnection({ operationIds: ['00000000-0000-4000-8000-000000000404'] });
    expect(missing.status).toBe(422);
    expect(missing.body.details).toEqual([{ path: 'operationIds[0]', message: expect.stringContaining('does not exist') }]);

    const other = (await api.post('workspaces/create', { name: 'Other team' })).body;
    const foreign = (await api.post('operations/create', { workspaceId: other.workspaceId, name: 'Theirs', operatorConfiguration: NORMALIZATION })).body;
    const connection = (await createConnection()).body;
    const update = await api.post('connections/update', { connectionId: connection.connectionId, operationIds: [foreign.operationId] });
    expect(update.status).toBe(422);
    expect(update.body.details).toEqual([{ path: 'operationIds[0]', message: 'operation Theirs belongs to another workspace than the connection' }]);
    expect((await api.post('connections/get', { connectionId: connection.connectionId })).body.operationIds).toEqual([]);
  });
});
