// Correctness check of a pipeline's output: every Parquet object under a prefix, read back with
// the shared lake reader. countParquetRows counts the rows (from the footers; no data pages are
// decoded); inspectParquet runs any other query over the same objects.
import { listObjects, queryParquet } from '@platform/connectors/testing';
import { createS3Client, type S3Endpoint } from './endpoints';

export interface ParquetOutput {
  rows: number;
  files: number;
  bytes: number;
}

export async function countParquetRows(s3: S3Endpoint, prefix: string, downloadDir: string): Promise<ParquetOutput> {
  const { row, ...output } = await inspectParquet(s3, prefix, downloadDir, 'SELECT count(*)::DOUBLE AS rows FROM lake_strict');
  return { rows: Number(row.rows), ...output };
}

/** Runs `sql` (one result row) over the Parquet objects under `prefix`, with the lake reader's views. */
export async function inspectParquet(
  s3: S3Endpoint,
  prefix: string,
  downloadDir: string,
  sql: string,
): Promise<{ row: Record<string, unknown> } & Omit<ParquetOutput, 'rows'>> {
  const client = createS3Client(s3);
  try {
    const objects = (await listObjects(client, s3.bucket, prefix)).filter((o) => o.key.endsWith('.parquet'));
    if (objects.length === 0) throw new Error(`no Parquet object under s3://${s3.bucket}/${prefix}`);
    const [row] = await queryParquet(client, s3.bucket, objects.map((o) => o.key), sql, downloadDir);
    return { row, files: objects.length, bytes: objects.reduce((n, o) => n + o.size, 0) };
  } finally {
    client.destroy();
  }
}
