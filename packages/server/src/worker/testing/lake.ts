// Test support: a real SeaweedFS S3 server that can be stopped and started again on the
// same port and data, and an independent read-back of the Parquet objects that landed
// (downloaded with the S3 API, read by a separate DuckDB).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
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

  const listPrefix = async (prefix: string) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  };
  const listAll = (path: string) => listPrefix(`${path}/`);
  const isLedger = (key: string) => key.includes('/.airbyte/');
  const listKeys = async (path: string) => (await listAll(path)).filter((k) => !isLedger(k));

  /** Downloads the data objects under `path` and runs `sql` over them in a separate DuckDB. */
  const query = async (path: string, sql: string) => {
    const keys = await listKeys(path);
    const downloads = await mkdtemp(join(dir, 'download-'));
    const files = await Promise.all(
      keys.map(async (key, i) => {
        const file = join(downloads, `${i}.parquet`);
        await writeFile(file, await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
        return file;
      }),
    );
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      await connection.run(`CREATE VIEW lake AS SELECT * FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`);
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
      db.closeSync();
      await rm(downloads, { recursive: true, force: true });
    }
  };

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
      return (await listKeys(path)).length;
    },
    keys: listPrefix,
    async ledgerCount(path) {
      return (await listAll(path)).filter(isLedger).length;
    },
    async idStats(path) {
      const [row] = await query(path, 'SELECT count(*)::INT AS rows, count(DISTINCT id)::INT AS distinct_ids, min(id)::INT AS min_id, max(id)::INT AS max_id FROM lake');
      return { rows: row.rows as number, distinctIds: row.distinct_ids as number, minId: row.min_id as number, maxId: row.max_id as number };
    },
    query,
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}
