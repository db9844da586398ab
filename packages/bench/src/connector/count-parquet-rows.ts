// Correctness check of a pipeline's output: download every Parquet object under a prefix and let
// DuckDB read them. countParquetRows counts the rows (from the footers; no data pages are
// decoded); inspectParquet runs any other check over the same downloaded files.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createS3Client, type S3Endpoint } from './endpoints';

export interface ParquetOutput {
  rows: number;
  files: number;
  bytes: number;
}

export async function countParquetRows(s3: S3Endpoint, prefix: string, downloadDir: string): Promise<ParquetOutput> {
  return inspectParquet(s3, prefix, downloadDir, async (connection, files) => {
    const reader = await connection.runAndReadAll(`SELECT count(*)::DOUBLE FROM read_parquet(${files})`);
    return { rows: Number(reader.getRows()[0][0]) };
  });
}

/**
 * Downloads the Parquet objects under `prefix` and calls `inspect` with a DuckDB connection and
 * the files as a SQL list literal (`['a.parquet', ...]`); the files are removed afterwards.
 */
export async function inspectParquet<T extends object>(
  s3: S3Endpoint,
  prefix: string,
  downloadDir: string,
  inspect: (connection: DuckDBConnection, files: string) => Promise<T>,
): Promise<T & Omit<ParquetOutput, 'rows'>> {
  const client = createS3Client(s3);
  const objects: Array<{ key: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key?.endsWith('.parquet')) objects.push({ key: o.Key, size: o.Size ?? 0 });
    token = page.NextContinuationToken;
  } while (token);
  if (objects.length === 0) throw new Error(`no Parquet object under s3://${s3.bucket}/${prefix}`);

  await mkdir(downloadDir, { recursive: true });
  try {
    const paths: string[] = [];
    for (const o of objects) {
      const path = join(downloadDir, `${paths.length}.parquet`);
      const { Body } = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: o.key }));
      await pipeline(Body as Readable, createWriteStream(path));
      paths.push(path);
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const result = await inspect(connection, `[${paths.map((p) => `'${p}'`).join(', ')}]`);
      return { ...result, files: objects.length, bytes: objects.reduce((n, o) => n + o.size, 0) };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    client.destroy();
    await rm(downloadDir, { recursive: true, force: true });
  }
}
