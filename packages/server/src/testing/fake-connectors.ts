// The server's test connectors, one family for API, scheduler and worker tests (design example
// 11), registered next to the real ones by useTestConnectors() and never in the product's
// registry. The replication children the worker starts load this module too, through
// PLATFORM_EXTRA_CONNECTORS (it exports `connectorDefinitions`).
//  - source-fake: a secret `api_key` and controllable check/discover (behaviour ok | fail |
//    hang | throw) over a known catalog; reads numbered records for every configured stream,
//    in batches, STATE every `state_every` records, resuming after the state's cursor (a full
//    refresh, like source-postgres's resumable one, only until it completed); can fail after
//    N records, fail some streams alone (as source-postgres does) or hold memory until it runs
//    out; its secret `password` shows up in its log lines, which must be scrubbed.
//  - destination-fake: supports every sync mode (the real S3 destination supports overwrite and
//    append only); appends records to <directory>/<namespace>.<stream>.jsonl (append_dedup as
//    append) and acknowledges a STATE only after the lines before it are on disk; overwrite
//    streams are replaced at the end; can fail (counted across attempts in a file) or fail
//    some streams alone.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  CONNECTOR_DEFINITIONS,
  configError,
  ConnectorError,
  findDefinition,
  StreamsFailedError,
  type ConnectorDefinition,
  type Destination,
  type Source,
  type SourceOutput,
} from '@platform/connectors';
import { errorTraceMessage, streamStatusMessage, type AirbyteCatalog, type AirbyteMessage, type AirbyteStateMessage, type FailureType } from '@platform/protocol';

export const FAKE_SOURCE_ID = '00000000-0000-4000-8000-0000000f0001';
export const FAKE_DESTINATION_ID = '00000000-0000-4000-8000-0000000f0002';
export const POSTGRES_SOURCE_DEFINITION_ID = findDefinition('source-postgres')!.id;
export const S3_DESTINATION_DEFINITION_ID = findDefinition('destination-s3')!.id;

/** A destination-s3 config pointing at a closed port: enough for the API, never reached. */
export const S3_CONFIG = {
  s3_bucket_name: 'datalake',
  s3_bucket_path: 'airbyte-data',
  s3_bucket_region: 'us-east-1',
  s3_endpoint: 'http://127.0.0.1:1',
  access_key_id: 'AKIA-TEST-KEY',
  secret_access_key: 's3-secret-value-123',
  format: { format_type: 'Parquet', compression_codec: 'GZIP', block_size_mb: 128 },
};

export const FAKE_CATALOG: AirbyteCatalog = {
  streams: [
    {
      name: 'customers',
      namespace: 'public',
      json_schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, updated_at: { type: 'string' } } },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_primary_key: [['id']],
      default_cursor_field: ['updated_at'],
    },
    {
      name: 'orders',
      namespace: 'public',
      json_schema: { type: 'object', properties: { order_id: { type: 'integer' }, created_at: { type: 'string' } } },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_primary_key: [['order_id']],
    },
    {
      name: 'events',
      namespace: 'public',
      json_schema: { type: 'object', properties: { payload: { type: 'object' } } },
      supported_sync_modes: ['full_refresh'],
    },
  ],
};

export interface FakeSourceConfig {
  api_key?: string;
  /** "fail" makes check report FAILED (echoing the key, which must be scrubbed); "hang" never answers; "throw" throws a config error. */
  behaviour?: 'ok' | 'fail' | 'hang' | 'throw';
  start_date?: string;
  /** Records per configured stream (none when left out). */
  records?: number;
  batch_size?: number;
  state_every?: number;
  /** Pause per batch, to make a sync last long enough to kill or cancel. */
  delay_ms?: number;
  password?: string;
  fail_after_records?: number;
  failure_type?: FailureType;
  /** Keeps about this many MiB of heap alive before reading, to exceed a heap limit. */
  hold_mb?: number;
  /** Streams that fail alone: INCOMPLETE and an ERROR trace naming them, the others read on. */
  fail_streams?: string[];
}

export interface FakeDestinationConfig {
  /** Where the streams' .jsonl files go; needed to write, not to check. */
  directory?: string;
  password?: string;
  /** Fail the first `times` runs (counted in `counter_file`) once `after_records` records arrived. */
  fail?: { times: number; after_records: number; failure_type: FailureType; counter_file: string };
  /** Streams whose first records fail them alone (an ERROR trace naming them); the others are written on. */
  fail_streams?: string[];
}

const hang = (signal?: AbortSignal) => new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));

export const fakeSource: Source<FakeSourceConfig> = {
  kind: 'source',
  name: 'source-fake',
  spec: () => ({
    connectionSpecification: {
      type: 'object',
      properties: {
        api_key: { type: 'string', airbyte_secret: true },
        behaviour: { type: 'string', enum: ['ok', 'fail', 'hang', 'throw'], default: 'ok' },
        start_date: { type: 'string' },
        records: { type: 'integer' },
        batch_size: { type: 'integer' },
        state_every: { type: 'integer' },
        delay_ms: { type: 'integer' },
        password: { type: 'string', airbyte_secret: true },
        fail_after_records: { type: 'integer' },
        failure_type: { type: 'string' },
        hold_mb: { type: 'integer' },
        fail_streams: { type: 'array', items: { type: 'string' } },
      },
    },
  }),
  async check(config, ctx) {
    if (config.api_key !== undefined) ctx.log('INFO', `checking with key ${config.api_key}`);
    if (config.behaviour === 'hang') return hang(ctx.signal);
    if (config.behaviour === 'throw') throw configError(`API key ${config.api_key} was rejected`);
    if (config.behaviour === 'fail') return { status: 'FAILED', message: `401 Unauthorized for key ${config.api_key}` };
    return { status: 'SUCCEEDED' };
  },
  async discover(config, ctx) {
    if (config.behaviour === 'hang') return hang(ctx.signal);
    if (config.behaviour === 'throw') throw configError('The API refused to list tables');
    return structuredClone(FAKE_CATALOG);
  },
  async *read(config, catalog, state, ctx): AsyncGenerator<SourceOutput> {
    const records = config.records ?? 0;
    const batchSize = config.batch_size ?? 100;
    const stateEvery = config.state_every ?? batchSize;
    ctx.log('INFO', `reading with password ${config.password ?? '(none)'}`);
    // About 1 MiB of heap per array of 128k small integers.
    const held: number[][] = [];
    for (let mb = 0; mb < (config.hold_mb ?? 0); mb++) held.push(Array.from({ length: 128 * 1024 }, (_, i) => i + mb));
    const failures: StreamsFailedError['failures'] = [];
    for (const { stream, sync_mode } of catalog.streams) {
      if (config.fail_streams?.includes(stream.name)) {
        const descriptor = { name: stream.name, namespace: stream.namespace };
        const error = new ConnectorError(`injected failure of stream ${stream.name}`, 'system_error');
        failures.push({ stream: descriptor, error });
        yield streamStatusMessage(descriptor, 'INCOMPLETE');
        yield errorTraceMessage(error.message, error.failureType, undefined, descriptor);
        continue;
      }
      const saved = state?.find((s) => s.stream?.stream_descriptor.name === stream.name)?.stream?.stream_state as { cursor?: number; complete?: boolean } | undefined;
      let next = sync_mode === 'full_refresh' && saved?.complete ? 1 : (saved?.cursor ?? 0) + 1;
      let sinceState = 0;
      while (next <= records) {
        ctx.signal?.throwIfAborted();
        if (config.fail_after_records !== undefined && next > config.fail_after_records) {
          throw new ConnectorError(`injected source failure (password ${config.password})`, config.failure_type ?? 'system_error');
        }
        const count = Math.min(batchSize, records - next + 1);
        const batch = Array.from({ length: count }, (_, i) => ({ id: next + i }));
        next += count;
        sinceState += count;
        yield { type: 'RECORD_BATCH', stream: stream.name, namespace: stream.namespace, emittedAt: Date.now(), records: batch };
        if (sinceState >= stateEvery || next > records) {
          sinceState = 0;
          const complete = sync_mode === 'full_refresh' && next > records;
          const streamState = complete ? { complete: true } : { cursor: next - 1 };
          yield { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream.name, namespace: stream.namespace }, stream_state: streamState } } };
        }
        if (config.delay_ms) await delay(config.delay_ms);
      }
    }
    if (failures.length > 0) throw new StreamsFailedError(failures);
  },
};

export const fakeDestination: Destination<FakeDestinationConfig> = {
  kind: 'destination',
  name: 'destination-fake',
  spec: () => ({
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    connectionSpecification: {
      type: 'object',
      properties: {
        directory: { type: 'string' },
        password: { type: 'string', airbyte_secret: true },
        fail: { type: 'object' },
        fail_streams: { type: 'array', items: { type: 'string' } },
      },
    },
  }),
  check: async () => ({ status: 'SUCCEEDED' }),
  async *write(config, catalog, input, ctx): AsyncGenerator<AirbyteMessage> {
    const directory = config.directory;
    if (!directory) throw configError('destination-fake needs a directory to write to');
    const run = config.fail ? nextRunNumber(config.fail.counter_file) : 0;
    const file = (stream: string, namespace?: string | null) => join(directory, `${namespace ?? '_'}.${stream}.jsonl`);
    const overwrite = new Set(catalog.streams.filter((s) => s.destination_sync_mode === 'overwrite').map((s) => file(s.stream.name, s.stream.namespace)));
    // Overwrite streams are staged and swapped in at the end; append streams grow in place.
    const target = (path: string) => (overwrite.has(path) ? `${path}.staged` : path);
    for (const path of overwrite) writeFileSync(target(path), '');
    let received = 0;
    const failed = new Set<string>();
    let pending = new Map<string, string[]>();
    const commit = () => {
      for (const [path, lines] of pending) appendFileSync(target(path), lines.join(''));
      pending = new Map();
    };
    for await (const item of input) {
      if (item.type === 'RECORD_BATCH' && config.fail_streams?.includes(item.stream)) {
        if (!failed.has(item.stream)) yield errorTraceMessage(`injected destination failure of stream ${item.stream}`, 'system_error', undefined, { name: item.stream, namespace: item.namespace });
        failed.add(item.stream);
      } else if (item.type === 'STATE' && item.state.stream && failed.has(item.state.stream.stream_descriptor.name)) {
        // A failed stream's state is never acknowledged.
      } else if (item.type === 'RECORD_BATCH') {
        const path = file(item.stream, item.namespace);
        pending.set(path, [...(pending.get(path) ?? []), ...item.records.map((r) => JSON.stringify(r) + '\n')]);
        received += item.records.length;
      } else if (item.type === 'STATE') {
        commit();
        yield { type: 'STATE', state: item.state as AirbyteStateMessage };
      }
      if (config.fail && run <= config.fail.times && received >= config.fail.after_records) {
        throw new ConnectorError(`injected destination failure on run ${run}`, config.fail.failure_type);
      }
    }
    commit();
    const failedPaths = new Set(catalog.streams.filter((s) => failed.has(s.stream.name)).map((s) => file(s.stream.name, s.stream.namespace)));
    for (const path of overwrite) if (!failedPaths.has(path)) renameSync(target(path), path);
    ctx.log('INFO', `wrote ${received} records`);
  },
};

function nextRunNumber(counterFile: string): number {
  const run = (existsSync(counterFile) ? Number(readFileSync(counterFile, 'utf8')) : 0) + 1;
  writeFileSync(counterFile, String(run));
  return run;
}

const definition = (kind: 'source' | 'destination', id: string, displayName: string, connector: Source<any> | Destination<any>): ConnectorDefinition => ({
  id,
  kind,
  name: connector.name,
  displayName,
  dockerRepository: `airbyte/${connector.name}`,
  dockerImageTag: '0.0.1',
  documentationUrl: 'https://example.invalid/docs',
  load: async () => connector,
});

export const connectorDefinitions: ConnectorDefinition[] = [
  definition('source', FAKE_SOURCE_ID, 'Fake API', fakeSource),
  definition('destination', FAKE_DESTINATION_ID, 'Fake Warehouse', fakeDestination),
];

/**
 * Registers the fake connectors for this process and the replication children it starts
 * (through PLATFORM_EXTRA_CONNECTORS); returns every definition, real and fake.
 */
export function useTestConnectors(): ConnectorDefinition[] {
  process.env.PLATFORM_EXTRA_CONNECTORS = fileURLToPath(import.meta.url);
  return [...CONNECTOR_DEFINITIONS, ...connectorDefinitions];
}
