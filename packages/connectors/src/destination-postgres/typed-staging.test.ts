// The typed table an overwrite fills in the load's pass (typed-staging.ts, typed-lines.ts) against
// the one Basic normalization's SQL builds from the same raw rows (stageOverwrite): on real
// Postgres, awkward values (casts that fail, NULLs, escapes, unicode, time zones, precision) must
// give the same row, column by column, either way; and the stream must fall back to SQL whole
// when its batches cannot all be typed in the pass.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, JsonSchema } from '@platform/protocol';
import type { CsvFileBatch, SourceOutput } from '../framework/batches';
import { readPostgres } from '../source-postgres/read';
import { sourcePostgres, type PostgresSourceConfig } from '../source-postgres/index';
import { csvFileBatch, loadFixtures, recordBatch } from '../testing/index';
import { copyCsvIntoRaw } from './csv-copy';
import { IdentifierNamer, quoteIdentifier as q } from './identifiers';
import { destinationPostgres, type PostgresDestinationConfig } from './index';
import { stageOverwrite, type NormalizeTarget } from './normalize';
import { RAW_COLUMNS_SQL } from './raw-copy';
import { FIXTURES_DIR, startDestinationPostgres, type DestinationPostgres } from './test/postgres-fixture';
import { TypedStaging } from './typed-staging';

const SLOW = 180_000;
const ctx = { log: () => {} };
const SOURCE_DB = 'typed_source';

let db: DestinationPostgres;
let client: pg.Client;

beforeAll(async () => {
  db = await startDestinationPostgres();
  await db.service.createDatabase(SOURCE_DB);
  client = new pg.Client({ connectionString: db.service.connectionUrl() });
  await client.connect();
  // As the destination's own connections are: UTC, ISO dates.
  await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'");
}, SLOW);

afterAll(async () => {
  await client?.end();
  await db?.stop();
}, SLOW);

const target = (configured: ConfiguredAirbyteStream, finalName: string, staging: string): NormalizeTarget => ({
  schema: 'public',
  configured,
  finalName,
  tables: new IdentifierNamer(),
  stagingName: (table) => `${staging}_${table}`,
});

const overwrite = (name: string, properties: Record<string, JsonSchema>): ConfiguredAirbyteStream => ({
  stream: { name, json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh'] },
  sync_mode: 'full_refresh',
  destination_sync_mode: 'overwrite',
});

/**
 * Loads `batches` into a raw table while the pass fills the typed staging table, then builds the
 * same stream's typed table from that raw table with the SQL path; returns both tables' rows
 * (every column but _airbyte_normalized_at, as text, by _airbyte_ab_id) and the rows left to SQL.
 */
async function bothWays(configured: ConfiguredAirbyteStream, batches: CsvFileBatch[]) {
  const name = configured.stream.name;
  const raw = `public.${q(`raw_${name}`)}`;
  await client.query(`DROP TABLE IF EXISTS ${raw}; CREATE TABLE ${raw} (${RAW_COLUMNS_SQL})`);
  const staging = TypedStaging.forStream(target(configured, name, 'pass'))!;
  expect(staging).toBeDefined();
  await staging.create(client);
  const second = new pg.Client({ connectionString: db.service.connectionUrl() });
  await second.connect();
  await second.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'");
  try {
    for (const [i, batch] of batches.entries()) await copyCsvIntoRaw(client, raw, batch, i, { staging, connection: async () => second });
  } finally {
    await second.end();
  }
  expect(staging.active).toBe(true);
  const sqlRows = staging.sqlRowCount;
  const [passSwap] = (await staging.finish(client, raw))!;
  const [sqlSwap] = await stageOverwrite(client, target(configured, name, 'sql'), raw);
  const rowsOf = async (table: string) => {
    // As text: numbers keep every digit (JSON.parse would round them to doubles).
    const { rows } = await client.query<{ row: string }>(
      `SELECT (to_jsonb(row_) - '_airbyte_normalized_at')::text AS row FROM public.${q(table)} row_ ORDER BY _airbyte_ab_id`,
    );
    return rows.map((r) => r.row);
  };
  // Column types too: the same DDL either way.
  const types = async (table: string) =>
    (await client.query(`SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.${q(table)}'::regclass AND attnum > 0 ORDER BY attnum`)).rows;
  expect(await types(passSwap.staged)).toEqual(await types(sqlSwap.staged));
  return { pass: await rowsOf(passSwap.staged), sql: await rowsOf(sqlSwap.staged), sqlRows };
}

describe('typed staging filled in the pass', () => {
  it('equals the SQL path row by row on awkward values, casts that fail included', async () => {
    const properties: Record<string, JsonSchema> = {
      id: { type: 'integer' },
      i: { type: ['null', 'integer'] } as JsonSchema,
      n: { type: 'number' },
      p: { type: 'number', precision: 5, scale: 2 } as JsonSchema,
      t: { type: 'string' },
      'naïve "k" \\': { type: 'string' },
      ts: { type: 'string', format: 'date-time' },
      lts: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' } as JsonSchema,
      d: { type: 'string', format: 'date' },
      tm: { type: 'string', format: 'time' },
      ttz: { type: 'string', format: 'time', airbyte_type: 'time_with_timezone' } as JsonSchema,
      b: { type: 'boolean' },
    };
    const awkward: Array<Record<string, unknown>> = [
      { i: '1', n: '12345678901234567890.123456789', p: '123.45', t: '', 'naïve "k" \\': 'x', ts: '2025-10-16 10:00:00.123456+05:30', lts: '2025-10-16 10:00:00.5', d: '2024-02-29', tm: '23:59:59.999999', ttz: '10:00:00+02', b: 't' },
      { i: null, n: null, p: null, t: null, 'naïve "k" \\': null, ts: null, lts: null, d: null, tm: null, ttz: null, b: null },
      { i: '-0', n: '-0', p: '-0.00', t: 'tab\there\nnew\r\n \\ "q" \'s\' 🦆 東京 ,,\u0001\u007f', 'naïve "k" \\': '\\N', ts: '2020-01-01T00:00:00Z', lts: '2020-01-01T00:00:00', d: '2019-02-29', tm: '24:00:00', ttz: '10:00:00', b: 'f' },
      { i: '1.5', n: '1e3', p: '999.995', t: 'NULL', 'naïve "k" \\': '\\.', ts: '2020-01-01 00:00:00', lts: '2020-01-01 00:00:00+02', d: '0000-01-01', tm: '12:60:00', ttz: '10:00:00-14:59', b: 'true' },
      { i: '99999999999999999999', n: 'NaN', p: '999.99', t: '"', 'naïve "k" \\': '""', ts: 'not a date', lts: 'infinity', d: 'infinity', tm: 'noon', ttz: 'x', b: 'yes' },
      { i: '9223372036854775807', n: '-0.000000000000000000000000000001', p: '-999.994', t: ' lead and trail ', 'naïve "k" \\': 'é', ts: '0044-03-15 10:00:00+00 BC', lts: '1970-01-01 00:00:00', d: '4713-01-01 BC', tm: '00:00:00', ttz: '23:59:59.5+14', b: 'false' },
      { i: '-9223372036854775809', n: 'Infinity', p: '1000', t: '\\\\', 'naïve "k" \\': '\t', ts: '2020-02-30 00:00:00+00', lts: '2020-13-01 00:00:00', d: '2020-04-31', tm: '-01:00:00', ttz: '10:00:00+15', b: 'T' },
      { i: '1e3', n: '0.10', p: '0.001', t: '\u2028\u2029', 'naïve "k" \\': '𝄞', ts: '2020-01-01 00:00:00+00:30', lts: '2020-01-01 24:00:00', d: '2020-1-1', tm: '1:02:03', ttz: '01:02:03Z', b: '' },
    ];
    // The CSV writer quotes every string: numbers and booleans as plain fields, as COPY writes them.
    const records = awkward.map((r, id) => ({ ...r, id }));
    const generated = Array.from({ length: 3000 }, (_, g) => ({
      id: 100 + g, i: g * 1000003, n: `${g}.${g % 7}`, p: `${g % 1000}.${g % 100}`, t: `row ${g}, "quoted"\n`, 'naïve "k" \\': g % 3 ? 'ü' : null,
      ts: `2024-01-${String(1 + (g % 28)).padStart(2, '0')} 0${g % 10}:00:00+00`, lts: '2024-06-30 12:00:00', d: '2024-06-30', tm: '12:00:00', ttz: '12:00:00+01', b: g % 2 ? 't' : 'f',
    }));
    const stream = overwrite('awkward', properties);
    const batches = [await csvFileBatch({ stream: 'awkward' }, records, properties), await csvFileBatch({ stream: 'awkward' }, generated, properties)];
    try {
      const { pass, sql, sqlRows } = await bothWays(stream, batches);
      expect(pass).toHaveLength(records.length + generated.length);
      expect(pass).toEqual(sql);
      // Most rows typed in the pass; the awkward ones (failing casts, BC dates, -0, exponents) by SQL.
      expect(sqlRows).toBeGreaterThanOrEqual(6);
      expect(sqlRows).toBeLessThan(records.length);
      const changed = sql.filter((r) => (JSON.parse(r) as { _airbyte_meta: { changes: unknown[] } })._airbyte_meta.changes.length > 0);
      expect(changed.length).toBeGreaterThanOrEqual(4);
    } finally {
      for (const b of batches) await b.release();
    }
  }, SLOW);

  it('equals the SQL path on what source-postgres reads from real columns', async () => {
    const source = new pg.Client({ connectionString: db.service.connectionUrl(SOURCE_DB) });
    await source.connect();
    await source.query(`
      CREATE TABLE public.scalars (id int PRIMARY KEY, t text, n numeric, p numeric(20,9), f float8, i bigint, ok boolean, ts timestamptz, lts timestamp, d date, tm time, ttz timetz, u uuid);
      INSERT INTO public.scalars VALUES
        (1, '', 'NaN', 12345678901.123456789, 'NaN', 0, true, 'infinity', '-infinity', 'infinity', '00:00:00', '00:00:00+00', gen_random_uuid()),
        (2, NULL, 'Infinity', -0.000000001, '-0', -9223372036854775808, false, '0044-03-15 10:00:00+00 BC', '0001-12-31 23:00:00 BC', '4713-01-01 BC', '23:59:59.999999', '23:59:59.999999-15:59', NULL),
        (3, E'\\\\N', 12345678901234567890.123456789, NULL, 1.7976931348623157e308, 9223372036854775807, NULL, '2025-10-16 10:00:00.123456+05:30', '2025-10-16 10:00:00.654321', '2025-10-16', '12:34:56', '12:34:56+05:30', NULL),
        (4, E'tab\\there\\nnew\\r\\n \\\\ "q" ''s'' 🦆 東京 ,,', 99999999999999999999999999999999999999.999999999999999999, 0, 5e-324, NULL, true, NULL, NULL, NULL, NULL, NULL, NULL),
        (5, 'NULL', -0.000000000000000000000000000001, -1.5, -0.5, 1, false, '1970-01-01 00:00:00+00', '1970-01-01 00:00:00', '1970-01-01', '00:00:00.5', '00:00:00.5+00', NULL);
      INSERT INTO public.scalars SELECT g, 'row ' || g || E',\\n"', g * 1.5, g / 7.0, g / 3.0, g, g % 2 = 0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1.5 second',
        timestamp '2024-01-01' + g * interval '1 minute', date '2024-01-01' + g, time '00:00' + g * interval '1 second', NULL, NULL FROM generate_series(6, 3000) AS g;
      ANALYZE public.scalars;`);
    await source.end();
    const sourceConfig: PostgresSourceConfig = {
      host: db.vars.HOST, port: db.vars.PORT, database: SOURCE_DB, username: db.vars.USERNAME, password: db.vars.PASSWORD, schemas: ['public'], ssl_mode: { mode: 'disable' },
    };
    const discovered = (await sourcePostgres.discover(sourceConfig, ctx)).streams.find((s) => s.name === 'scalars')!;
    const stream: ConfiguredAirbyteStream = { stream: discovered, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' };
    const batches: CsvFileBatch[] = [];
    for await (const item of readPostgres(sourceConfig, { streams: [stream] }, undefined, ctx, { chunkRows: 700, chunkBytes: 1 << 30 })) if (item.type === 'CSV_FILE_BATCH') batches.push(item);
    try {
      expect(batches.length).toBeGreaterThan(1);
      const { pass, sql, sqlRows } = await bothWays(stream, batches);
      expect(pass).toHaveLength(3000);
      expect(pass).toEqual(sql);
      expect(sqlRows).toBeLessThan(10);
    } finally {
      for (const b of batches) await b.release();
    }
  }, SLOW);

  it('is not used for free-form fields, objects or arrays, which the SQL path flattens and splits', () => {
    const t = (properties: Record<string, JsonSchema>) => TypedStaging.forStream(target(overwrite('s', properties), 's', 'x'));
    expect(t({ id: { type: 'integer' }, a: { type: 'array', items: { type: 'integer' } } })).toBeUndefined();
    expect(t({ id: { type: 'integer' }, o: { type: 'object', properties: { k: { type: 'string' } } } })).toBeUndefined();
    expect(t({ id: { type: 'integer' }, free: {} })).toBeUndefined();
    expect(t({ id: { type: 'integer' }, s: { type: 'string' } })).toBeDefined();
    expect(TypedStaging.forStream(target({ ...overwrite('s', { id: { type: 'integer' } }), destination_sync_mode: 'append' }, 's', 'x'))).toBeUndefined();
  });
});

describe('an overwrite sync with Basic normalization', () => {
  let config: PostgresDestinationConfig;
  beforeAll(async () => {
    config = (await loadFixtures<PostgresDestinationConfig>(FIXTURES_DIR, db.vars)).config;
    config = { ...config, normalization: 'basic' } as PostgresDestinationConfig;
  });

  async function sync(catalog: ConfiguredAirbyteCatalog, input: SourceOutput[]): Promise<AirbyteMessage[]> {
    const out: AirbyteMessage[] = [];
    async function* items() {
      yield* input;
    }
    for await (const m of destinationPostgres.write(config, catalog, items(), ctx)) out.push(m);
    return out;
  }

  it('types every row when a batch the pass cannot type arrives (records, nested columns): the stream goes to SQL whole', async () => {
    const properties: Record<string, JsonSchema> = { id: { type: 'integer' }, s: { type: ['null', 'string'] } as JsonSchema };
    const catalog: ConfiguredAirbyteCatalog = { streams: [overwrite('mixed', properties)] };
    const csv = await csvFileBatch({ stream: 'mixed' }, [{ id: 1, s: 'csv' }, { id: 2, s: null }], properties);
    await sync(catalog, [csv, recordBatch({ stream: 'mixed' }, [{ id: 3, s: 'record' }])]);
    const { rows } = await db.sql<{ id: string; s: string | null }>('SELECT id, s FROM public.mixed ORDER BY id');
    expect(rows).toEqual([{ id: '1', s: 'csv' }, { id: '2', s: null }, { id: '3', s: 'record' }]);
    // Nothing of this sync's staging is left behind.
    const { rows: left } = await db.sql("SELECT relname FROM pg_class WHERE relname LIKE '\\_airbyte\\_tmp\\_%'");
    expect(left).toEqual([]);
  }, SLOW);

  it('replaces the final table with the rows typed in the pass', async () => {
    const properties: Record<string, JsonSchema> = { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } };
    const catalog: ConfiguredAirbyteCatalog = { streams: [overwrite('passed', properties)] };
    const first = await csvFileBatch({ stream: 'passed' }, [{ id: 1, at: '2020-01-01 00:00:00+00' }], properties);
    await sync(catalog, [first]);
    const second = await csvFileBatch({ stream: 'passed' }, [{ id: 2, at: '2021-01-01 00:00:00+02' }, { id: 3, at: 'bad' }], properties);
    await sync(catalog, [second]);
    const { rows } = await db.sql<{ id: string; at: Date | null; meta: unknown }>('SELECT id, at, _airbyte_meta AS meta FROM public.passed ORDER BY id');
    expect(rows).toEqual([
      { id: '2', at: new Date('2020-12-31T22:00:00Z'), meta: { changes: [] } },
      { id: '3', at: null, meta: { changes: [{ field: 'at', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }] } },
    ]);
  }, SLOW);
});
