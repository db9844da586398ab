// Reading what landed in S3 the way a downstream user would, independently of destination-s3:
// list the objects with the SDK, download them, read them with a separate DuckDB. One reader
// for the connector tests, the server's worker tests, e2e and the benchmark's output check.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';

export interface LakeObject {
  key: string;
  size: number;
}

/** Every object under `prefix` (all pages), sorted by key. */
export async function listObjects(client: S3Client, bucket: string, prefix: string): Promise<LakeObject[]> {
  const objects: LakeObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0 });
    token = page.NextContinuationToken;
  } while (token);
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  return (await listObjects(client, bucket, prefix)).map((o) => o.key);
}

export async function getObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/**
 * Downloads the Parquet objects `keys` (streamed to files under `downloadDir`, removed after)
 * and runs `sql` in a fresh DuckDB over the views `lake` (their rows, columns matched by
 * name), `lake_strict` (their rows read without union_by_name, which needs every file to have
 * the same schema), `lake_meta` (their parquet_metadata) and `lake_schema` (their
 * parquet_schema). Returns DuckDB's JSON row objects.
 */
export async function queryParquet(client: S3Client, bucket: string, keys: string[], sql: string, downloadDir = tmpdir()): Promise<Record<string, unknown>[]> {
  if (keys.length === 0) throw new Error(`no Parquet objects to read in s3://${bucket}`);
  await mkdir(downloadDir, { recursive: true });
  const dir = await mkdtemp(join(downloadDir, 'lake-'));
  try {
    const files: string[] = [];
    for (const key of keys) {
      const file = join(dir, `${files.length}.parquet`);
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await pipeline(Body as Readable, createWriteStream(file));
      files.push(file);
    }
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
      await connection.run(`CREATE VIEW lake AS SELECT * FROM read_parquet(${list}, union_by_name = true)`);
      await connection.run(`CREATE VIEW lake_strict AS SELECT * FROM read_parquet(${list})`);
      await connection.run(`CREATE VIEW lake_meta AS SELECT * FROM parquet_metadata(${list})`);
      await connection.run(`CREATE VIEW lake_schema AS SELECT * FROM parquet_schema(${list})`);
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
