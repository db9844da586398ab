// Reading the S3 lake the way a downstream user would: list a stream's objects, download
// them, read them with DuckDB's read_parquet.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import type { PlatformHandle } from '@platform/launcher';

export function lakeClient(platform: PlatformHandle): S3Client {
  const { endpoint, region, accessKeyId, secretAccessKey } = platform.s3;
  return new S3Client({
    endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** Every row of the given Parquet objects, read by DuckDB from local copies. */
export async function readParquetRows(s3: S3Client, bucket: string, keys: string[]): Promise<Record<string, unknown>[]> {
  if (keys.length === 0) return [];
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-lake-'));
  try {
    const files = await Promise.all(
      keys.map(async (key, i) => {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const file = path.join(dir, `${i}.parquet`);
        writeFileSync(file, await object.Body!.transformToByteArray());
        return file;
      }),
    );
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const list = files.map((f) => `'${f}'`).join(', ');
      const result = await connection.runAndReadAll(`SELECT * FROM read_parquet([${list}])`);
      return result.getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
