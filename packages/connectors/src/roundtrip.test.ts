// Postgres → S3 Parquet round trip, in-process on the fast path (COPY CSV chunks → DuckDB →
// Parquet → SeaweedFS), checked by reading the Parquet files back with a separate DuckDB and
// comparing against aggregates PostgreSQL computes itself.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService, type StartedPostgresService } from '@platform/services';
import type { ConfiguredAirbyteCatalog } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceOutput } from './framework/batches';
import { destinationS3 } from './destination-s3/index';
import { lakeConfig, listKeys, queryParquet, startLake, type Lake } from './destination-s3/test/lake';
import { sourcePostgres, type PostgresSourceConfig } from './source-postgres/index';

const DATABASE = 'source_db';
const ROWS = 3_000;
const CHUNK_ROWS = '1000';

const FIXTURE_SQL = `
CREATE TABLE public.customers (
  id bigint PRIMARY KEY,
  name text,
  balance numeric(38, 9),
  updated_at timestamptz,
  contact jsonb,
  tags text[]
);
INSERT INTO public.customers VALUES
  (1, 'Zoë Ærøskøbing 🦆 東京', 12345678901234567890123456789.123456789, '2024-01-02 03:04:05.123456+02',
   '{"email": "zoe@example.com", "phone": "+45 1234"}', ARRAY['vip', 'nordic']),
  (2, NULL, NULL, NULL, NULL, NULL),
  (3, '', -0.000000001, '1970-01-01 00:00:00+00', '{}', '{}');
INSERT INTO public.customers
  SELECT i, 'customer ' || i || ' Иван', i * 1.000000001, timestamptz '2024-01-01 00:00:00+00' + i * interval '1.000001 second',
         jsonb_build_object('email', 'c' || i || '@example.com', 'phone', CASE WHEN i % 3 = 0 THEN NULL ELSE '+1 555 ' || i END),
         ARRAY['t' || (i % 5)]
  FROM generate_series(4, ${ROWS}) AS i;
-- Row statistics size the source's chunks.
ANALYZE public.customers;
`;

/** Aggregates both sides compute; text and timestamps compared through md5 of their exact rendering. */
const PG_SUMMARY = `
SELECT count(*)::text AS n, sum(id)::text AS id_sum, sum(balance)::text AS balance_sum,
  count(name)::text AS names, count(balance)::text AS balances, count(updated_at)::text AS timestamps,
  count(contact ->> 'email')::text AS emails, count(contact ->> 'phone')::text AS phones,
  md5(string_agg(name, '|' ORDER BY id)) AS names_md5,
  md5(string_agg(to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '|' ORDER BY id)) AS timestamps_md5,
  md5(string_agg(balance::text, '|' ORDER BY id)) AS balances_md5
FROM public.customers`;

const PARQUET_SUMMARY = `
SELECT count(*)::VARCHAR AS n, sum(id)::VARCHAR AS id_sum, sum(balance)::VARCHAR AS balance_sum,
  count(name)::VARCHAR AS names, count(balance)::VARCHAR AS balances, count(updated_at)::VARCHAR AS timestamps,
  count(contact_email)::VARCHAR AS emails, count(contact_phone)::VARCHAR AS phones,
  md5(string_agg(name, '|' ORDER BY id)) AS names_md5,
  md5(string_agg(strftime(updated_at, '%Y-%m-%d %H:%M:%S.%f'), '|' ORDER BY id)) AS timestamps_md5,
  md5(string_agg(balance::VARCHAR, '|' ORDER BY id)) AS balances_md5
FROM lake`;

let postgres: StartedPostgresService;
let lake: Lake;
let root: string;

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgres.connectionUrl(DATABASE) });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'roundtrip-'));
  // As root, Postgres runs as the `postgres` user and must be able to traverse the directory.
  await chmod(root, 0o755);
  [postgres, lake] = await Promise.all([new PostgresService({ dataDir: join(root, 'pg'), persistent: false, logicalReplication: false }).start(), startLake()]);
  await postgres.createDatabase(DATABASE);
  await sql(FIXTURE_SQL);
}, 120_000);

afterAll(async () => {
  await Promise.all([postgres?.stop(), lake?.stop()]);
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe('Postgres → S3 Parquet round trip', () => {
  it('lands every row, NULL, exact decimal, timestamp and unicode text in typed, flattened Parquet', async () => {
    const source: PostgresSourceConfig = {
      host: postgres.host,
      port: postgres.port,
      database: DATABASE,
      schemas: ['public'],
      username: postgres.user,
      password: postgres.password,
      ssl_mode: { mode: 'prefer' },
    };
    const ctx = { log: () => undefined };
    const discovered = await sourcePostgres.discover(source, ctx);
    const stream = discovered.streams.find((s) => s.name === 'customers')!;
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };

    // Small chunks so the stream arrives as several CSV files and lands as several Parquet files.
    const previousChunkRows = process.env.SOURCE_POSTGRES_CHUNK_ROWS;
    process.env.SOURCE_POSTGRES_CHUNK_ROWS = CHUNK_ROWS;
    const kinds = new Set<string>();
    async function* observed(): AsyncGenerator<SourceOutput> {
      for await (const item of sourcePostgres.read(source, catalog, undefined, ctx)) {
        kinds.add(item.type);
        yield item;
      }
    }
    const config = lakeConfig(lake, { s3_bucket_path: 'airbyte-data' });
    const acknowledged = [];
    try {
      for await (const m of destinationS3.write(config, catalog, observed(), ctx)) acknowledged.push(m);
    } finally {
      if (previousChunkRows === undefined) delete process.env.SOURCE_POSTGRES_CHUNK_ROWS;
      else process.env.SOURCE_POSTGRES_CHUNK_ROWS = previousChunkRows;
    }
    expect(kinds.has('CSV_FILE_BATCH')).toBe(true);
    expect(kinds.has('RECORD')).toBe(false);
    expect(acknowledged.length).toBeGreaterThan(0);

    const keys = await listKeys(lake, 'airbyte-data/public/customers/');
    expect(keys.length).toBeGreaterThanOrEqual(ROWS / Number(CHUNK_ROWS));
    for (const key of keys) expect(key).toMatch(/^airbyte-data\/public\/customers\/\d{4}_\d{2}_\d{2}_\d+_\d+\.parquet$/);

    const [expected] = await sql(PG_SUMMARY);
    const [actual] = await queryParquet(lake, keys, PARQUET_SUMMARY);
    expect(actual).toEqual(expected);

    const types = Object.fromEntries((await queryParquet(lake, keys, 'DESCRIBE lake')).map((r) => [r.column_name, r.column_type]));
    expect(types).toEqual({
      _airbyte_ab_id: 'VARCHAR',
      _airbyte_emitted_at: 'TIMESTAMP WITH TIME ZONE',
      id: 'BIGINT',
      name: 'VARCHAR',
      balance: 'DECIMAL(38,9)',
      updated_at: 'TIMESTAMP WITH TIME ZONE',
      contact: 'VARCHAR',
      contact_email: 'VARCHAR',
      contact_phone: 'VARCHAR',
      tags: 'VARCHAR',
      _airbyte_unfit_values: 'VARCHAR',
    });

    const rows = await queryParquet(
      lake,
      keys,
      `SELECT id, name, balance::VARCHAR AS balance, updated_at::VARCHAR AS updated_at, contact_email, contact_phone, tags
       FROM lake WHERE id <= 3 OR id = 6 ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: '1',
        name: 'Zoë Ærøskøbing 🦆 東京',
        balance: '12345678901234567890123456789.123456789',
        updated_at: '2024-01-02 01:04:05.123456+00',
        contact_email: 'zoe@example.com',
        contact_phone: '+45 1234',
        tags: '["vip","nordic"]',
      },
      { id: '2', name: null, balance: null, updated_at: null, contact_email: null, contact_phone: null, tags: null },
      { id: '3', name: '', balance: '-0.000000001', updated_at: '1970-01-01 00:00:00+00', contact_email: null, contact_phone: null, tags: '[]' },
      { id: '6', name: 'customer 6 Иван', balance: '6.000000006', updated_at: '2024-01-01 00:00:06.000006+00', contact_email: 'c6@example.com', contact_phone: null, tags: '["t1"]' },
    ]);
    // The jsonb column keeps its whole value beside the flattened keys; every value fit its column.
    expect(await queryParquet(lake, keys, `SELECT contact FROM lake WHERE id IN (1, 6) ORDER BY id`)).toEqual([
      { contact: '{"email":"zoe@example.com","phone":"+45 1234"}' },
      { contact: '{"email":"c6@example.com","phone":null}' },
    ]);
    expect(await queryParquet(lake, keys, 'SELECT count(_airbyte_unfit_values)::VARCHAR AS unfit FROM lake')).toEqual([{ unfit: '0' }]);
    const [ids] = await queryParquet(lake, keys, 'SELECT count(DISTINCT _airbyte_ab_id)::VARCHAR AS ids, count(_airbyte_emitted_at)::VARCHAR AS emitted FROM lake');
    expect(ids).toEqual({ ids: String(ROWS), emitted: String(ROWS) });
  }, 120_000);
});
