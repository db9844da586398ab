import { request as httpRequest, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID, S3_CONFIG, S3_DESTINATION_DEFINITION_ID, useTestConnectors } from '../../testing/fake-connectors';

const stream = (name: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ stream: { name, namespace: 'public', ...extra }, config });

describe('connections', () => {
  let api: TestApi;
  let sourceId: string;
  let s3Id: string;
  let warehouseId: string;

  beforeAll(async () => {
    api = await startTestApi({ connectorDefinitions: useTestConnectors() });
    sourceId = (await api.post('sources/create', { sourceDefinitionId: FAKE_SOURCE_ID, name: 'Shop API', connectionConfiguration: { api_key: 'k' } })).body.sourceId;
    s3Id = (await api.post('destinations/create', { destinationDefinitionId: S3_DESTINATION_DEFINITION_ID, name: 'MinIO S3', connectionConfiguration: S3_CONFIG })).body.destinationId;
    warehouseId = (await api.post('destinations/create', { destinationDefinitionId: FAKE_DESTINATION_ID, name: 'Warehouse', connectionConfiguration: {} })).body.destinationId;
    expect((await api.post('sources/discover_schema', { sourceId })).body.catalogId).toBeDefined();
  });
  afterAll(() => api.close());

  it('creates the guide\'s PostgreSQL → MinIO connection and reads it back', async () => {
    const res = await api.post('connections/create', {
      sourceId,
      destinationId: s3Id,
      namespaceDefinition: 'customformat',
      namespaceFormat: 'production_${SOURCE_NAMESPACE}',
      syncCatalog: {
        streams: [
          stream('customers', { syncMode: 'full_refresh', destinationSyncMode: 'overwrite', cursorField: ['updated_at'], primaryKey: [['id']] }),
          stream('orders', { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['created_at'], primaryKey: [['order_id']] }),
        ],
      },
      schedule: { units: 24, timeUnit: 'hours' },
    });
    expect(res.status).toBe(200);
    const c = res.body;
    expect(c).toMatchObject({
      name: 'Shop API → MinIO S3',
      namespaceDefinition: 'customformat',
      namespaceFormat: 'production_${SOURCE_NAMESPACE}',
      prefix: '',
      status: 'active',
      scheduleType: 'basic',
      schedule: { units: 24, timeUnit: 'hours' },
      scheduleData: { basicSchedule: { units: 24, timeUnit: 'hours' } },
      breakingChange: false,
      sourceCatalogId: expect.any(String),
    });
    // Stream fields the client left out come from the discovered catalog.
    expect(c.syncCatalog.streams[1].stream).toMatchObject({ name: 'orders', supportedSyncModes: ['full_refresh', 'incremental'], jsonSchema: { type: 'object' } });
    expect(c.syncCatalog.streams[1].config).toMatchObject({ selected: true, cursorField: ['created_at'] });

    const fetched = await api.post('connections/get', { connectionId: c.connectionId });
    expect(fetched.body).toEqual(c);
    const row = await api.pool.query('SELECT schedule_type, basic_units, basic_time_unit, sync_catalog FROM connections WHERE connection_id = $1', [c.connectionId]);
    expect(row.rows[0]).toMatchObject({ schedule_type: 'basic', basic_units: 24, basic_time_unit: 'hours' });
    expect(row.rows[0].sync_catalog.streams).toHaveLength(2);
  });

  it("fills an empty or placeholder jsonSchema (the guide's \"jsonSchema\": {...}) from the discovered catalog", async () => {
    const discovered = (await api.post('sources/discover_schema', { sourceId })).body.catalog.streams;
    const discoveredSchema = (name: string) => discovered.find((s: { stream: { name: string } }) => s.stream.name === name).stream.jsonSchema;
    const res = await api.post('connections/create', {
      sourceId,
      destinationId: warehouseId,
      syncCatalog: {
        streams: [
          { stream: { name: 'customers', jsonSchema: {} }, config: { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['updated_at'] } },
          stream('orders', { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['created_at'] }, { jsonSchema: { type: 'object' } }),
          stream('events', { syncMode: 'full_refresh', destinationSyncMode: 'append' }, { jsonSchema: { '...': '' } }),
        ],
      },
    });
    expect(res.status).toBe(200);
    const schemas = res.body.syncCatalog.streams.map((s: { stream: { jsonSchema: unknown } }) => s.stream.jsonSchema);
    expect(schemas).toEqual([discoveredSchema('customers'), discoveredSchema('orders'), discoveredSchema('events')]);
    expect(schemas[0].properties).toHaveProperty('updated_at');
  });

  it('keeps a jsonSchema the client sends with properties, and still checks the cursor against it', async () => {
    const res = await api.post('connections/create', {
      sourceId,
      destinationId: warehouseId,
      syncCatalog: {
        streams: [stream('customers', { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['updated_at'] }, { jsonSchema: { type: 'object', properties: { id: { type: 'integer' } } } })],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ path: 'syncCatalog.streams[0].config.cursorField', message: 'cursor field updated_at is not a field of stream public.customers' }]);
  });

  it('refuses a destination sync mode the destination lacks, naming stream and modes', async () => {
    const res = await api.post('connections/create', {
      sourceId,
      destinationId: s3Id,
      syncCatalog: { streams: [stream('customers', { syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['updated_at'] })] },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([
      {
        path: 'syncCatalog.streams[0].config.destinationSyncMode',
        message: 'destination S3 does not support Incremental | Deduped (append_dedup) for stream public.customers; supported: overwrite, append',
      },
    ]);
  });

  it('refuses a sync mode the stream lacks, incremental without cursor, dedup without key, unknown streams', async () => {
    const res = await api.post('connections/create', {
      sourceId,
      destinationId: warehouseId,
      syncCatalog: {
        streams: [
          stream('events', { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['payload'] }),
          stream('orders', { syncMode: 'incremental', destinationSyncMode: 'append' }),
          stream('events', { syncMode: 'full_refresh', destinationSyncMode: 'append_dedup' }, { namespace: 'other' }),
          stream('customers', { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['nope'] }),
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([
      { path: 'syncCatalog.streams[0].config.syncMode', message: 'stream public.events does not support incremental; supported: full_refresh' },
      { path: 'syncCatalog.streams[1].config.cursorField', message: 'stream public.orders uses incremental sync and needs a cursor field, e.g. ["updated_at"]' },
      {
        path: 'syncCatalog.streams[2].stream.name',
        message: "stream other.events is not in the source's catalog (streams: public.customers, public.orders, public.events); run sources/discover_schema again if the source changed",
      },
      { path: 'syncCatalog.streams[3].config.cursorField', message: 'cursor field nope is not a field of stream public.customers' },
    ]);

    const noKey = await api.post('connections/create', {
      sourceId,
      destinationId: warehouseId,
      syncCatalog: { streams: [stream('events', { syncMode: 'full_refresh', destinationSyncMode: 'append_dedup' })] },
    });
    expect(noKey.body.details).toEqual([
      { path: 'syncCatalog.streams[0].config.primaryKey', message: 'stream public.events uses deduplication (append_dedup) and needs a primary key, e.g. [["id"]]' },
    ]);
  });

  it('uses the discovered catalog with every stream selected when syncCatalog is left out', async () => {
    const toS3 = await api.post('connections/create', { sourceId, destinationId: s3Id, name: 'defaults' });
    expect(toS3.status).toBe(200);
    expect(toS3.body.syncCatalog.streams.map((s: any) => [s.stream.name, s.config.syncMode, s.config.destinationSyncMode, s.config.selected])).toEqual([
      ['customers', 'incremental', 'append', true],
      ['orders', 'full_refresh', 'overwrite', true],
      ['events', 'full_refresh', 'overwrite', true],
    ]);
    const toWarehouse = await api.post('connections/create', { sourceId, destinationId: warehouseId });
    expect(toWarehouse.body.syncCatalog.streams[0].config).toMatchObject({ syncMode: 'incremental', destinationSyncMode: 'append_dedup', primaryKey: [['id']] });
    expect(toWarehouse.body.scheduleType).toBe('manual');
    expect(toWarehouse.body.schedule).toBeUndefined();
  });

  it('validates cron schedules, Quartz and Unix, with a time zone', async () => {
    const create = (cronExpression: string, cronTimeZone = 'UTC') =>
      api.post('connections/create', { sourceId, destinationId: s3Id, scheduleType: 'cron', scheduleData: { cron: { cronExpression, cronTimeZone } } });
    for (const expression of ['0 */6 * * *', '0 2 * * 1-5', '0 0 1 * *', '0 0 12 * * ?', '0 0/15 * * * ?']) {
      const res = await create(expression, 'Europe/Paris');
      expect(res.status, expression).toBe(200);
      expect(res.body).toMatchObject({ scheduleType: 'cron', scheduleData: { cron: { cronExpression: expression, cronTimeZone: 'Europe/Paris' } } });
      expect(res.body.schedule).toBeUndefined();
    }
    const bad = await create('every day');
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].path).toBe('scheduleData.cron.cronExpression');
    const tooOften = await create('* * * * * ?');
    expect(tooOften.body.details[0].message).toContain('more than once a minute');
    const zone = await create('0 2 * * *', 'Mars/Olympus');
    expect(zone.body.details).toEqual([{ path: 'scheduleData.cron.cronTimeZone', message: 'unknown time zone "Mars/Olympus"; use an IANA name such as UTC or Europe/Paris' }]);
    const missing = await api.post('connections/create', { sourceId, destinationId: s3Id, scheduleType: 'cron' });
    expect(missing.body.details).toEqual([{ path: 'scheduleData.cron', message: 'is required when scheduleType is cron' }]);
  });

  it('keeps a connection’s resourceRequirements and refuses a quantity the worker could not read, naming the field', async () => {
    const created = await api.post('connections/create', { sourceId, destinationId: s3Id, resourceRequirements: { memory_limit: '512Mi', cpu_limit: '500m' } });
    expect(created.status).toBe(200);
    expect(created.body.resourceRequirements).toEqual({ memory_limit: '512Mi', cpu_limit: '500m' });
    const bad = await api.post('connections/update', { connectionId: created.body.connectionId, resourceRequirements: { memory_limit: '1 gigabyte' } });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].path).toBe('resourceRequirements.memory_limit');
  });

  it('updates only the fields sent, mapping legacy schedule and scheduleType both ways', async () => {
    const created = (await api.post('connections/create', { sourceId, destinationId: s3Id, scheduleType: 'basic', scheduleData: { basicSchedule: { units: 1, timeUnit: 'hours' } } })).body;
    expect(created.schedule).toEqual({ units: 1, timeUnit: 'hours' });

    const weekly = await api.post('connections/update', { connectionId: created.connectionId, schedule: { units: 1, timeUnit: 'weeks' }, status: 'inactive', prefix: 'raw_' });
    expect(weekly.status).toBe(200);
    expect(weekly.body).toMatchObject({ scheduleType: 'basic', scheduleData: { basicSchedule: { units: 1, timeUnit: 'weeks' } }, status: 'inactive', prefix: 'raw_', name: created.name });
    expect(weekly.body.syncCatalog).toEqual(created.syncCatalog);

    const manual = await api.post('connections/update', { connectionId: created.connectionId, scheduleType: 'manual' });
    expect(manual.body.scheduleType).toBe('manual');
    expect(manual.body.schedule).toBeUndefined();
    expect(manual.body.scheduleData).toBeUndefined();

    const narrowed = await api.post('connections/update', {
      connectionId: created.connectionId,
      syncCatalog: { streams: [stream('customers', { syncMode: 'full_refresh', destinationSyncMode: 'append_dedup' })] },
    });
    expect(narrowed.status).toBe(422);
    expect(narrowed.body.details[0].message).toContain('destination S3 does not support Full Refresh | Deduped (append_dedup)');
  });

  it('lists connections of a workspace and deletes (deprecates) one', async () => {
    const created = (await api.post('connections/create', { sourceId, destinationId: s3Id, name: 'to delete' })).body;
    const before = await api.post('connections/list', {});
    expect(before.body.connections.map((c: any) => c.connectionId)).toContain(created.connectionId);
    expect((await api.post('connections/delete', { connectionId: created.connectionId })).status).toBe(204);
    const after = await api.post('connections/list', { workspaceId: created.workspaceId });
    expect(after.body.connections.map((c: any) => c.connectionId)).not.toContain(created.connectionId);
    expect((await api.post('connections/get', { connectionId: created.connectionId })).body.status).toBe('deprecated');
    const update = await api.post('connections/update', { connectionId: created.connectionId, name: 'x' });
    expect(update.status).toBe(422);
  });

  it('lists from one serialization until a connection changes, whoever writes it, each as connections/get reads it', async () => {
    const listText = async (body: unknown = {}) => (await fetch(`${api.url}/api/v1/connections/list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).text();
    const created = (await api.post('connections/create', { sourceId, destinationId: s3Id, name: 'cached' })).body;
    const reads = vi.spyOn(api.configStore, 'listConnectionsVersioned');
    try {
      const first = await listText();
      expect(await listText()).toBe(first);
      expect(await listText({ workspaceId: created.workspaceId })).toBe(first);
      expect(reads).toHaveBeenCalledTimes(1);
      // A write outside this server's services (the worker disabling a connection, in SQL).
      await api.pool.query(`UPDATE connections SET status = 'inactive' WHERE connection_id = $1`, [created.connectionId]);
      const after = JSON.parse(await listText());
      expect(reads).toHaveBeenCalledTimes(2);
      expect(after.connections.find((c: any) => c.connectionId === created.connectionId).status).toBe('inactive');
      for (const c of after.connections) expect(c).toEqual((await api.post('connections/get', { connectionId: c.connectionId })).body);
      expect(after.connections.map((c: any) => c.connectionId)).toEqual(JSON.parse(first).connections.map((c: any) => c.connectionId));
      // Another workspace has a list of its own.
      const other = (await api.post('workspaces/create', { name: 'Other team' })).body;
      expect(await listText({ workspaceId: other.workspaceId })).toBe('{"connections":[]}');
    } finally {
      reads.mockRestore();
    }
  });

  it('lists fresh at once when another server process creates, updates or deletes a connection, also to 50 clients at a time', async () => {
    const other = await startTestApi({ connectorDefinitions: useTestConnectors(), databaseOf: api });
    try {
      const listedHere = async () => (await api.post('connections/list', {})).body.connections as any[];
      await listedHere(); // cached
      const created = (await other.post('connections/create', { sourceId, destinationId: s3Id, name: 'made elsewhere' })).body;
      expect((await listedHere()).find((c) => c.connectionId === created.connectionId)).toEqual((await api.post('connections/get', { connectionId: created.connectionId })).body);
      expect((await other.post('connections/update', { connectionId: created.connectionId, name: 'renamed elsewhere' })).status).toBe(200);
      expect((await listedHere()).find((c) => c.connectionId === created.connectionId).name).toBe('renamed elsewhere');

      // 50 clients at once right after a change: each sees it, one rebuild serves them, and the version reads are shared.
      expect((await other.post('connections/update', { connectionId: created.connectionId, name: 'renamed for 50' })).status).toBe(200);
      const rebuilds = vi.spyOn(api.configStore, 'listConnectionsVersioned');
      const versionReads = vi.spyOn(api.configStore, 'connectionsVersion');
      try {
        const lists = await Promise.all(Array.from({ length: 50 }, () => listedHere()));
        for (const list of lists) expect(list.find((c) => c.connectionId === created.connectionId).name).toBe('renamed for 50');
        expect(rebuilds.mock.calls.length).toBeLessThanOrEqual(2);
        expect(versionReads.mock.calls.length).toBeLessThan(50);
      } finally {
        rebuilds.mockRestore();
        versionReads.mockRestore();
      }

      expect((await other.post('connections/delete', { connectionId: created.connectionId })).status).toBe(204);
      expect((await listedHere()).map((c) => c.connectionId)).not.toContain(created.connectionId);
    } finally {
      await other.close();
    }
  });

  it('sends the list gzip\'d to a client that accepts it, the same bytes once inflated, and fresh after a change', async () => {
    const list = async (acceptEncoding: string) => {
      // node:http, not fetch: fetch inflates on its own and hides the encoding.
      const res = await new Promise<IncomingMessage>((resolve, reject) =>
        httpRequest(`${api.url}/api/v1/connections/list`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept-Encoding': acceptEncoding } }, resolve).on('error', reject).end('{}'),
      );
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return { encoding: res.headers['content-encoding'], vary: res.headers.vary, body: Buffer.concat(chunks) };
    };
    const plain = await list('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.vary).toBe('Accept-Encoding');
    for (const accepted of ['gzip', 'gzip, deflate, br', 'br;q=1.0, gzip;q=0.8', '*']) {
      const gzipped = await list(accepted);
      expect(gzipped.encoding).toBe('gzip');
      expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
    }
    expect((await list('gzip;q=0')).encoding).toBeUndefined();

    const created = (await api.post('connections/create', { sourceId, destinationId: s3Id, name: 'gzip fresh' })).body;
    const after = await list('gzip');
    expect(JSON.parse(gunzipSync(after.body).toString('utf8')).connections.map((c: any) => c.connectionId)).toContain(created.connectionId);
    expect(gunzipSync(after.body).equals((await list('identity')).body)).toBe(true);
  });

  it('deprecates the connections of a deleted destination', async () => {
    const dest = (await api.post('destinations/create', { destinationDefinitionId: FAKE_DESTINATION_ID, name: 'short-lived', connectionConfiguration: {} })).body;
    const conn = (await api.post('connections/create', { sourceId, destinationId: dest.destinationId })).body;
    await api.post('destinations/delete', { destinationId: dest.destinationId });
    expect((await api.post('connections/get', { connectionId: conn.connectionId })).body.status).toBe('deprecated');
    const res = await api.post('connections/create', { sourceId, destinationId: dest.destinationId });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`Could not find destination with id ${dest.destinationId}`);
  });
});
