// The benchmark's dataset: rows shaped like a synced stream (destination-s3's Airbyte columns,
// Parquet GZIP, row groups of 61,440 rows, ~1M rows per file), written once to local disk and
// uploaded byte for byte to S3, so the service and the baseline read the same files.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';

const ROWS_PER_FILE = 1_000_000;
export const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'];

export interface LakeDataset {
  localDir: string;
  /** Key prefix in the bucket: <prefix>/part_N.parquet */
  prefix: string;
  files: number;
  bytes: number;
}

export async function writeDataset(rows: number, localDir: string, s3: S3Client, bucket: string, prefix: string): Promise<LakeDataset> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const files = Math.ceil(rows / ROWS_PER_FILE);
    for (let part = 0; part < files; part++) {
      const first = part * ROWS_PER_FILE + 1;
      const last = Math.min(rows, first + ROWS_PER_FILE - 1);
      await connection.run(`COPY (
          SELECT uuid()::VARCHAR AS _airbyte_ab_id, TIMESTAMPTZ '2025-10-16 00:00:00+00' AS _airbyte_emitted_at,
            i::BIGINT AS id, 'customer ' || (i % 100000) AS customer, (i % 1000) * 1.25 + 0.99 AS amount,
            ['${STATUSES.join("','")}'][1 + (i % 5)::INTEGER] AS status, TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_seconds(i) AS created_at
          FROM range(${first}, ${last + 1}) t(i))
        TO '${join(localDir, `part_${part}.parquet`)}' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 61440)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  let bytes = 0;
  const names = (await readdir(localDir)).filter((f) => f.endsWith('.parquet'));
  for (const name of names) {
    const body = await readFile(join(localDir, name));
    bytes += body.length;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${name}`, Body: body }));
  }
  return { localDir, prefix, files: names.length, bytes };
}
