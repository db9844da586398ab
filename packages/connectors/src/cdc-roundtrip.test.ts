// Postgres CDC → S3 Parquet, in-process with the real destination: the snapshot, then inserts,
// updates and deletes through the WAL, each sync resuming from the GLOBAL state the destination
// acknowledged (what the platform saves). The lake, deduplicated by _ab_cdc_lsn with deletes
// dropped, must equal the source table by an ordered checksum of every row.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService, type StartedPostgresService } from '@platform/services';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationS3 } from './destination-s3/index';
import { lakeConfig, listKeys, queryParquet, startLake, type Lake } from './destination-s3/test/lake';
import { sourcePostgres, type PostgresSourceConfig } from './source-postgres/index';

const DATABASE = 'source_db';

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
  root = await mkdtemp(join(tmpdir(), 'cdc-roundtrip-'));
  await chmod(root, 0o755);
  [postgres, lake] = await Promise.all([new PostgresService({ dataDir: join(root, 'pg'), persistent: false, logicalReplication: true }).start(), startLake()]);
  await postgres.createDatabase(DATABASE);
  await sql(`
    CREATE TABLE public.accounts (id bigint PRIMARY KEY, owner text, balance numeric(20, 4), opened_at timestamptz);
    INSERT INTO public.accounts SELECT g, 'owner ' || g, g * 10.0001, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute' FROM generate_series(1, 2000) AS g;
    CREATE PUBLICATION accounts_pub FOR TABLE public.accounts;`);
  await sql(`SELECT pg_create_logical_replication_slot('accounts_slot', 'pgoutput')`);
}, 120_000);

afterAll(async () => {
  await Promise.all([postgres?.stop(), lake?.stop()]);
  await rm(root, { recursive: true, force: true });
}, 60_000);

/** The same rendering on both sides: id|owner|balance|opened_at (UTC, microseconds), ordered by id. */
const PG_CHECKSUM = `SELECT count(*)::text AS n, md5(string_agg(id || '|' || coalesce(owner, '∅') || '|' || coalesce(balance::text, '∅') || '|' ||
  coalesce(to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '∅'), E'\\n' ORDER BY id)) AS sum FROM public.accounts`;
const LAKE_CHECKSUM = `WITH latest AS (
    SELECT *, row_number() OVER (PARTITION BY id ORDER BY _ab_cdc_lsn DESC, _airbyte_emitted_at DESC) AS rn FROM lake)
  SELECT count(*)::VARCHAR AS n, md5(string_agg(id::VARCHAR || '|' || coalesce(owner, '∅') || '|' || coalesce(balance::VARCHAR, '∅') || '|' ||
    coalesce(strftime(opened_at, '%Y-%m-%d %H:%M:%S.%f'), '∅'), chr(10) ORDER BY id)) AS sum
  FROM latest WHERE rn = 1 AND _ab_cdc_deleted_at IS NULL`;

describe('Postgres CDC → S3 Parquet', () => {
  it('keeps the lake, deduplicated by _ab_cdc_lsn, equal to the table through snapshot, updates and deletes', async () => {
    const source: PostgresSourceConfig = {
      host: postgres.host,
      port: postgres.port,
      database: DATABASE,
      schemas: ['public'],
      username: postgres.user,
      password: postgres.password,
      ssl_mode: { mode: 'disable' },
      replication_method: { method: 'CDC', replication_slot: 'accounts_slot', publication: 'accounts_pub' },
    };
    const ctx = { log: () => undefined };
    const stream = (await sourcePostgres.discover(source, ctx)).streams.find((s) => s.name === 'accounts')!;
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['_ab_cdc_lsn'], primary_key: [['id']] }] };
    const config = lakeConfig(lake, { s3_bucket_path: 'cdc' });

    let state: AirbyteStateMessage[] | undefined;
    const sync = async () => {
      let acknowledged: AirbyteStateMessage | undefined;
      for await (const m of destinationS3.write(config, catalog, sourcePostgres.read(source, catalog, state, ctx), { ...ctx, resumeState: state ?? [] })) {
        if (m.type === 'STATE') acknowledged = m.state;
      }
      expect(acknowledged?.type).toBe('GLOBAL');
      state = [acknowledged!];
    };
    const lakeMatchesTable = async () => {
      const keys = await listKeys(lake, 'cdc/public/accounts/');
      const [expected] = await sql(PG_CHECKSUM);
      expect(await queryParquet(lake, keys, LAKE_CHECKSUM)).toEqual([expected]);
    };

    await sync();
    await lakeMatchesTable();
    await sql(`UPDATE public.accounts SET balance = balance + 1, owner = owner || ' (moved)' WHERE id % 7 = 0`);
    await sql(`DELETE FROM public.accounts WHERE id % 11 = 0`);
    await sql(`INSERT INTO public.accounts SELECT g, NULL, NULL, NULL FROM generate_series(3000, 3100) AS g`);
    await sql(`UPDATE public.accounts SET owner = 'last' WHERE id = 3000`);
    await sync();
    await lakeMatchesTable();
    await sql(`DELETE FROM public.accounts WHERE id BETWEEN 3000 AND 3050`);
    await sql(`INSERT INTO public.accounts VALUES (3000, 'again', 1, now())`);
    await sync();
    await lakeMatchesTable();
  }, 180_000);
});
