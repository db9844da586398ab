// The integration guide's API calls, as its Python `requests` snippets make them, against a
// real source-postgres reading a real database and the real S3 destination definition.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { POSTGRES_SOURCE_DEFINITION_ID, S3_CONFIG, S3_DESTINATION_DEFINITION_ID } from '../../testing/fake-connectors';
import { createTestDatabase } from '../../testing/test-database';

const DEMO_TABLES = `
  CREATE TABLE customers (id serial PRIMARY KEY, name text, contact jsonb, addresses jsonb, updated_at timestamptz DEFAULT now());
  CREATE TABLE orders (order_id serial PRIMARY KEY, customer_id int, created_at timestamptz DEFAULT now());
  CREATE TABLE products (product_id serial PRIMARY KEY, label text);
  INSERT INTO customers (name, contact, addresses) VALUES
    ('Acme Corp', '{"email": "info@acme.com", "phone": "+1234567890"}', '[{"type": "billing", "city": "New York"}]');
`;

describe("the guide's API sequence", () => {
  let api: TestApi;
  let sourceDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let sourceConfig: Record<string, unknown>;

  beforeAll(async () => {
    api = await startTestApi();
    sourceDb = await createTestDatabase('source_db', { migrate: false });
    await sourceDb.pool.query(DEMO_TABLES);
    const url = new URL(inject('postgresUrl'));
    sourceConfig = {
      host: url.hostname,
      port: Number(url.port),
      database: sourceDb.url.split('/').pop(),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      ssl_mode: { mode: 'prefer' },
      replication_method: { method: 'Standard' },
    };
  });
  afterAll(async () => {
    await api.close();
    await sourceDb.drop();
  });

  it('creates a source, lists it, checks and discovers it, and connects it to S3 every 24 hours', async () => {
    const workspaceId = (await api.post('workspaces/list')).body.workspaces[0].workspaceId;

    // requests.post(f"{airbyte_url}/api/v1/sources/create", json=source_payload, headers=...)
    const source = await api.post('sources/create', {
      sourceDefinitionId: 'decd338e-5647-4c0b-adf4-da0e75f5a750',
      connectionConfiguration: sourceConfig,
      workspaceId,
      name: 'PostgreSQL',
    });
    expect(source.status).toBe(200);
    const sourceId = source.body.sourceId;

    // curl -X POST .../sources/list -d '{"workspaceId": "workspace-id"}'
    const list = await api.post('sources/list', { workspaceId });
    expect(list.body.sources).toEqual([expect.objectContaining({ sourceId, name: 'PostgreSQL', sourceName: 'Postgres' })]);
    expect(list.body.sources[0].connectionConfiguration.password).toBe('**********');

    expect((await api.post('sources/check_connection', { sourceId })).body).toMatchObject({ status: 'succeeded' });
    const discovered = await api.post('sources/discover_schema', { sourceId });
    expect(discovered.body.jobInfo.succeeded).toBe(true);
    expect(discovered.body.catalog.streams.map((s: any) => s.stream.name).sort()).toEqual(['customers', 'orders', 'products']);

    const destination = await api.post('destinations/create', {
      destinationDefinitionId: S3_DESTINATION_DEFINITION_ID,
      connectionConfiguration: S3_CONFIG,
      workspaceId,
      name: 'MinIO S3',
    });
    expect(destination.status).toBe(200);

    // curl -X POST .../connections/create with the guide's body (its jsonSchema placeholder left out).
    const connection = await api.post('connections/create', {
      sourceId,
      destinationId: destination.body.destinationId,
      syncCatalog: {
        streams: [{ stream: { name: 'customers' }, config: { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['updated_at'] } }],
      },
      schedule: { units: 24, timeUnit: 'hours' },
    });
    expect(connection.status).toBe(200);
    expect(connection.body).toMatchObject({
      name: 'PostgreSQL → MinIO S3',
      status: 'active',
      schedule: { units: 24, timeUnit: 'hours' },
      scheduleType: 'basic',
    });
    expect(connection.body.syncCatalog.streams[0].stream).toMatchObject({ name: 'customers', namespace: 'public' });
    expect(connection.body.syncCatalog.streams[0].stream.jsonSchema.properties).toHaveProperty('updated_at');
  });

  it('refuses a CDC configuration without its replication slot and publication, naming them', async () => {
    const res = await api.post('sources/create', {
      sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID,
      connectionConfiguration: { ...sourceConfig, replication_method: { method: 'CDC', plugin: 'pgoutput', initial_waiting_seconds: 300 } },
      name: 'Production PostgreSQL',
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([
      { path: 'connectionConfiguration.replication_method.replication_slot', message: 'is required' },
      { path: 'connectionConfiguration.replication_method.publication', message: 'is required' },
    ]);
  });

  it("accepts the guide's CDC configuration, and its check names the missing replication slot with the statement that creates it", async () => {
    const replication_method = { method: 'CDC', plugin: 'pgoutput', replication_slot: 'airbyte_slot', publication: 'airbyte_publication', initial_waiting_seconds: 300 };
    const res = await api.post('sources/create', {
      sourceDefinitionId: POSTGRES_SOURCE_DEFINITION_ID,
      connectionConfiguration: { ...sourceConfig, replication_method },
      name: 'Production PostgreSQL (CDC)',
    });
    expect(res.status).toBe(200);
    const check = await api.post('sources/check_connection', { sourceId: res.body.sourceId });
    expect(check.body.status).toBe('failed');
    expect(check.body.message).toContain(`Replication slot "airbyte_slot" does not exist. Create it in database "${sourceConfig.database}": SELECT pg_create_logical_replication_slot('airbyte_slot', 'pgoutput');`);
    expect(check.body.message).toContain('Publication "airbyte_publication" does not exist.');
  });
});
