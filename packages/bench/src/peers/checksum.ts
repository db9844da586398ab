// Every value checked, not just the row count: a checksum over the bench table's rows computed by
// Postgres on the source and by DuckDB on each pipeline's Parquet. Each row becomes one canonical
// text (id | name | created_at as epoch microseconds | amount with its 4 decimals | note or a NULL
// marker), its md5's first 60 bits an integer, summed over the rows: order-free, exact (numeric in
// Postgres, HUGEINT in DuckDB), and any changed, lost or duplicated value moves it. The Parquet
// side casts each column to the source's type first, as the pipelines write them differently
// (dlt: DECIMAL(38,9); the connectors: the catalog's DECIMAL(18,4); TIMESTAMPTZ or TIMESTAMP in UTC).
import type pg from 'pg';
import { inspectParquet, type ParquetOutput } from '../connector/count-parquet-rows';
import type { S3Endpoint } from '../connector/endpoints';

const NULL_MARKER = '<null>';

export interface TableChecksum {
  rows: number;
  /** Decimal text of the sum. */
  checksum: string;
}

export interface VerifiedOutput extends ParquetOutput, TableChecksum {
  /** Parquet codecs of the files' column chunks, e.g. "ZSTD". */
  codecs: string;
}

export async function sourceChecksum(client: pg.Client, table: string): Promise<TableChecksum> {
  const rowText = `concat_ws('|', id::text, name, (extract(epoch FROM created_at) * 1000000)::bigint::text, amount::text, coalesce(note, '${NULL_MARKER}'))`;
  const { rows: [r] } = await client.query<{ rows: string; checksum: string }>(
    `SELECT count(*) AS rows, coalesce(sum(('x' || substr(md5(${rowText}), 1, 15))::bit(60)::bigint), 0)::text AS checksum FROM ${table}`,
  );
  return { rows: Number(r.rows), checksum: r.checksum };
}

// The lake reader reads a TIMESTAMP without zone as UTC (its session's TimeZone), as the pipelines wrote it.
const PARQUET_CHECKSUM_SQL = (() => {
  const rowText = `concat_ws('|', id::BIGINT::VARCHAR, name, epoch_us(created_at::TIMESTAMPTZ)::VARCHAR, amount::DECIMAL(18,4)::VARCHAR, coalesce(note, '${NULL_MARKER}'))`;
  return `SELECT count(*)::VARCHAR AS rows, coalesce(sum(('0x' || substr(md5(${rowText}), 1, 15))::BIGINT), 0)::VARCHAR AS checksum,
    (SELECT string_agg(DISTINCT compression, ', ' ORDER BY compression) FROM lake_meta) AS codecs FROM lake`;
})();

/** Downloads the Parquet under `prefix`, checks its rows and checksum against the source's; throws naming the difference. */
export async function verifyParquet(label: string, s3: S3Endpoint, prefix: string, downloadDir: string, expected: TableChecksum): Promise<VerifiedOutput> {
  const { row, ...objects } = await inspectParquet(s3, prefix, downloadDir, PARQUET_CHECKSUM_SQL);
  const output = { ...objects, rows: Number(row.rows), checksum: String(row.checksum), codecs: String(row.codecs) };
  if (output.rows !== expected.rows) {
    throw new Error(`${label}: s3://${s3.bucket}/${prefix} holds ${output.rows} rows in ${output.files} Parquet files; the table has ${expected.rows}`);
  }
  if (output.checksum !== expected.checksum) {
    throw new Error(`${label}: the values in s3://${s3.bucket}/${prefix} differ from the table's (checksum ${output.checksum}, the table's ${expected.checksum}; same ${expected.rows} rows)`);
  }
  return output;
}
