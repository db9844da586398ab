import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import {
  FAKE_DESTINATION_ID,
  FAKE_SOURCE_ID,
  POSTGRES_SOURCE_DEFINITION_ID,
  S3_CONFIG,
  S3_DESTINATION_DEFINITION_ID,
  useTestConnectors,
} from '../../testing/fake-connectors';

const MASK = '**********';

const postgresConfig = (password: string) => ({
  host: '127.0.0.1',
  port: 1,
  database: 'source_db',
  username: 'airbyte',
  password,
  ssl_mode: { mode: 'disable' },
  replication_method: { method: 'Standard' },
});

describe('sources and destinations', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ connectorDefinitions: useTestConnectors() });
  });
  afterAll(() => api.close());

  it('lists and gets definitions and their specs', async () => {
    const sources = await api.post('source_definitions/list');
    expect(sources.status).toBe(200);
    expect(sources.body.sourceDefinitions).toContainEqual(
      expect.objectContaining({ sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID, name: 'Postgres', dockerRepository: 'airbyte/source-postgres' }),
    );
    const destination = await api.post('destination_definitions/get', { destinationDefinitionId: S3_DESTINATION_DEFINITION_ID });
    expect(destination.body).toMatchObject({ name: 'S3', dockerRepository: 'airbyte/destination-s3' });

    const spec = await api.post('source_definition_specifications/get', { sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID });
    expect(spec.status).toBe(200);
    expect(spec.body.connectionSpecification.properties.password.airbyte_secret).toBe(true);
    expect(spec.body.jobInfo).toMatchObject({ configType: 'get_spec', succeeded: true });

    const destSpec = await api.post('destination_definition_specifications/get', { destinationDefinitionId: S3_DESTINATION_DEFINITION_ID });
    expect(destSpec.body.supportedDestinationSyncModes).toEqual(['overwrite', 'append']);

    // destination-postgres: Airbyte's definition id, every sync mode, Basic normalization.
    const destinations = await api.post('destination_definitions/list');
    const postgres = destinations.body.destinationDefinitions.find((d: { dockerRepository: string }) => d.dockerRepository === 'airbyte/destination-postgres');
    expect(postgres).toMatchObject({ destinationDefinitionId: '25c5221d-dce2-4163-ade9-739ef790f503', name: 'Postgres' });
    const postgresSpec = await api.post('destination_definition_specifications/get', { destinationDefinitionId: postgres.destinationDefinitionId });
    expect(postgresSpec.body.supportedDestinationSyncModes).toEqual(['overwrite', 'append', 'append_dedup']);
    expect(postgresSpec.body.connectionSpecification.properties.password.airbyte_secret).toBe(true);
    expect(postgresSpec.body.connectionSpecification.properties.normalization.enum).toEqual(['none', 'basic']);

    const unknown = await api.post('source_definitions/get', { sourceDefinitionId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Could not find source definition with id 00000000-0000-4000-8000-000000000000');
  });

  it('creates, gets, lists, updates and deletes a source', async () => {
    const created = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'Fake', connectionConfiguration: { api_key: 'k-1' } });
    expect(created.status).toBe(200);
    const { sourceId, workspaceId } = created.body;
    expect(created.body).toMatchObject({ name: 'Fake', sourceName: 'Fake API', connectionConfiguration: { api_key: MASK } });

    const fetched = await api.post('sources/get', { sourceId });
    expect(fetched.body).toEqual(created.body);
    const listed = await api.post('sources/list', { workspaceId });
    expect(listed.body.sources.map((s: { sourceId: string }) => s.sourceId)).toContain(sourceId);

    const updated = await api.post('sources/update', { sourceId, name: 'Renamed', connectionConfiguration: { api_key: 'k-2', start_date: '2024-01-01' } });
    expect(updated.body).toMatchObject({ name: 'Renamed', connectionConfiguration: { api_key: MASK, start_date: '2024-01-01' } });
    expect((await api.configStore.getActor('source', sourceId))!.configuration.api_key).toBe('k-2');

    expect((await api.post('sources/delete', { sourceId })).status).toBe(204);
    expect((await api.post('sources/get', { sourceId })).status).toBe(404);
    expect((await api.post('sources/delete', { sourceId })).status).toBe(404);
    expect((await api.post('sources/list', {})).body.sources.map((s: { sourceId: string }) => s.sourceId)).not.toContain(sourceId);
  });

  it('creates, updates and deletes a destination', async () => {
    const created = await api.post('destinations/create', { destinationDefinitionId: S3_DESTINATION_DEFINITION_ID, name: 'MinIO S3', connectionConfiguration: S3_CONFIG });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      destinationName: 'S3',
      connectionConfiguration: { ...S3_CONFIG, access_key_id: MASK, secret_access_key: MASK },
    });
    const { destinationId } = created.body;
    const updated = await api.post('destinations/update', {
      destinationId,
      name: 'MinIO',
      connectionConfiguration: { ...created.body.connectionConfiguration, s3_bucket_name: 'other' },
    });
    expect(updated.body).toMatchObject({ name: 'MinIO', connectionConfiguration: { s3_bucket_name: 'other', secret_access_key: MASK } });
    expect((await api.post('destinations/list', {})).body.destinations).toHaveLength(1);
    expect((await api.post('destinations/delete', { destinationId })).status).toBe(204);
    expect((await api.post('destinations/get', { destinationId })).status).toBe(404);
  });

  it('masks secrets in every response, encrypts them at rest, and keeps them on a masked update', async () => {
    const password = 'pg-Secret-Value-42';
    const created = await api.post('sources/create', { sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID, name: 'PostgreSQL', connectionConfiguration: postgresConfig(password) });
    expect(created.status).toBe(200);
    expect(created.body.connectionConfiguration.password).toBe(MASK);
    const { sourceId } = created.body;

    const row = await api.pool.query('SELECT configuration::text AS raw, configuration FROM sources WHERE source_id = $1', [sourceId]);
    expect(row.rows[0].raw).not.toContain(password);
    expect(row.rows[0].configuration.password._encrypted).toMatch(/^v1\./);
    expect(row.rows[0].configuration.host).toBe('127.0.0.1');

    // The UI sends the masked value back with other edits.
    const updated = await api.post('sources/update', { sourceId, name: 'PostgreSQL', connectionConfiguration: { ...created.body.connectionConfiguration, database: 'analytics' } });
    expect(updated.status).toBe(200);
    const stored = await api.configStore.getActor('source', sourceId);
    expect(stored!.configuration).toMatchObject({ password, database: 'analytics' });

    for (const res of [await api.post('sources/get', { sourceId }), await api.post('sources/list', {})]) {
      expect(JSON.stringify(res.body)).not.toContain(password);
    }
    await api.post('sources/check_connection', { sourceId });
    expect(api.logLines.join('\n')).not.toContain(password);
  });

  it('partially updates a source and a destination: what is left out is kept, a configuration given is merged, secrets included', async () => {
    const password = 'partial-secret-9';
    const source = await api.post('sources/create', { sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID, name: 'Shop DB', connectionConfiguration: postgresConfig(password) });
    const { sourceId } = source.body;
    const merged = await api.post('sources/partial_update', { sourceId, connectionConfiguration: { database: 'analytics' } });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ name: 'Shop DB', connectionConfiguration: { ...postgresConfig(MASK), database: 'analytics' } });
    expect((await api.configStore.getActor('source', sourceId))!.configuration).toEqual({ ...postgresConfig(password), database: 'analytics' });
    const renamed = await api.post('sources/partial_update', { sourceId, name: 'Analytics DB' });
    expect(renamed.body).toEqual({ ...merged.body, name: 'Analytics DB' });
    expect(JSON.stringify(renamed.body)).not.toContain(password);

    const destination = await api.post('destinations/create', { destinationDefinitionId: S3_DESTINATION_DEFINITION_ID, name: 'Lake', connectionConfiguration: S3_CONFIG });
    const { destinationId } = destination.body;
    const nested = await api.post('destinations/partial_update', { destinationId, connectionConfiguration: { format: { block_size_mb: 64 } } });
    expect(nested.status).toBe(200);
    expect((await api.configStore.getActor('destination', destinationId))!.configuration).toEqual({ ...S3_CONFIG, format: { ...S3_CONFIG.format, block_size_mb: 64 } });
    expect(nested.body).toMatchObject({ name: 'Lake', connectionConfiguration: { secret_access_key: MASK, format: { format_type: 'Parquet', block_size_mb: 64 } } });

    const bad = await api.post('sources/partial_update', { sourceId, connectionConfiguration: { port: 'not-a-port' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.details)).toContain('port');
    const unknown = '00000000-0000-4000-8000-000000000404';
    expect((await api.post('destinations/partial_update', { destinationId: unknown, name: 'x' })).body.message).toBe(`Could not find destination with id ${unknown}`);
    await api.post('sources/delete', { sourceId });
    await api.post('destinations/delete', { destinationId });
  });

  it('refuses a configuration that does not match the spec, naming the field', async () => {
    const missing = await api.post('sources/create', {
      sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID,
      name: 'pg',
      connectionConfiguration: { host: 'db', port: 5432, username: 'u' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.details).toContainEqual({ path: 'connectionConfiguration.database', message: 'is required' });

    const wrongType = await api.post('sources/create', {
      sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID,
      name: 'pg',
      connectionConfiguration: { ...postgresConfig('x'), port: 'five' },
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.details).toContainEqual({ path: 'connectionConfiguration.port', message: 'must be integer' });
    expect(wrongType.body.message).toContain('connectionConfiguration.port must be integer');

    const badChoice = await api.post('sources/create', {
      sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID,
      name: 'pg',
      connectionConfiguration: { ...postgresConfig('x'), ssl_mode: { mode: 'sometimes' } },
    });
    expect(badChoice.status).toBe(422);
    expect(badChoice.body.details).toHaveLength(1);
    expect(badChoice.body.details[0].path).toBe('connectionConfiguration.ssl_mode');
    expect(badChoice.body.details[0].message).toContain('prefer');
  });

  it('refuses a destination whose key template leaves the bucket path or cannot keep streams apart, naming the field', async () => {
    const create = (overrides: Record<string, unknown>) =>
      api.post('destinations/create', { destinationDefinitionId: S3_DESTINATION_DEFINITION_ID, name: 'S3', connectionConfiguration: { ...S3_CONFIG, ...overrides } });
    const collide = await create({ s3_path_format: '${STREAM_NAME}${EPOCH}_' });
    expect(collide.status).toBe(422);
    expect(collide.body.details).toEqual([{ path: 'connectionConfiguration.s3_path_format', message: expect.stringContaining('must put ${STREAM_NAME} at the end of a path segment') }]);
    expect(collide.body.message).toContain('connectionConfiguration.s3_path_format must put ${STREAM_NAME}');
    const outside = await create({ s3_bucket_path: '../../etc' });
    expect(outside.status).toBe(422);
    expect(outside.body.details).toEqual([{ path: 'connectionConfiguration.s3_bucket_path', message: expect.stringContaining('must not contain ".."') }]);
    expect((await create({ s3_path_format: '${NAMESPACE}/' })).body.details).toEqual([{ path: 'connectionConfiguration.s3_path_format', message: expect.stringContaining('must contain ${STREAM_NAME}') }]);

    const created = await create({});
    expect(created.status).toBe(200);
    const update = await api.post('destinations/update', {
      destinationId: created.body.destinationId,
      name: 'S3',
      connectionConfiguration: { ...created.body.connectionConfiguration, s3_path_format: '${NAMESPACE}/${STREAM_NAME}' },
    });
    expect(update.status).toBe(422);
    expect(update.body.details).toEqual([{ path: 'connectionConfiguration.s3_path_format', message: expect.stringContaining('at the end of a path segment') }]);
    expect((await api.configStore.getActor('destination', created.body.destinationId))!.configuration.s3_path_format).toBeUndefined();

    const unsaved = await api.post('scheduler/destinations/check_connection', {
      destinationDefinitionId: S3_DESTINATION_DEFINITION_ID,
      connectionConfiguration: { ...S3_CONFIG, s3_path_format: 'x/../${STREAM_NAME}/' },
    });
    expect(unsaved.status).toBe(422);
    expect(unsaved.body.details).toEqual([{ path: 'connectionConfiguration.s3_path_format', message: expect.stringContaining('must not contain ".."') }]);

    // A destination saved before the rule existed: its check fails, naming the field, before any S3 call.
    const workspace = await api.configStore.defaultWorkspace();
    const legacy = await api.configStore.createActor('destination', {
      workspaceId: workspace.workspaceId,
      definitionId: S3_DESTINATION_DEFINITION_ID,
      name: 'old S3',
      configuration: { ...S3_CONFIG, s3_path_format: '${STREAM_NAME}${EPOCH}_' },
      secretPaths: ['access_key_id', 'secret_access_key'],
    });
    const check = await api.post('destinations/check_connection', { destinationId: legacy.actorId });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ status: 'failed', message: expect.stringMatching(/^Config is not valid: s3_path_format must put \$\{STREAM_NAME\} at the end of a path segment/) });
  });

  it('answers an unknown definition or workspace with 404', async () => {
    const res = await api.post('sources/create', { sourceDefinitionId: '00000000-0000-4000-8000-00000000beef', name: 'x', connectionConfiguration: {} });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Could not find source definition with id 00000000-0000-4000-8000-00000000beef');
    const workspace = await api.post('sources/create', {
      sourceDefinitionId: FAKE_SOURCE_ID,
      workspaceId: '00000000-0000-4000-8000-00000000cafe',
      name: 'x',
      connectionConfiguration: { api_key: 'k' },
    });
    expect(workspace.status).toBe(404);
    expect(workspace.body.message).toContain('Could not find workspace');
  });

  it('reports check results, scrubbing secrets from messages and logs', async () => {
    const ok = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'ok', connectionConfiguration: { api_key: 'good-key-1' } });
    const good = await api.post('sources/check_connection', { sourceId: ok.body.sourceId });
    expect(good.body).toMatchObject({ status: 'succeeded', jobInfo: { configType: 'check_connection_source', succeeded: true } });
    expect(good.body.jobInfo.logs.logLines.join('\n')).toContain(`checking with key ${MASK}`);

    const failing = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'bad', connectionConfiguration: { api_key: 'leaky-key-2', behaviour: 'fail' } });
    const failed = await api.post('sources/check_connection', { sourceId: failing.body.sourceId });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'failed', message: `401 Unauthorized for key ${MASK}` });

    const throwing = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'thr', connectionConfiguration: { api_key: 'leaky-key-3', behaviour: 'throw' } });
    const thrown = await api.post('sources/check_connection', { sourceId: throwing.body.sourceId });
    expect(thrown.body).toMatchObject({ status: 'failed', message: `API key ${MASK} was rejected` });
    expect(JSON.stringify([failed.body, thrown.body])).not.toMatch(/leaky-key/);
    expect(api.logLines.join('\n')).not.toMatch(/leaky-key/);
  });

  it('turns a real connection failure of source-postgres into a failed check, not an error', async () => {
    const created = await api.post('sources/create', { sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID, name: 'unreachable', connectionConfiguration: postgresConfig('pw-unreachable') });
    const res = await api.post('sources/check_connection', { sourceId: created.body.sourceId });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(res.body.message).toBeTruthy();
    expect(JSON.stringify(res.body)).not.toContain('pw-unreachable');
  });

  it('checks an unsaved configuration, reusing a saved secret when the mask is sent', async () => {
    const saved = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 's', connectionConfiguration: { api_key: 'kept', behaviour: 'fail' } });
    const res = await api.post('scheduler/sources/check_connection', {
      sourceDefinitionId: FAKE_SOURCE_ID,
      sourceId: saved.body.sourceId,
      connectionConfiguration: { api_key: MASK, behaviour: 'fail' },
    });
    expect(res.body).toMatchObject({ status: 'failed', message: `401 Unauthorized for key ${MASK}` });
    const destination = await api.post('scheduler/destinations/check_connection', { destinationDefinitionId: FAKE_DESTINATION_ID, connectionConfiguration: {} });
    expect(destination.body.status).toBe('succeeded');
  });

  it('discovers a schema, stores the catalog and returns its id', async () => {
    const created = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'disc', connectionConfiguration: { api_key: 'k' } });
    const res = await api.post('sources/discover_schema', { sourceId: created.body.sourceId });
    expect(res.status).toBe(200);
    expect(res.body.jobInfo).toMatchObject({ configType: 'discover_schema', succeeded: true });
    expect(res.body.catalog.streams.map((s: any) => s.stream.name)).toEqual(['customers', 'orders', 'events']);
    expect(res.body.catalog.streams[0]).toEqual({
      stream: {
        name: 'customers',
        namespace: 'public',
        jsonSchema: expect.any(Object),
        supportedSyncModes: ['full_refresh', 'incremental'],
        sourceDefinedCursor: false,
        defaultCursorField: ['updated_at'],
        sourceDefinedPrimaryKey: [['id']],
      },
      config: { syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['updated_at'], primaryKey: [['id']], aliasName: 'customers', selected: true },
    });
    const row = await api.pool.query('SELECT source_id FROM catalogs WHERE catalog_id = $1', [res.body.catalogId]);
    expect(row.rows[0].source_id).toBe(created.body.sourceId);
    // Discovering an unchanged source reuses the catalog.
    expect((await api.post('sources/discover_schema', { sourceId: created.body.sourceId })).body.catalogId).toBe(res.body.catalogId);
  });

  it('reports a failed discovery in jobInfo instead of failing the request', async () => {
    const created = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'nodisc', connectionConfiguration: { api_key: 'k', behaviour: 'throw' } });
    const res = await api.post('sources/discover_schema', { sourceId: created.body.sourceId });
    expect(res.status).toBe(200);
    expect(res.body.catalog).toBeUndefined();
    expect(res.body.jobInfo.failureReason).toMatchObject({ failureOrigin: 'source', failureType: 'config_error', externalMessage: 'The API refused to list tables' });
  });
});

describe('a connector that does not answer', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ connectorDefinitions: useTestConnectors(), connectorTimeouts: { checkMs: 300, discoverMs: 300 } });
  });
  afterAll(() => api.close());

  it('times out check and discover with a clear message', async () => {
    const created = await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'hang', connectionConfiguration: { api_key: 'k', behaviour: 'hang' } });
    const check = await api.post('sources/check_connection', { sourceId: created.body.sourceId });
    expect(check.body).toMatchObject({ status: 'failed', jobInfo: { succeeded: false, failureReason: { failureType: 'transient_error', retryable: true } } });
    expect(check.body.message).toContain('did not answer within');
    const discover = await api.post('sources/discover_schema', { sourceId: created.body.sourceId });
    expect(discover.body.jobInfo.failureReason.externalMessage).toContain('did not answer within');
  });
});
