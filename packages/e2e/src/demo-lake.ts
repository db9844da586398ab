// The seeded demo connection's streams, read back from the lake and from the source, in
// the canonical shape rows compare in (see canonical.ts).
import type { S3Client } from '@aws-sdk/client-s3';
import { listKeys, queryParquet } from '@platform/connectors/testing';
import { byKey, flattenObjects } from './canonical';
import { tableRows, withSourceDb } from './source-db';

export const DEMO_CONNECTION = 'PostgreSQL → MinIO';
export const LAKE_PREFIX = 'airbyte-data/production_public';
/** Each stream's primary key. */
export const STREAMS = { customers: 'id', orders: 'order_id', products: 'product_id' } as const;
export type Stream = keyof typeof STREAMS;
/** Columns the destination adds to every record. */
export const AIRBYTE_COLUMNS = ['_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte_unfit_values'];

/** Every row of the given Parquet objects, as a downstream user reads them (one schema for all files). */
export async function parquetRows(s3: S3Client, bucket: string, keys: string[]): Promise<Record<string, unknown>[]> {
  return keys.length === 0 ? [] : queryParquet(s3, bucket, keys, 'SELECT * FROM lake_strict');
}

/** A stream's Parquet objects and every row in them. */
export async function lakeRows(s3: S3Client, bucket: string, stream: Stream): Promise<{ keys: string[]; rows: Record<string, unknown>[] }> {
  const keys = (await listKeys(s3, bucket, `${LAKE_PREFIX}/${stream}/`)).filter((k) => k.endsWith('.parquet'));
  return { keys, rows: await parquetRows(s3, bucket, keys) };
}

/** The lake's rows of a stream without the destination's own columns, keyed by primary key. */
export function lakeRecords(rows: Record<string, unknown>[], stream: Stream): Map<unknown, unknown> {
  const records = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !AIRBYTE_COLUMNS.includes(column))));
  return byKey(records, STREAMS[stream]);
}

export async function sourceRecords(sourceDbUrl: string, stream: Stream): Promise<Map<unknown, unknown>> {
  const rows = await withSourceDb(sourceDbUrl, (db) => tableRows(db, stream));
  return byKey(rows.map(flattenObjects), STREAMS[stream]);
}
