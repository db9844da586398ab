// Test support: a real SeaweedFS S3 server that can be stopped and started again on the
// same port and data, and the shared independent read-back of the objects that landed
// (@platform/connectors/testing's lake reader).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { listKeys, queryParquet } from '@platform/connectors/testing';
import { freePort, SeaweedService, type StartedSeaweedService } from '@platform/services';

export const BUCKET = 'datalake';

export interface TestLake {
  server: StartedSeaweedService;
  /** Stops the S3 server (data kept); `start` brings it back on the same endpoint. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** destination-s3 config writing Parquet under `path`. */
  destinationConfig(path: string): Record<string, unknown>;
  /** Data objects under `path` (the destination's bookkeeping under `.airbyte/` is not data). */
  objectCount(path: string): Promise<number>;
  /** Every key in the bucket starting with `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /** Objects of the destination's bookkeeping (staged files, checkpoints) under `path`. */
  ledgerCount(path: string): Promise<number>;
  /** Row count and distinct `id` values of everything under `path`. */
  idStats(path: string): Promise<{ rows: number; distinctIds: number; minId: number; maxId: number }>;
  /** Runs `sql` over the view `lake` (every data object under `path`); DuckDB's JSON row objects. */
  query(path: string, sql: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export async function startTestLake(dir: string): Promise<TestLake> {
  const dataDir = join(dir, 'seaweed');
  await mkdir(dataDir, { recursive: true });
  const s3Port = await freePort();
  let server = await new SeaweedService({ dataDir, s3Port }).start();
  await server.createBucket(BUCKET);
  let client: S3Client = server.s3Client();

  const listAll = (path: string) => listKeys(client, BUCKET, `${path}/`);
  const isLedger = (key: string) => key.includes('/.airbyte/');
  const dataKeys = async (path: string) => (await listAll(path)).filter((k) => !isLedger(k));
  const query = async (path: string, sql: string) => queryParquet(client, BUCKET, await dataKeys(path), sql, dir);

  return {
    get server() {
      return server;
    },
    async stopServer() {
      client.destroy();
      await server.stop();
    },
    async startServer() {
      server = await new SeaweedService({ dataDir, s3Port }).start();
      client = server.s3Client();
    },
    destinationConfig: (path) => ({
      s3_bucket_name: BUCKET,
      s3_bucket_path: path,
      s3_bucket_region: 'us-east-1',
      s3_endpoint: server.endpoint,
      access_key_id: server.accessKeyId,
      secret_access_key: server.secretAccessKey,
      format: { format_type: 'Parquet', compression_codec: 'ZSTD' },
    }),
    async objectCount(path) {
      return (await dataKeys(path)).length;
    },
    keys: (prefix) => listKeys(client, BUCKET, prefix),
    async ledgerCount(path) {
      return (await listAll(path)).filter(isLedger).length;
    },
    async idStats(path) {
      const [row] = await query(path, 'SELECT count(*)::INT AS rows, count(DISTINCT id)::INT AS distinct_ids, min(id)::INT AS min_id, max(id)::INT AS max_id FROM lake_strict');
      return { rows: row.rows as number, distinctIds: row.distinct_ids as number, minId: row.min_id as number, maxId: row.max_id as number };
    },
    query,
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}
