// Postgres → S3 Parquet with PostgreSQL's own timestamp text (CsvFileBatch.postgresTimestamps):
// on real Postgres and SeaweedFS, awkward rows land with exactly the values the protocol's text
// (the path every other consumer still gets) gives, every column compared; and the JSON records
// read from either kind of batch are the same.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService, type StartedPostgresService } from '@platform/services';
import type { ConfiguredAirbyteCatalog } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTimestampToAirbyte, pullReadingPostgresTimestamps, type CsvFileBatch, type SourceOutput } from './framework/batches';
import { csvBatchRecords } from './framework/expand';
import { destinationS3 } from './destination-s3/index';
import { lakeConfig, listKeys, queryParquet, startLake, type Lake } from './destination-s3/test/lake';
import { sourcePostgres, type PostgresSourceConfig } from './source-postgres/index';

const DATABASE = 'source_db';
const CHUNK_ROWS = '400';

// Row 6 holds values past DuckDB's range (kept in _airbyte_unfit_values): its chunk takes the
// tolerant conversion, the other chunks the strict one.
const FIXTURE_SQL = `
CREATE TABLE public.awkward (
  id int PRIMARY KEY, at timestamptz, local_at timestamp, day date, clock time, clock_tz timetz,
  amount numeric(20, 6), free numeric, ratio float8, note text, notes text[], moments timestamptz[],
  doc jsonb, raw json, blob bytea, flag boolean, span interval
);
INSERT INTO public.awkward VALUES
  (1, '2024-01-02 03:04:05.123456+02', '2024-01-02 03:04:05.123456', '2024-01-02', '03:04:05.123456', '03:04:05+05:30',
   12345678901234.123456, 1e-30, 0.1, 'plain', ARRAY['a', 'b'], ARRAY['2024-01-02 03:04:05.5-03'::timestamptz],
   '{"a": 1, "b": {"c": [1, 2.50]}}', '{"b": [1, 2], "b": 3}', '\\x00ff', true, '1 day 02:03:04.5'),
  (2, 'infinity', 'infinity', 'infinity', '24:00:00', '00:00:00-12', NULL, 'NaN', 'Infinity', '', '{}', '{}',
   '[]', 'null', '\\x', false, '-1 year'),
  (3, '-infinity', '-infinity', '-infinity', NULL, NULL, -0.000001, -0.0, '-0', NULL, ARRAY[NULL, 'x'], ARRAY[NULL]::timestamptz[],
   NULL, NULL, NULL, NULL, NULL),
  (4, '0044-03-15 10:00:00.5+00 BC', '0044-03-15 10:00:00 BC', '0044-03-15 BC', '23:59:59.999999', '12:00:00+14:59',
   -99999999999999.999999, 123456789012345678901234567890.123456789, 1.7976931348623157e308,
   E'quote " comma , newline \\n cr \\r tab \\t backslash \\\\ unicode Zoë 東京 🦆 \\\\N', ARRAY[E'a"b', E'c\\nd', 'e,f', ''],
   ARRAY['0044-03-15 10:00:00+00 BC'::timestamptz, 'infinity'], '{"k": "v \\" \\\\ \\u00e9"}', '  { "spaced" : true }  ', '\\x5c6e', NULL, NULL),
  (5, '10000-01-01 00:00:00+00', '10000-06-15 12:00:00.000001', '10000-01-01', '00:00:00', '23:59:59.999999-15:59', 0, 0, 0, 'T BC +00 ',
   NULL, NULL, '{"T BC": "+00"}', NULL, NULL, true, '0'),
  (6, '294276-12-31 23:59:59.999999+00', '294276-12-31 23:59:59.999999', '5874897-12-31', NULL, NULL, NULL, NULL, NULL, 'beyond DuckDB',
   NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (7, '0001-01-01 00:00:00+00 BC', '0001-12-31 23:59:59.999999 BC', '0001-01-01 BC', NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (8, '1999-12-31 23:59:59.999999-08', '1999-12-31 23:59:59.999999', '1999-12-31', NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO public.awkward (id, at, local_at, day, amount, note)
  SELECT i, timestamptz '1900-01-01 00:00:00+00' + i * interval '36 days 1.000007 second', timestamp '2024-02-29 00:00:00' - i * interval '1.5 second',
         date '2000-02-29' + i, i / 7.0, CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN '' ELSE 'row ' || i END
  FROM generate_series(9, 1500) AS i;
ANALYZE public.awkward;
`;

let postgres: StartedPostgresService;
let lake: Lake;
let root: string;
let source: PostgresSourceConfig;
let catalog: ConfiguredAirbyteCatalog;
const ctx = { log: () => undefined };

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgres.connectionUrl(DATABASE) });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The source's whole output, each item pulled as `pull` runs it. */
async function readAll(pull: <T>(next: () => T) => T): Promise<SourceOutput[]> {
  const items: SourceOutput[] = [];
  const iterator = sourcePostgres.read(source, catalog, undefined, ctx)[Symbol.asyncIterator]();
  for (;;) {
    const next = await pull(() => iterator.next());
    if (next.done) return items;
    items.push(next.value);
  }
}

const batchesOf = (items: SourceOutput[]) => items.filter((i): i is CsvFileBatch => i.type === 'CSV_FILE_BATCH');

async function* inputOf(items: SourceOutput[]): AsyncGenerator<SourceOutput> {
  yield* items;
}

/** Every column of every row as text, in id order (the two Airbyte columns differ per sync by design). */
async function landed(prefix: string): Promise<Record<string, unknown>[]> {
  const keys = await listKeys(lake, `${prefix}/public/awkward/`);
  expect(keys.length).toBeGreaterThan(1);
  const columns = (await queryParquet(lake, keys, 'DESCRIBE lake')).map((r) => String(r.column_name)).filter((name) => !['_airbyte_ab_id', '_airbyte_emitted_at'].includes(name));
  return queryParquet(lake, keys, `SELECT ${columns.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(', ')} FROM lake ORDER BY id`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'postgres-timestamps-'));
  // As root, Postgres runs as the `postgres` user and must be able to traverse the directory.
  await chmod(root, 0o755);
  [postgres, lake] = await Promise.all([new PostgresService({ dataDir: join(root, 'pg'), persistent: false, logicalReplication: false }).start(), startLake()]);
  await postgres.createDatabase(DATABASE);
  await sql(FIXTURE_SQL);
  source = { host: postgres.host, port: postgres.port, database: DATABASE, schemas: ['public'], username: postgres.user, password: postgres.password, ssl_mode: { mode: 'prefer' } };
  const stream = (await sourcePostgres.discover(source, ctx)).streams.find((s) => s.name === 'awkward')!;
  catalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
  process.env.SOURCE_POSTGRES_CHUNK_ROWS = CHUNK_ROWS;
}, 120_000);

afterAll(async () => {
  delete process.env.SOURCE_POSTGRES_CHUNK_ROWS;
  await Promise.all([postgres?.stop(), lake?.stop()]);
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe("PostgreSQL's timestamp text on the Parquet fast path", () => {
  it('lands the same value in every column of every row as the protocol text does', async () => {
    // The previous path: batches read to the end before the destination sees them, so no
    // consumer asked for PostgreSQL's text.
    const protocolText = await readAll((next) => next());
    expect(batchesOf(protocolText).length).toBeGreaterThan(1);
    expect(batchesOf(protocolText).every((b) => b.postgresTimestamps === undefined)).toBe(true);
    for await (const _ of destinationS3.write(lakeConfig(lake, { s3_bucket_path: 'protocol-text' }), catalog, inputOf(protocolText), ctx));

    // The fast path: the destination pulls the source itself.
    const kinds: Array<boolean | undefined> = [];
    async function* observed(): AsyncGenerator<SourceOutput> {
      for await (const item of sourcePostgres.read(source, catalog, undefined, ctx)) {
        if (item.type === 'CSV_FILE_BATCH') kinds.push(item.postgresTimestamps);
        yield item;
      }
    }
    for await (const _ of destinationS3.write(lakeConfig(lake, { s3_bucket_path: 'postgres-text' }), catalog, observed(), ctx));
    expect(kinds.length).toBeGreaterThan(1);
    expect(kinds.every((k) => k === true)).toBe(true);

    const expected = await landed('protocol-text');
    expect(expected).toHaveLength(1500);
    expect(await landed('postgres-text')).toEqual(expected);
    // The awkward rows themselves, as the protocol writes them (row 6 past DuckDB's range kept as text).
    const byId = (id: number) => expected.find((r) => r.id === String(id))!;
    expect(byId(1).at).toBe('2024-01-02 01:04:05.123456+00');
    expect([byId(2).at, byId(3).at, byId(2).local_at, byId(3).day]).toEqual(['infinity', '-infinity', 'infinity', '-infinity']);
    expect([byId(4).at, byId(4).local_at, byId(4).day]).toEqual(['0044-03-15 (BC) 10:00:00.5+00', '0044-03-15 (BC) 10:00:00', '0044-03-15 (BC)']);
    expect(byId(5).at).toBe('10000-01-01 00:00:00+00');
    expect(byId(6).at).toBeNull();
    expect(JSON.parse(String(byId(6)._airbyte_unfit_values))).toMatchObject({ at: '294276-12-31T23:59:59.999999Z', local_at: '294276-12-31T23:59:59.999999' });
    expect(byId(7).at).toBe('0001-01-01 (BC) 00:00:00+00');
    expect(byId(8).at).toBe('2000-01-01 07:59:59.999999+00');
  }, 180_000);

  it('gives the same JSON records from either kind of batch', async () => {
    const protocolText = batchesOf(await readAll((next) => next()));
    const postgresText = batchesOf(await readAll(pullReadingPostgresTimestamps));
    expect(postgresText.every((b) => b.postgresTimestamps === true)).toBe(true);
    const records = async (batches: CsvFileBatch[]) => {
      const out: Record<string, unknown>[] = [];
      for (const batch of batches) {
        for await (const record of csvBatchRecords(batch)) out.push(record);
        await batch.release();
      }
      return out;
    };
    const expected = await records(protocolText);
    expect(expected).toHaveLength(1500);
    expect(await records(postgresText)).toEqual(expected);
    const first = expected.find((r) => r.id === 1)!;
    expect([first.at, first.local_at, expected.find((r) => r.id === 4)!.at]).toEqual(['2024-01-02T01:04:05.123456Z', '2024-01-02T03:04:05.123456', '0044-03-15T10:00:00.5Z BC']);
  }, 120_000);
});

describe('postgresTimestampToAirbyte', () => {
  it('rewrites as the source SQL does', () => {
    expect(postgresTimestampToAirbyte('2024-01-02 03:04:05.5+00')).toBe('2024-01-02T03:04:05.5Z');
    expect(postgresTimestampToAirbyte('0044-03-15 10:00:00+00 BC')).toBe('0044-03-15T10:00:00Z BC');
    expect(postgresTimestampToAirbyte('0044-03-15 10:00:00 BC')).toBe('0044-03-15T10:00:00 BC');
    expect(postgresTimestampToAirbyte('infinity')).toBe('infinity');
  });
});
