// Every value checked, not just the row count: a checksum over the bench table's rows computed by
// Postgres on the source and by DuckDB on each pipeline's Parquet. Each row becomes one canonical
// text (id | name | created_at as epoch microseconds | amount with its 4 decimals | note or a NULL
// marker), its md5's first 60 bits an integer, summed over the rows: order-free, exact (numeric in
// Postgres, HUGEINT in DuckDB), and any changed, lost or duplicated value moves it. The Parquet
// side casts each column to the source's type first, as the pipelines write them differently
// (dlt: DECIMAL(38,9); the connectors: the catalog's DECIMAL(18,4); TIMESTAMPTZ or TIMESTAMP in UTC).
import type pg from 'pg';
import type { DuckDBConnection } from '@duckdb/node-api';
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

async function parquetChecksum(connection: DuckDBConnection, files: string): Promise<TableChecksum & { codecs: string }> {
  // A TIMESTAMP without zone is read as UTC, as the pipelines wrote it.
  await connection.run(`SET TimeZone = 'UTC'`);
  const rowText = `concat_ws('|', id::BIGINT::VARCHAR, name, epoch_us(created_at::TIMESTAMPTZ)::VARCHAR, amount::DECIMAL(18,4)::VARCHAR, coalesce(note, '${NULL_MARKER}'))`;
  const sums = await connection.runAndReadAll(
    `SELECT count(*)::VARCHAR, coalesce(sum(('0x' || substr(md5(${rowText}), 1, 15))::BIGINT), 0)::VARCHAR FROM read_parquet(${files}, union_by_name = true)`,
  );
  const codecs = await connection.runAndReadAll(`SELECT string_agg(DISTINCT compression, ', ' ORDER BY compression) FROM parquet_metadata(${files})`);
  const [rows, checksum] = sums.getRows()[0] as [string, string];
  return { rows: Number(rows), checksum, codecs: String(codecs.getRows()[0][0]) };
}

/** Downloads the Parquet under `prefix`, checks its rows and checksum against the source's; throws naming the difference. */
export async function verifyParquet(label: string, s3: S3Endpoint, prefix: string, downloadDir: string, expected: TableChecksum): Promise<VerifiedOutput> {
  const output = await inspectParquet(s3, prefix, downloadDir, parquetChecksum);
  if (output.rows !== expected.rows) {
    throw new Error(`${label}: s3://${s3.bucket}/${prefix} holds ${output.rows} rows in ${output.files} Parquet files; the table has ${expected.rows}`);
  }
  if (output.checksum !== expected.checksum) {
    throw new Error(`${label}: the values in s3://${s3.bucket}/${prefix} differ from the table's (checksum ${output.checksum}, the table's ${expected.checksum}; same ${expected.rows} rows)`);
  }
  return output;
}
