// The destination contract: spec, check good/bad, STATE acknowledged only after the records
// before it are committed, overwrite and append semantics, and the CLI `write` path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  streamKey,
  streamStateMessage,
  type AirbyteMessage,
  type ConfiguredAirbyteCatalog,
  type DestinationSyncMode,
  type StreamDescriptor,
} from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { Destination } from '../framework/connector';
import { expectUserMessage, expectValidSpec, recordLines } from './assertions';
import { csvFileBatch, recordBatch } from './batches';
import { runConnectorProcess } from './cli';
import type { ExpectedRecord } from './fixtures';
import { quietContext, SLOW, type ContractOptions } from './contract-options';

export interface DestinationContractFixture<C> {
  config: C;
  invalidConfig: unknown;
  /** Streams to write; the suite sets destination_sync_mode itself. */
  configuredCatalog: ConfiguredAirbyteCatalog;
  /** At least two records per configured stream. */
  records: ExpectedRecord[];
  /** What the destination now holds for a stream, as JSON values; fields the records do not have (e.g. _airbyte_*) are ignored. */
  readBack(stream: StreamDescriptor): Promise<Record<string, unknown>[]>;
}

export type DestinationContractOptions<C> = ContractOptions<Destination<C>, DestinationContractFixture<C>>;

/** A destination that failed mid-way may not have released its files; release() is idempotent. */
const releaseAll = (items: SourceOutput[]) => Promise.all(items.map((i) => (i.type === 'CSV_FILE_BATCH' ? i.release() : undefined)));

export function runDestinationContractSuite<C>(options: DestinationContractOptions<C>): void {
  const { connector, name } = options;
  const cli = options.cli !== false;

  describe(`${name} destination contract`, () => {
    let fixture: DestinationContractFixture<C>;
    const streams = () => fixture.configuredCatalog.streams.map((s) => ({ name: s.stream.name, namespace: s.stream.namespace ?? null }));
    const recordsOf = (d: StreamDescriptor) => fixture.records.filter((r) => r.stream === d.name && (r.namespace ?? null) === (d.namespace ?? null));
    const withMode = (mode: DestinationSyncMode): ConfiguredAirbyteCatalog => ({
      streams: fixture.configuredCatalog.streams.map((s) => ({ ...s, destination_sync_mode: mode })),
    });
    /** Stored rows of a stream, projected onto the fields the fixture records carry. */
    const stored = async (d: StreamDescriptor, keys: string[]) => {
      const rows = await fixture.readBack(d);
      return recordLines(rows.map((row) => ({ stream: d.name, namespace: d.namespace, data: Object.fromEntries(keys.map((k) => [k, row[k] ?? null])) })));
    };
    const keysOf = (records: ExpectedRecord[]) => [...new Set(records.flatMap((r) => Object.keys(r.data)))];

    /** Per stream: the first half as a RecordBatch, a STATE, the rest as a CSV file, a STATE. */
    async function inputFor(only?: (records: ExpectedRecord[]) => ExpectedRecord[]): Promise<{ items: SourceOutput[]; before: Map<AirbyteMessage, ExpectedRecord[]> }> {
      const items: SourceOutput[] = [];
      const before = new Map<AirbyteMessage, ExpectedRecord[]>();
      for (const [i, configured] of fixture.configuredCatalog.streams.entries()) {
        const d = streams()[i];
        const records = (only ?? ((r) => r))(recordsOf(d));
        const half = Math.ceil(records.length / 2);
        const first = streamStateMessage(d, { contract_checkpoint: 1 });
        const second = streamStateMessage(d, { contract_checkpoint: 2 });
        const properties = (configured.stream.json_schema as { properties: Record<string, Record<string, unknown>> }).properties;
        items.push(recordBatch({ stream: d.name, namespace: d.namespace }, records.slice(0, half).map((r) => r.data)), first);
        before.set(first, records.slice(0, half));
        if (records.length > half) items.push(await csvFileBatch({ stream: d.name, namespace: d.namespace }, records.slice(half).map((r) => r.data), properties));
        items.push(second);
        before.set(second, records);
      }
      return { items, before };
    }

    async function write(mode: DestinationSyncMode, items: SourceOutput[]): Promise<AirbyteMessage[]> {
      const out: AirbyteMessage[] = [];
      try {
        for await (const m of connector.write(fixture.config, withMode(mode), (async function* () { yield* items; })(), quietContext)) out.push(m);
      } finally {
        await releaseAll(items);
      }
      return out;
    }

    beforeAll(async () => {
      fixture = await options.setup();
    }, SLOW);
    afterAll(async () => {
      await options.teardown?.();
    }, SLOW);

    it('spec is a valid JSON Schema with its secrets marked', async () => {
      expectValidSpec(connector.spec(), options.expectedSecrets);
      if (cli) expect((await runConnectorProcess(name, 'spec', { env: options.cliEnv })).spec).toEqual(connector.spec());
    }, SLOW);

    it('check with a good config succeeds', async () => {
      expect(await connector.check(fixture.config, quietContext)).toEqual({ status: 'SUCCEEDED' });
      if (cli) expect((await runConnectorProcess(name, 'check', { config: fixture.config, env: options.cliEnv })).connectionStatus).toMatchObject({ status: 'SUCCEEDED' });
    }, SLOW);

    it('check with an invalid config fails with a message naming the cause', async () => {
      const status = await connector.check(fixture.invalidConfig as C, quietContext);
      expect(status.status).toBe('FAILED');
      expectUserMessage(status.message);
    }, SLOW);

    it('overwrite leaves exactly the written records', async () => {
      const { items } = await inputFor();
      await write('overwrite', items);
      for (const d of streams()) expect(await stored(d, keysOf(recordsOf(d)))).toEqual(recordLines(recordsOf(d)));
    }, SLOW);

    it('append acknowledges each STATE only after the records before it are committed', async () => {
      const { items, before } = await inputFor();
      const inputStates = items.filter((i): i is AirbyteMessage & { type: 'STATE' } => i.type === 'STATE');
      const acked: AirbyteMessage[] = [];
      const existing = new Map(await Promise.all(streams().map(async (d) => [streamKey(d), await stored(d, keysOf(recordsOf(d)))] as const)));
      try {
        for await (const m of connector.write(fixture.config, withMode('append'), (async function* () { yield* items; })(), quietContext)) {
          if (m.type !== 'STATE') continue;
          acked.push(m);
          const input = inputStates.find((s) => JSON.stringify(s.state) === JSON.stringify(m.state));
          expect(input, 'an acknowledged STATE is one of the input states').toBeDefined();
          const d = m.state.stream!.stream_descriptor;
          // Committed = the earlier rows plus everything written before this state, as a multiset.
          const expected = [...existing.get(streamKey(d))!, ...recordLines(before.get(input!)!)].sort();
          const now = await stored(d, keysOf(recordsOf(d)));
          for (const line of new Set(expected)) expect(now.filter((l) => l === line).length).toBeGreaterThanOrEqual(expected.filter((l) => l === line).length);
        }
      } finally {
        await releaseAll(items);
      }
      expect(acked.map((m) => m.type === 'STATE' && m.state)).toEqual(inputStates.map((s) => s.state));
      for (const d of streams()) expect(await stored(d, keysOf(recordsOf(d)))).toEqual([...recordLines(recordsOf(d)), ...recordLines(recordsOf(d))].sort());
    }, SLOW);

    it('overwrite replaces what append left, also through the CLI write path', async () => {
      const firstOnly = (records: ExpectedRecord[]) => records.slice(0, 1);
      if (cli) {
        const stdin: AirbyteMessage[] = [];
        for (const d of streams()) {
          for (const r of firstOnly(recordsOf(d))) stdin.push({ type: 'RECORD', record: { stream: d.name, namespace: d.namespace ?? undefined, data: r.data, emitted_at: Date.now() } });
          stdin.push(streamStateMessage(d, { contract_checkpoint: 3 }));
        }
        const result = await runConnectorProcess(name, 'write', { config: fixture.config, catalog: withMode('overwrite'), stdin, env: options.cliEnv });
        expect(result.errors).toEqual([]);
        expect(result.exitCode).toBe(0);
        expect(result.states).toHaveLength(streams().length);
      } else {
        await write('overwrite', (await inputFor(firstOnly)).items);
      }
      for (const d of streams()) expect(await stored(d, keysOf(recordsOf(d)))).toEqual(recordLines(firstOnly(recordsOf(d))));
    }, SLOW);
  });
}
