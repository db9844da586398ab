// Runs both contract suites against tiny in-memory connectors, so the suites themselves are
// tested without any service (the CLI legs need registered connectors and are off here).
import type { AirbyteMessage, AirbyteStream, ConfiguredAirbyteCatalog, ConnectorSpecification } from '@platform/protocol';
import { streamKey, streamStateMessage, streamStatusMessage } from '@platform/protocol';
import { describe, expect, it } from 'vitest';
import type { SourceOutput } from '../framework/batches';
import type { Destination, Source } from '../framework/connector';
import { configError } from '../framework/errors';
import { csvBatchRecords } from '../framework/expand';
import { collectOutput, latestStates } from './collect';
import { runDestinationContractSuite } from './destination-contract';
import { runSourceContractSuite } from './source-contract';

interface MemoryConfig {
  token: string;
}

const spec: ConnectorSpecification = {
  connectionSpecification: {
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string', airbyte_secret: true } },
  },
};

const checkToken = async (config: MemoryConfig) =>
  config?.token === 'good' ? { status: 'SUCCEEDED' as const } : { status: 'FAILED' as const, message: 'token is not valid' };

const rows: Array<{ id: number; name: string | null }> = [
  { id: 1, name: 'a' },
  { id: 2, name: null },
];

const itemsStream: AirbyteStream = {
  name: 'items',
  namespace: 'mem',
  json_schema: { type: 'object', properties: { id: { type: ['null', 'integer'] }, name: { type: ['null', 'string'] } } },
  supported_sync_modes: ['full_refresh', 'incremental'],
};

const memorySource: Source<MemoryConfig> = {
  kind: 'source',
  name: 'memory-source',
  spec: () => spec,
  check: checkToken,
  discover: async () => ({ streams: [itemsStream] }),
  async *read(_config, catalog, state) {
    for (const configured of catalog.streams) {
      if (configured.stream.name !== 'items') throw configError(`Stream ${configured.stream.name} does not exist`);
      const after = configured.sync_mode === 'incremental' ? Number(latestStates(state ?? [])[0]?.stream?.stream_state?.cursor ?? 0) : 0;
      const chosen = rows.filter((r) => r.id > after);
      yield streamStatusMessage({ name: 'items', namespace: 'mem' }, 'STARTED');
      yield { type: 'RECORD_BATCH', stream: 'items', namespace: 'mem', emittedAt: 1, records: chosen };
      yield streamStateMessage({ name: 'items', namespace: 'mem' }, { cursor: Math.max(after, ...chosen.map((r) => r.id)) });
      yield streamStatusMessage({ name: 'items', namespace: 'mem' }, 'COMPLETE');
    }
  },
};

/** Commits a stream's pending rows when a STATE arrives, then acknowledges it. */
function memoryDestination(store: Map<string, Record<string, unknown>[]>): Destination<MemoryConfig> {
  return {
    kind: 'destination',
    name: 'memory-destination',
    spec: () => spec,
    check: checkToken,
    async *write(_config, catalog, input: AsyncIterable<SourceOutput>) {
      for (const s of catalog.streams) if (s.destination_sync_mode === 'overwrite') store.set(streamKey(s.stream), []);
      const pending = new Map<string, Record<string, unknown>[]>();
      const add = (target: { stream: string; namespace?: string | null }, data: Record<string, unknown>) => {
        const key = streamKey({ name: target.stream, namespace: target.namespace });
        pending.set(key, [...(pending.get(key) ?? []), data]);
      };
      for await (const item of input) {
        if (item.type === 'RECORD_BATCH') item.records.forEach((r) => add(item, r));
        else if (item.type === 'CSV_FILE_BATCH') {
          for await (const r of csvBatchRecords(item)) add(item, r);
          await item.release();
        } else if (item.type === 'RECORD') add(item.record, item.record.data);
        else if (item.type === 'STATE') {
          const key = streamKey(item.state.stream!.stream_descriptor);
          store.set(key, [...(store.get(key) ?? []), ...(pending.get(key) ?? [])]);
          pending.delete(key);
          yield item as AirbyteMessage;
        }
      }
    },
  };
}

runSourceContractSuite({
  name: 'memory-source',
  connector: memorySource,
  cli: false,
  expectedSecrets: ['token'],
  setup: async () => {
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream: itemsStream, sync_mode: 'incremental', cursor_field: ['id'], destination_sync_mode: 'append' }] };
    return {
      config: { token: 'good' },
      invalidConfig: { token: 'bad' },
      configuredCatalog: catalog,
      expectedRecords: rows.map((data) => ({ stream: 'items', namespace: 'mem', data })),
      state: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'items', namespace: 'mem' }, stream_state: { cursor: 1 } } }],
      expectedRecordsAfterState: [{ stream: 'items', namespace: 'mem', data: { id: 2, name: null } }],
      addRecords: async () => {
        rows.push({ id: 3, name: 'c' });
        return [{ stream: 'items', namespace: 'mem', data: { id: 3, name: 'c' } }];
      },
    };
  },
});

const store = new Map<string, Record<string, unknown>[]>();
runDestinationContractSuite({
  name: 'memory-destination',
  connector: memoryDestination(store),
  cli: false,
  setup: async () => ({
    config: { token: 'good' },
    invalidConfig: { token: 'bad' },
    configuredCatalog: { streams: [{ stream: itemsStream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] },
    records: [
      { stream: 'items', namespace: 'mem', data: { id: 1, name: 'Zoë, "quoted"' } },
      { stream: 'items', namespace: 'mem', data: { id: 2, name: null } },
      { stream: 'items', namespace: 'mem', data: { id: 3, name: '' } },
    ],
    readBack: async (d) => store.get(streamKey(d)) ?? [],
  }),
});

describe('collectOutput', () => {
  it('expands batches, keeps a thrown error with the output before it, and tracks the last state', async () => {
    async function* failing(): AsyncGenerator<SourceOutput> {
      yield { type: 'RECORD_BATCH', stream: 's', emittedAt: 1, records: [{ a: 1 }, { a: 2 }] };
      yield streamStateMessage({ name: 's' }, { n: 2 });
      throw configError('boom');
    }
    const out = await collectOutput(failing());
    expect(out.records.map((r) => r.data)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(out.lastState?.stream?.stream_state).toEqual({ n: 2 });
    expect(out.thrown).toMatchObject({ failureType: 'config_error', message: 'boom' });
  });
});
