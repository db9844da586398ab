// Cheap correctness check of a pipeline's output: every Parquet object under a prefix, read
// back with the shared lake reader, counted by DuckDB (from the footers; no data pages are decoded).
import { listObjects, queryParquet } from '@platform/connectors/testing';
import { createS3Client, type S3Endpoint } from './endpoints';

export interface ParquetOutput {
  rows: number;
  files: number;
  bytes: number;
}

export async function countParquetRows(s3: S3Endpoint, prefix: string, downloadDir: string): Promise<ParquetOutput> {
  const client = createS3Client(s3);
  const objects = (await listObjects(client, s3.bucket, prefix)).filter((o) => o.key.endsWith('.parquet'));
  if (objects.length === 0) throw new Error(`no Parquet object under s3://${s3.bucket}/${prefix}`);
  const [{ rows }] = await queryParquet(client, s3.bucket, objects.map((o) => o.key), 'SELECT count(*)::DOUBLE AS rows FROM lake_strict', downloadDir);
  return { rows: Number(rows), files: objects.length, bytes: objects.reduce((n, o) => n + o.size, 0) };
}
