// Connectors for worker tests only (design example 11), registered through
// PLATFORM_EXTRA_CONNECTORS, never in the product's registry:
//  - test-counter-source: numbered records in batches, STATE every `state_every` records;
//    resumes after the state's cursor (a full refresh, like source-postgres's resumable one,
//    only until it completed); can fail after N records, fail some streams alone (as
//    source-postgres does) or hold memory until it runs out; has a secret `password`.
//  - test-jsonl-destination: appends records to <directory>/<namespace>.<stream>.jsonl and
//    acknowledges a STATE only after the lines before it are on disk; overwrite streams
//    are replaced at the end; can fail (counted across attempts in a file), fail some
//    streams alone, or go slow.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ConnectorError, StreamsFailedError, type ConnectorDefinition, type Destination, type Source, type SourceOutput } from '@platform/connectors';
import { errorTraceMessage, streamStatusMessage, type AirbyteMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type FailureType } from '@platform/protocol';

export const TEST_SOURCE_ID = '00000000-0000-4000-8000-00000000a001';
export const TEST_DESTINATION_ID = '00000000-0000-4000-8000-00000000a002';

export interface TestSourceConfig {
  records: number;
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

export interface TestDestinationConfig {
  directory: string;
  /** Fail the first `times` runs (counted in `counter_file`) once `after_records` records arrived. */
  fail?: { times: number; after_records: number; failure_type: FailureType; counter_file: string };
  /** Streams whose first records fail them alone (an ERROR trace naming them); the others are written on. */
  fail_streams?: string[];
}

const schema = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', required, properties });

export const testCounterSource: Source<TestSourceConfig> = {
  kind: 'source',
  name: 'test-counter-source',
  spec: () => ({
    connectionSpecification: schema(
      {
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
      ['records'],
    ),
  }),
  check: async () => ({ status: 'SUCCEEDED' }),
  discover: async () => ({
    streams: [{ name: 'numbers', namespace: 'public', json_schema: schema({ id: { type: 'integer' } }, []), supported_sync_modes: ['full_refresh', 'incremental'] }],
  }),
  async *read(config, catalog, state, ctx): AsyncGenerator<SourceOutput> {
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
      while (next <= config.records) {
        ctx.signal?.throwIfAborted();
        if (config.fail_after_records !== undefined && next > config.fail_after_records) {
          throw new ConnectorError(`injected source failure (password ${config.password})`, config.failure_type ?? 'system_error');
        }
        const count = Math.min(batchSize, config.records - next + 1);
        const records = Array.from({ length: count }, (_, i) => ({ id: next + i }));
        next += count;
        sinceState += count;
        yield { type: 'RECORD_BATCH', stream: stream.name, namespace: stream.namespace, emittedAt: Date.now(), records };
        if (sinceState >= stateEvery || next > config.records) {
          sinceState = 0;
          const complete = sync_mode === 'full_refresh' && next > config.records;
          const streamState = complete ? { complete: true } : { cursor: next - 1 };
          yield { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream.name, namespace: stream.namespace }, stream_state: streamState } } };
        }
        if (config.delay_ms) await delay(config.delay_ms);
      }
    }
    if (failures.length > 0) throw new StreamsFailedError(failures);
  },
};

export const testJsonlDestination: Destination<TestDestinationConfig> = {
  kind: 'destination',
  name: 'test-jsonl-destination',
  spec: () => ({
    connectionSpecification: schema({ directory: { type: 'string' }, fail: { type: 'object' }, fail_streams: { type: 'array', items: { type: 'string' } } }, ['directory']),
    supported_destination_sync_modes: ['overwrite', 'append'],
  }),
  check: async () => ({ status: 'SUCCEEDED' }),
  async *write(config, catalog: ConfiguredAirbyteCatalog, input, ctx): AsyncGenerator<AirbyteMessage> {
    const run = config.fail ? nextRunNumber(config.fail.counter_file) : 0;
    const file = (stream: string, namespace?: string | null) => join(config.directory, `${namespace ?? '_'}.${stream}.jsonl`);
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

export const connectorDefinitions: ConnectorDefinition[] = [
  {
    id: TEST_SOURCE_ID,
    kind: 'source',
    name: testCounterSource.name,
    displayName: 'Test counter source',
    dockerRepository: 'platform/test-counter-source',
    dockerImageTag: 'test',
    documentationUrl: 'https://example.invalid/test',
    load: async () => testCounterSource,
  },
  {
    id: TEST_DESTINATION_ID,
    kind: 'destination',
    name: testJsonlDestination.name,
    displayName: 'Test JSONL destination',
    dockerRepository: 'platform/test-jsonl-destination',
    dockerImageTag: 'test',
    documentationUrl: 'https://example.invalid/test',
    load: async () => testJsonlDestination,
  },
];
