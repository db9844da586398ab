// The benchmark's source table: five columns of the common kinds, one of them ~20% NULL,
// generated inside Postgres (no rows cross the wire) so 10M rows take seconds, not minutes.
import type pg from 'pg';

interface BenchColumn {
  name: string;
  pgType: string;
  /** The type the baseline asks DuckDB's read_csv for, so nothing is sniffed. */
  duckdbType: string;
  /** Value for row number `g` of generate_series. */
  generator: string;
}

export const BENCH_COLUMNS: readonly BenchColumn[] = [
  { name: 'id', pgType: 'bigint', duckdbType: 'BIGINT', generator: 'g' },
  { name: 'name', pgType: 'text', duckdbType: 'VARCHAR', generator: 'md5(g::text)' },
  { name: 'created_at', pgType: 'timestamptz', duckdbType: 'TIMESTAMPTZ', generator: "timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second'" },
  { name: 'amount', pgType: 'numeric(18,4)', duckdbType: 'DECIMAL(18,4)', generator: '(g * 7919 % 100000000)::numeric / 10000' },
  { name: 'note', pgType: 'text', duckdbType: 'VARCHAR', generator: "CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END" },
];

export const benchTableName = (rows: number): string => `bench_${rows}`;

export interface SourceTableStats {
  rows: number;
  /** pg_total_relation_size: heap, TOAST and the primary-key index. */
  totalBytes: number;
}

/** `logged: true` for a table whose changes must reach the WAL (a CDC source). */
export async function createSourceTable(client: pg.Client, table: string, rows: number, { logged = false } = {}): Promise<SourceTableStats> {
  const columns = BENCH_COLUMNS.map((c) => `${c.name} ${c.pgType}`).join(', ');
  const generators = BENCH_COLUMNS.map((c) => c.generator).join(', ');
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  // UNLOGGED skips WAL (the server runs wal_level=logical), loading 2× faster; pages and reads are the same.
  await client.query(`CREATE ${logged ? '' : 'UNLOGGED '}TABLE ${table} (${columns})`);
  await client.query(`INSERT INTO ${table} SELECT ${generators} FROM generate_series(1::bigint, ${rows}) AS g`);
  // The key is built after the load (one sort instead of 10M index inserts); real source tables have one.
  await client.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id)`);
  // VACUUM sets hint bits and the visibility map now, so whichever pipeline reads first does not pay for it.
  await client.query(`VACUUM (ANALYZE) ${table}`);
  const { rows: [stats] } = await client.query<{ rows: string; total_bytes: string }>(
    `SELECT count(*) AS rows, pg_total_relation_size('${table}') AS total_bytes FROM ${table}`,
  );
  return { rows: Number(stats.rows), totalBytes: Number(stats.total_bytes) };
}
