// Schema evolution end to end, on real services: source-postgres reading an embedded Postgres
// whose table is ALTERed between syncs, destination-postgres with Basic normalization writing
// another, and the worker applying the connection's nonBreakingChangesPreference at the start of
// each sync. After every change the destination is compared with the source row by row.
import { findDefinition } from '@platform/connectors';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api/http-server';
import type { ApiSchemas } from '../schemas/api-schemas';
import { POSTGRES_SOURCE_DEFINITION_ID } from '../testing/fake-connectors';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from '../testing/platform-harness';
import { startTestLake, type TestLake } from '../testing/test-lake';

let platform: TestPlatform;
let lake: TestLake;
let api: ApiServer;
let apiUrl: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  platform.startWorker({ schemaCheck: platform.services.schemaChanges });
  // Answers are checked against openapi.yaml: the new shapes must be what the document says.
  api = createApiServer(platform.services, { port: await freePort(), validateResponses: true });
  apiUrl = await api.listen();
}, 120_000);
afterAll(async () => {
  await api?.close();
  await lake?.stop();
  await platform?.stop();
});

async function post(path: string, body: unknown): Promise<any> {
  const res = await fetch(`${apiUrl}/api/v1/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await res.json();
  expect(res.status, JSON.stringify(answer)).toBe(200);
  return answer;
}

interface Scenario {
  connectionId: string;
  source: SourceDatabase;
  destination: SourceDatabase;
}

const CUSTOMERS = { name: 'customers', namespace: 'public' };
const incrementalAppend = { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['updated_at'], primaryKey: [['id']], selected: true } as const;

/** customers(id, name, score, updated_at) with rows 1..3, synced incrementally into Basic-normalized Postgres. */
async function scenario(preference: ApiSchemas['NonBreakingChangesPreference'], extraSql = ''): Promise<Scenario> {
  const source = await platform.createSourceDatabase();
  const destination = await platform.createSourceDatabase({ createSchemas: true });
  await source.sql(
    `CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, score integer, updated_at timestamptz NOT NULL);
     INSERT INTO customers VALUES (1, 'Ada', 10, '2024-01-01T00:00:00Z'), (2, 'Grace', NULL, '2024-01-02T00:00:00Z'), (3, 'Linus', 30, '2024-01-03T00:00:00Z');
     ${extraSql}`,
  );
  const created = await platform.createConnection({
    source: { definitionId: POSTGRES_SOURCE_DEFINITION_ID, config: source.sourceConfig },
    destination: { definitionId: findDefinition('destination-postgres')!.id, config: { ...destination.config, schema: 'public', ssl_mode: { mode: 'disable' }, normalization: 'basic' } },
    streams: [{ ...CUSTOMERS, ...incrementalAppend, cursorField: [...incrementalAppend.cursorField], primaryKey: [['id']] }],
  });
  // The connection as a user makes it: the stream schema is the one discovery found.
  expect((await platform.services.actors.discover(created.sourceId)).catalogId).toBeDefined();
  await platform.services.connections.update({
    connectionId: created.connectionId,
    syncCatalog: { streams: [{ stream: CUSTOMERS, config: { ...incrementalAppend, cursorField: ['updated_at'], primaryKey: [['id']] } }] },
    nonBreakingChangesPreference: preference,
  });
  return { connectionId: created.connectionId, source, destination };
}

async function sync(s: Scenario) {
  const job = await platform.waitForJob((await platform.services.jobs.sync(s.connectionId)).id, undefined, 120_000);
  const attempts = await platform.jobStore.attemptsOf([job.id]);
  const log = (await platform.jobStore.attemptLogs(attempts.at(-1)!.id)).join('\n');
  return { job, attempts, log };
}

/** A sync that must succeed; its attempt log is the message when it did not. */
async function expectSucceeded(result: ReturnType<typeof sync>) {
  const { job, log } = await result;
  expect(job.status, log).toBe('succeeded');
}

const connectionRead = (s: { connectionId: string }): Promise<ApiSchemas['ConnectionRead']> => post('connections/get', { connectionId: s.connectionId });

/** The source table's rows in the destination's shape (timestamps as epoch text), ordered by id. */
function sourceRows(s: Scenario, columns: string[]) {
  return s.source.query(`SELECT ${columns.map(asText).join(', ')} FROM customers ORDER BY id`);
}
function finalRows(s: Scenario, columns: string[]) {
  return s.destination.query(`SELECT ${columns.map(asText).join(', ')} FROM customers ORDER BY id`);
}
const asText = (column: string) => (column === 'updated_at' ? `extract(epoch FROM updated_at)::text AS updated_at` : `${column}::text AS ${column}`);

const columnType = async (s: Scenario, column: string) =>
  (await s.destination.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'public.customers'::regclass AND attname = '${column}' AND NOT attisdropped`))[0]?.type;

describe('propagate_columns, with an append (incremental) stream', () => {
  it('adds a new column without rewriting the rows already there, keeps a column whose type changed, survives a dropped column, and stops on a dropped cursor', async () => {
    const s = await scenario('propagate_columns');
    await expectSucceeded(sync(s));
    const first = await s.destination.query('SELECT id, _airbyte_ab_id, _airbyte_normalized_at::text AS normalized_at FROM customers ORDER BY id');
    expect(await finalRows(s, ['id', 'name', 'score', 'updated_at'])).toEqual(await sourceRows(s, ['id', 'name', 'score', 'updated_at']));

    // A new column: old rows keep their values (the very rows, not rewritten) and get NULL; new rows carry it.
    await s.source.sql(`ALTER TABLE customers ADD COLUMN phone text;
      INSERT INTO customers VALUES (4, 'Barbara', 40, '2024-02-01T00:00:00Z', '+1 555 0100'), (5, 'Ken', NULL, '2024-02-02T00:00:00Z', '+1 555 0101')`);
    const added = await sync(s);
    expect(added.job.status, added.log).toBe('succeeded');
    expect(added.log).toContain('schema change: public.customers: field phone added');
    expect(added.log).toContain('nonBreakingChangesPreference is "propagate_columns"');
    const afterAdd = await connectionRead(s);
    expect(afterAdd.syncCatalog.streams[0].stream.jsonSchema).toMatchObject({ properties: { phone: { type: ['null', 'string'] } } });
    expect(afterAdd).toMatchObject({ status: 'active', schemaChange: 'no_change', breakingChange: false });
    expect(await finalRows(s, ['id', 'name', 'score', 'phone', 'updated_at'])).toEqual(await sourceRows(s, ['id', 'name', 'score', 'phone', 'updated_at']));
    expect((await s.destination.query('SELECT id, _airbyte_ab_id, _airbyte_normalized_at::text AS normalized_at FROM customers WHERE id <= 3 ORDER BY id'))).toEqual(first);

    // A type change (integer → text): the column keeps its type and its values; a new value that
    // does not fit is NULL with the reason in _airbyte_meta, and kept as sent in the raw table.
    await s.source.sql(`ALTER TABLE customers ALTER COLUMN score TYPE text;
      INSERT INTO customers VALUES (6, 'Edsger', 'high', '2024-03-01T00:00:00Z', NULL), (7, 'Donald', '42', '2024-03-02T00:00:00Z', '+1 555 0102')`);
    const retyped = await sync(s);
    expect(retyped.job.status, retyped.log).toBe('succeeded');
    expect(retyped.log).toContain('schema change: public.customers: field score changed type');
    expect(await columnType(s, 'score')).toBe('bigint');
    const scores = await s.destination.query(`SELECT id, score::text AS score, _airbyte_meta -> 'changes' AS changes FROM customers ORDER BY id`);
    expect(scores.map((r) => [r.id, r.score])).toEqual([['1', '10'], ['2', null], ['3', '30'], ['4', '40'], ['5', null], ['6', null], ['7', '42']]);
    expect(scores.find((r) => r.id === '6').changes).toEqual([{ field: 'score', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }]);
    expect(await s.destination.query(`SELECT _airbyte_data ->> 'score' AS score FROM _airbyte_raw_customers WHERE _airbyte_data ->> 'id' = '6'`)).toEqual([{ score: 'high' }]);
    expect(await finalRows(s, ['id', 'name', 'phone', 'updated_at'])).toEqual(await sourceRows(s, ['id', 'name', 'phone', 'updated_at']));

    // A dropped column: the destination keeps it with the values it had; new rows leave it NULL.
    await s.source.sql(`ALTER TABLE customers DROP COLUMN phone; INSERT INTO customers VALUES (8, 'Barbara L.', '8', '2024-04-01T00:00:00Z')`);
    const dropped = await sync(s);
    expect(dropped.job.status, dropped.log).toBe('succeeded');
    expect(dropped.log).toContain('schema change: public.customers: field phone removed');
    expect(await s.destination.query('SELECT id, phone FROM customers ORDER BY id')).toEqual([
      { id: '1', phone: null }, { id: '2', phone: null }, { id: '3', phone: null }, { id: '4', phone: '+1 555 0100' },
      { id: '5', phone: '+1 555 0101' }, { id: '6', phone: null }, { id: '7', phone: '+1 555 0102' }, { id: '8', phone: null },
    ]);
    expect(await finalRows(s, ['id', 'name', 'updated_at'])).toEqual(await sourceRows(s, ['id', 'name', 'updated_at']));
    const before = await s.destination.query('SELECT * FROM customers ORDER BY id');

    // The cursor gone: a breaking change. The sync stops before reading, the connection is
    // disabled with the reason, and the destination is left as it was.
    await s.source.sql('ALTER TABLE customers DROP COLUMN updated_at');
    const broken = await sync(s);
    expect(broken.job.status).toBe('failed');
    expect(broken.attempts).toHaveLength(1);
    expect(broken.attempts[0].failureSummary?.failures).toEqual([
      expect.objectContaining({ failureOrigin: 'source', failureType: 'config_error', retryable: false, externalMessage: expect.stringContaining('public.customers: field updated_at removed (breaking') }),
    ]);
    expect(broken.log).toContain('Breaking schema change in the source');
    const read = await connectionRead(s);
    expect(read).toMatchObject({ status: 'inactive', schemaChange: 'breaking', breakingChange: true, statusReason: expect.stringContaining('field updated_at removed') });
    expect(await s.destination.query('SELECT * FROM customers ORDER BY id')).toEqual(before);

    // Enabling it again with a catalog that no longer needs the column clears the reason and the flag.
    await platform.services.connections.update({
      connectionId: s.connectionId,
      status: 'active',
      syncCatalog: { streams: [{ stream: CUSTOMERS, config: { syncMode: 'full_refresh', destinationSyncMode: 'append', primaryKey: [['id']], selected: true } }] },
    });
    const fixed = await connectionRead(s);
    expect(fixed).toMatchObject({ status: 'active', schemaChange: 'no_change', breakingChange: false });
    expect(fixed.statusReason).toBeUndefined();
  }, 300_000);
});

describe('ignore', () => {
  it('syncs with the saved catalog, records the change, and discover_schema with the connection returns the catalogDiff', async () => {
    const s = await scenario('ignore');
    await expectSucceeded(sync(s));
    await s.source.sql(`ALTER TABLE customers ADD COLUMN phone text; INSERT INTO customers VALUES (4, 'Barbara', 40, '2024-02-01T00:00:00Z', '+1 555 0100')`);
    const ignored = await sync(s);
    expect(ignored.job.status, ignored.log).toBe('succeeded');
    expect(ignored.log).toContain('nonBreakingChangesPreference is "ignore": the sync runs with the saved catalog');
    const read = await connectionRead(s);
    expect(read).toMatchObject({ status: 'active', schemaChange: 'non_breaking', breakingChange: false });
    expect(read.syncCatalog.streams[0].stream.jsonSchema).not.toHaveProperty('properties.phone');
    expect(await columnType(s, 'phone')).toBeUndefined();
    expect(await finalRows(s, ['id', 'name', 'score', 'updated_at'])).toEqual(await sourceRows(s, ['id', 'name', 'score', 'updated_at']));

    const discovery = await post('sources/discover_schema', { sourceId: read.sourceId, connectionId: s.connectionId });
    expect(discovery).toMatchObject({
      catalogId: expect.any(String),
      breakingChange: false,
      connectionStatus: 'active',
      catalogDiff: {
        transforms: [
          {
            transformType: 'update_stream',
            streamDescriptor: CUSTOMERS,
            updateStream: { fieldTransforms: [{ transformType: 'add_field', fieldName: ['phone'], breaking: false, addField: { schema: { type: ['null', 'string'] } } }], streamAttributeTransforms: [] },
          },
        ],
      },
    });

    // The primary key column gone does not break an append stream; the cursor gone does, even under "ignore".
    await s.source.sql('ALTER TABLE customers DROP COLUMN updated_at');
    const breaking = await post('sources/discover_schema', { sourceId: read.sourceId, connectionId: s.connectionId });
    expect(breaking).toMatchObject({ breakingChange: true, connectionStatus: 'inactive' });
    expect(await connectionRead(s)).toMatchObject({ status: 'inactive', schemaChange: 'breaking', breakingChange: true, statusReason: expect.stringContaining('updated_at') });
  }, 300_000);

  it('refuses a connectionId of another source, naming the field', async () => {
    const s = await scenario('ignore');
    const otherSource = await platform.createConnection({
      source: { definitionId: POSTGRES_SOURCE_DEFINITION_ID, config: s.source.sourceConfig },
      destination: { definitionId: findDefinition('destination-postgres')!.id, config: { ...s.destination.config, ssl_mode: { mode: 'disable' } } },
      streams: [{ ...CUSTOMERS, syncMode: 'full_refresh', destinationSyncMode: 'append' }],
    });
    const res = await fetch(`${apiUrl}/api/v1/sources/discover_schema`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sourceId: otherSource.sourceId, connectionId: s.connectionId }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toMatch(/connectionId/);
  }, 120_000);
});

describe('disable', () => {
  it('disables the connection on a non-breaking change, with the reason, and writes nothing', async () => {
    const s = await scenario('disable');
    await expectSucceeded(sync(s));
    const before = await s.destination.query('SELECT * FROM customers ORDER BY id');
    await s.source.sql(`ALTER TABLE customers ADD COLUMN phone text; INSERT INTO customers VALUES (4, 'Barbara', 40, '2024-02-01T00:00:00Z', '+1 555 0100')`);
    const stopped = await sync(s);
    expect(stopped.job.status).toBe('failed');
    expect(stopped.attempts[0].failureSummary?.failures[0]).toMatchObject({ failureType: 'config_error', externalMessage: expect.stringContaining('nonBreakingChangesPreference is "disable"') });
    expect(await connectionRead(s)).toMatchObject({ status: 'inactive', schemaChange: 'non_breaking', breakingChange: false, statusReason: expect.stringContaining('field phone added') });
    expect(await s.destination.query('SELECT * FROM customers ORDER BY id')).toEqual(before);
  }, 300_000);
});

describe('propagate_fully', () => {
  it('adds new streams (selected, synced) and drops the ones the source no longer has', async () => {
    const s = await scenario('propagate_fully');
    await expectSucceeded(sync(s));
    await s.source.sql(`CREATE TABLE invoices (id bigint PRIMARY KEY, amount numeric(12,2) NOT NULL);
      INSERT INTO invoices VALUES (1, 10.50), (2, 99999999.99);
      ALTER TABLE customers ADD COLUMN phone text; INSERT INTO customers VALUES (4, 'Barbara', 40, '2024-02-01T00:00:00Z', '+1 555 0100')`);
    const grown = await sync(s);
    expect(grown.job.status, grown.log).toBe('succeeded');
    expect(grown.log).toContain('schema change: stream public.invoices added');
    const read = await connectionRead(s);
    expect(read.syncCatalog.streams.map((e) => [e.stream.name, e.config.selected])).toEqual([['customers', true], ['invoices', true]]);
    expect(await s.destination.query('SELECT id::text, amount::text FROM invoices ORDER BY id')).toEqual(await s.source.query('SELECT id::text, amount::text FROM invoices ORDER BY id'));
    expect(await finalRows(s, ['id', 'name', 'score', 'phone', 'updated_at'])).toEqual(await sourceRows(s, ['id', 'name', 'score', 'phone', 'updated_at']));

    await s.source.sql('DROP TABLE invoices');
    const shrunk = await sync(s);
    expect(shrunk.job.status, shrunk.log).toBe('succeeded');
    expect(shrunk.log).toContain('schema change: stream public.invoices removed');
    expect((await connectionRead(s)).syncCatalog.streams.map((e) => e.stream.name)).toEqual(['customers']);
    // What was synced of the gone stream stays in the destination.
    expect(await s.destination.query('SELECT count(*)::int AS n FROM invoices')).toEqual([{ n: 2 }]);
  }, 300_000);
});

describe('destination-s3 (Parquet), propagate_columns', () => {
  it('writes new files with the new column; the lake reads old and new files together by column name', async () => {
    const source = await platform.createSourceDatabase();
    await source.sql(`CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, score integer, updated_at timestamptz NOT NULL);
      INSERT INTO customers VALUES (1, 'Ada', 10, '2024-01-01T00:00:00Z'), (2, 'Grace', NULL, '2024-01-02T00:00:00Z')`);
    const created = await platform.createConnection({
      source: { definitionId: POSTGRES_SOURCE_DEFINITION_ID, config: source.sourceConfig },
      destination: { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig('evolving') },
      streams: [{ ...CUSTOMERS, syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['updated_at'] }],
    });
    expect((await platform.services.actors.discover(created.sourceId)).catalogId).toBeDefined();
    await platform.services.connections.update({
      connectionId: created.connectionId,
      syncCatalog: { streams: [{ stream: CUSTOMERS, config: { ...incrementalAppend, cursorField: ['updated_at'], primaryKey: [['id']] } }] },
      nonBreakingChangesPreference: 'propagate_columns',
    });
    const s = { connectionId: created.connectionId, source, destination: source };
    await expectSucceeded(sync(s));
    const path = 'evolving/public/customers';
    const filesBefore = await lake.objectCount(path);

    await source.sql(`ALTER TABLE customers ADD COLUMN phone text; INSERT INTO customers VALUES (3, 'Linus', 30, '2024-02-01T00:00:00Z', '+1 555 0100')`);
    const added = await sync(s);
    expect(added.job.status, added.log).toBe('succeeded');
    expect(added.log).toContain('schema change: public.customers: field phone added');
    expect(await lake.objectCount(path)).toBeGreaterThan(filesBefore);
    const rows = await lake.query(path, 'SELECT id::VARCHAR AS id, name, score::VARCHAR AS score, phone FROM lake ORDER BY id');
    expect(rows).toEqual(await source.query('SELECT id::text AS id, name, score::text AS score, phone FROM customers ORDER BY id'));
  }, 300_000);
});
