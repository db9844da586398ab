// Test support: a real SeaweedFS S3 server, configs pointing at it, and the shared independent
// read-back of what landed (testing/lake-reader.ts) bound to it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { SeaweedService, type StartedSeaweedService } from '@platform/services';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, DestinationSyncMode, JsonSchema } from '@platform/protocol';
import type { CsvFileBatch, SourceOutput } from '../../framework/batches';
import type { Destination, DestinationContext } from '../../framework/connector';
import { getObject as lakeObject, listKeys as lakeKeys, queryParquet as lakeQuery } from '../../testing/lake-reader';
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

export const listKeys = (lake: Lake, prefix = '') => lakeKeys(lake.client, BUCKET, prefix);
export const getObject = (lake: Lake, key: string) => lakeObject(lake.client, BUCKET, key);
/** `sql` over the Parquet objects `keys` (views `lake`, `lake_strict`, `lake_meta`, `lake_schema`: see testing/lake-reader.ts). */
export const queryParquet = (lake: Lake, keys: string[], sql: string) => lakeQuery(lake.client, BUCKET, keys, sql, lake.dir);
