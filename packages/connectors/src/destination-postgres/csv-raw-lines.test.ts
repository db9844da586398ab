// The streaming CSV → raw COPY path against the SQL path it replaces for scalar columns: on real
// Postgres, hostile values read by source-postgres must give the same _airbyte_data either way,
// row by row; and the parser must not care where the file's chunks are cut.
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog, JsonSchema } from '@platform/protocol';
import type { CsvFileBatch } from '../framework/batches';
import { readPostgres } from '../source-postgres/read';
import { sourcePostgres, type PostgresSourceConfig } from '../source-postgres/index';
import { copyCsvIntoRaw, copyCsvThroughTempTable } from './csv-copy';
import { CsvToRawLines, rawLineKinds } from './csv-raw-lines';
import { RAW_COLUMNS_SQL } from './raw-copy';
import { startDestinationPostgres, type DestinationPostgres } from './test/postgres-fixture';

const SLOW = 180_000;
const SOURCE_DB = 'csv_source';
const ctx = { log: () => {} };

describe('CsvToRawLines', () => {
  const columns: CsvFileBatch['columns'] = [
    { name: 'id', schema: { type: 'integer' } },
    { name: 'n', schema: { type: ['null', 'number'] } as JsonSchema },
    { name: 'b', schema: { type: 'boolean' } },
    { name: 's "q"', schema: { type: 'string' } },
  ];
  const csv = 'id,n,b,"s ""q"""\n1,-0,t,"a ""quoted"",\nline \\ 🦆"\n2,,f,""\n3,NaN,,\n4,1e400,true,東京\n';
  const linesOf = async (chunks: Buffer[]) => {
    const lines = new CsvToRawLines(columns, rawLineKinds(columns)!, '2026-01-01T00:00:00.000Z');
    const out = await text(Readable.from(chunks).pipe(lines));
    return { rows: lines.rows, data: out.split('\n').filter(Boolean).map((l) => l.split('\t').slice(1).join('\t')) };
  };

  it('types each value as the SQL path does and escapes the JSON for COPY text', async () => {
    expect(await linesOf([Buffer.from(csv)])).toEqual({
      rows: 4,
      data: [
        '2026-01-01T00:00:00.000Z\t{"id":1,"n":"-0","b":true,"s \\\\"q\\\\"":"a \\\\"quoted\\\\",\\\\nline \\\\\\\\ 🦆"}',
        '2026-01-01T00:00:00.000Z\t{"id":2,"n":null,"b":false,"s \\\\"q\\\\"":""}',
        '2026-01-01T00:00:00.000Z\t{"id":3,"n":"NaN","b":null,"s \\\\"q\\\\"":null}',
        '2026-01-01T00:00:00.000Z\t{"id":4,"n":1e400,"b":true,"s \\\\"q\\\\"":"東京"}',
      ],
    });
  });

  it('gives the same lines however the file is cut into chunks, inside quotes and characters too', async () => {
    const bytes = Buffer.from(csv);
    const whole = await linesOf([bytes]);
    expect(await linesOf([...bytes].map((b) => Buffer.from([b])))).toEqual(whole);
    for (const cut of [5, 17, 31, 40]) expect(await linesOf([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
  });

  it('refuses a record with the wrong number of fields and a file cut inside a record', async () => {
    await expect(linesOf([Buffer.from('id,n,b,s\n1,2,t\n')])).rejects.toThrow(/record 1 has 3 fields/);
    await expect(linesOf([Buffer.from('id,n,b,s\n1,2,t,"open\n')])).rejects.toThrow(/ends inside a record/);
  });

  it('leaves chunks with object or array columns to the SQL path', () => {
    expect(rawLineKinds([...columns, { name: 'o', schema: { type: 'object' } }])).toBeUndefined();
    expect(rawLineKinds([{ name: 'a', schema: { type: ['null', 'array'] } as JsonSchema }])).toBeUndefined();
  });
});

describe('scalar CSV chunks from source-postgres', () => {
  let db: DestinationPostgres;

  beforeAll(async () => {
    db = await startDestinationPostgres();
    await db.service.createDatabase(SOURCE_DB);
  }, SLOW);

  afterAll(async () => {
    await db?.stop();
  }, SLOW);

  it('hold the same _airbyte_data through the streaming path as through the SQL path, row by row', async () => {
    const source = new pg.Client({ connectionString: db.service.connectionUrl(SOURCE_DB) });
    await source.connect();
    await source.query(`
      CREATE TABLE public.scalars (id int PRIMARY KEY, t text, n numeric, f float8, r real, i bigint, ok boolean, ts timestamptz, lts timestamp, d date, tm time, u uuid, by bytea);
      INSERT INTO public.scalars VALUES
        (1, '', 'NaN', 'NaN', 'NaN', 0, true, 'infinity', '-infinity', 'infinity', '00:00:00', gen_random_uuid(), '\\x00ff'),
        (2, NULL, 'Infinity', '-0', '-Infinity', -9223372036854775808, false, '0044-03-15 10:00:00+00 BC', '0001-12-31 23:00:00 BC', '4713-01-01 BC', '23:59:59.999999', NULL, NULL),
        (3, E'\\\\N', '-Infinity', 1.7976931348623157e308, 3.4028234e38, 9223372036854775807, NULL, '2025-10-16 10:00:00.123456+05:30', '2025-10-16 10:00:00.654321', '2025-10-16', '12:34:56', NULL, ''),
        (4, E'tab\\there\\nnew\\r\\n \\\\ "q" ''s'' 🦆 東京 ,,', 99999999999999999999999999999999999999.999999999999999999, 5e-324, 1.4e-45, NULL, true, NULL, NULL, NULL, NULL, NULL, NULL),
        (5, 'NULL', -0.000000000000000000000000000001, -0.5, -0.5, 1, false, '1970-01-01 00:00:00+00', '1970-01-01 00:00:00', '1970-01-01', '00:00:00.5', NULL, NULL),
        (6, repeat('"é,', 800000), 0, 0, 0, 0, true, NULL, NULL, NULL, NULL, NULL, NULL);
      INSERT INTO public.scalars SELECT g, 'row ' || g || E',\n"', g * 1.5, g / 3.0, -g, g, g % 2 = 0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
        NULL, NULL, NULL, NULL, NULL FROM generate_series(7, 3000) AS g;
      ANALYZE public.scalars;`);
    await source.end();
    const sourceConfig: PostgresSourceConfig = {
      host: db.vars.HOST, port: db.vars.PORT, database: SOURCE_DB, username: db.vars.USERNAME, password: db.vars.PASSWORD, schemas: ['public'], ssl_mode: { mode: 'disable' },
    };
    const stream = (await sourcePostgres.discover(sourceConfig, ctx)).streams.find((s) => s.name === 'scalars')!;
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };

    const client = new pg.Client({ connectionString: db.service.connectionUrl() });
    await client.connect();
    try {
      await client.query(`CREATE TABLE streamed (${RAW_COLUMNS_SQL}); CREATE TABLE through_sql (${RAW_COLUMNS_SQL})`);
      let batches = 0;
      for await (const item of readPostgres(sourceConfig, catalog, undefined, ctx, { chunkRows: 500, chunkBytes: 1 << 30 })) {
        if (item.type !== 'CSV_FILE_BATCH') continue;
        expect(rawLineKinds(item.columns)).toBeDefined();
        await copyCsvIntoRaw(client, 'streamed', item, batches);
        await copyCsvThroughTempTable(client, 'through_sql', item, batches++);
        await item.release();
      }
      expect(batches).toBeGreaterThan(1);
      const data = async (table: string) => (await client.query<{ data: string }>(`SELECT _airbyte_data::text AS data FROM ${table} ORDER BY (_airbyte_data->>'id')::int`)).rows.map((r) => r.data);
      const streamed = await data('streamed');
      expect(streamed).toHaveLength(3000);
      expect(streamed).toEqual(await data('through_sql'));
      expect(JSON.parse(streamed[5]).t).toBe('"é,'.repeat(800000));
    } finally {
      await client.end();
    }
  }, SLOW);
});
