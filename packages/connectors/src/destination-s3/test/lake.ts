// Test support: a real SeaweedFS S3 server, configs pointing at it, and an independent
// read-back of what landed (objects listed with the SDK, Parquet read by a separate DuckDB).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { SeaweedService, type StartedSeaweedService } from '@platform/services';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, DestinationSyncMode, JsonSchema } from '@platform/protocol';
import type { CsvFileBatch, SourceOutput } from '../../framework/batches';
import type { Destination, DestinationContext } from '../../framework/connector';
import type { S3DestinationConfig } from '../config';

export const BUCKET = 'lake';

export interface Lake {
  server: StartedSeaweedService;
  client: S3Client;
  dir: string;
  stop(): Promise<void>;
}

export async function startLake(): Promise<Lake> {
  const dir = await mkdtemp(join(tmpdir(), 'destination-s3-test-'));
  const server = await new SeaweedService({ dataDir: join(dir, 'seaweed') }).start();
  await server.createBucket(BUCKET);
  const client = server.s3Client();
  return {
    server,
    client,
    dir,
    async stop() {
      client.destroy();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function lakeConfig(lake: Lake, overrides: Partial<S3DestinationConfig> = {}): S3DestinationConfig {
  return {
    s3_bucket_name: BUCKET,
    s3_bucket_path: 'airbyte-data',
    s3_bucket_region: 'us-east-1',
    s3_endpoint: lake.server.endpoint,
    access_key_id: lake.server.accessKeyId,
    secret_access_key: lake.server.secretAccessKey,
    format: { format_type: 'Parquet', compression_codec: 'ZSTD' },
    ...overrides,
  };
}

export function configuredStream(name: string, properties: Record<string, JsonSchema>, mode: DestinationSyncMode = 'overwrite', namespace = 'public'): ConfiguredAirbyteStream {
  return {
    stream: { name, namespace, json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh'] },
    sync_mode: 'full_refresh',
    destination_sync_mode: mode,
  };
}

export const catalogOf = (...streams: ConfiguredAirbyteStream[]): ConfiguredAirbyteCatalog => ({ streams });

export function stateOf(name: string, value: number, namespace = 'public'): AirbyteMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name, namespace }, stream_state: { cursor: value } } } };
}

/** A CSV chunk as PostgreSQL COPY writes it; `released` turns true once the destination lets go. */
export async function csvBatch(dir: string, stream: ConfiguredAirbyteStream, csv: string, rowCount: number): Promise<CsvFileBatch & { released: boolean }> {
  const path = join(dir, `chunk-${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(path, csv);
  const properties = stream.stream.json_schema.properties as Record<string, JsonSchema>;
  const batch = {
    type: 'CSV_FILE_BATCH' as const,
    stream: stream.stream.name,
    namespace: stream.stream.namespace,
    emittedAt: Date.UTC(2025, 9, 16, 10, 0, 0, 123),
    path,
    columns: Object.entries(properties).map(([name, schema]) => ({ name, schema })),
    rowCount,
    byteCount: csv.length,
    released: false,
    async release() {
      batch.released = true;
      await rm(path, { force: true });
    },
  };
  return batch;
}

export async function* inputOf(...items: SourceOutput[]): AsyncGenerator<SourceOutput> {
  yield* items;
}

const quiet = { log: () => undefined };

/** Runs a write to the end; returns what it yielded, or the error it threw with what came before. */
export async function runWrite(
  destination: Destination<S3DestinationConfig>,
  config: S3DestinationConfig,
  catalog: ConfiguredAirbyteCatalog,
  input: AsyncIterable<SourceOutput>,
  ctx: Omit<DestinationContext, 'log'> = {},
): Promise<{ messages: AirbyteMessage[]; thrown?: unknown }> {
  const messages: AirbyteMessage[] = [];
  try {
    for await (const m of destination.write(config, catalog, input, { ...quiet, ...ctx })) messages.push(m);
  } catch (thrown) {
    return { messages, thrown };
  }
  return { messages };
}

export async function listKeys(lake: Lake, prefix = ''): Promise<string[]> {
  const out = await lake.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

export async function getObject(lake: Lake, key: string): Promise<Buffer> {
  const out = await lake.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/**
 * Downloads Parquet objects and runs `sql` in a fresh DuckDB over the views `lake` (their rows),
 * `lake_meta` (their parquet_metadata), `lake_schema` (their parquet_schema) and `lake_strict`
 * (their rows read without union_by_name, which needs every file to have the same schema).
 */
export async function queryParquet(lake: Lake, keys: string[], sql: string): Promise<Record<string, unknown>[]> {
  const dir = await mkdtemp(join(lake.dir, 'download-'));
  const files = await Promise.all(
    keys.map(async (key, i) => {
      const file = join(dir, `${i}.parquet`);
      await writeFile(file, await getObject(lake, key));
      return file;
    }),
  );
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
    await connection.run(`CREATE VIEW lake AS SELECT * FROM read_parquet(${list}, union_by_name = true)`);
    await connection.run(`CREATE VIEW lake_meta AS SELECT * FROM parquet_metadata(${list})`);
    await connection.run(`CREATE VIEW lake_schema AS SELECT * FROM parquet_schema(${list})`);
    await connection.run(`CREATE VIEW lake_strict AS SELECT * FROM read_parquet(${list})`);
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    db.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
