// THE source contract (design example 10): every source runs these against a real service.
// The suite reads in-process (what the worker does) and through the CLI (what an orchestrator
// running an Airbyte image does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '@platform/protocol';
import type { Source } from '../framework/connector';
import { ConnectorError } from '../framework/errors';
import { expectSameRecords, expectUserMessage, expectValidSpec } from './assertions';
import { runConnectorProcess } from './cli';
import { collectOutput, latestStates } from './collect';
import type { ExpectedRecord } from './fixtures';
import { quietContext, SLOW, type ContractOptions } from './contract-options';

export interface SourceContractFixture<C> {
  config: C;
  /** A config that must make `check` answer FAILED (e.g. one violating the spec). */
  invalidConfig: unknown;
  /** Streams to read; those with sync_mode incremental also run the incremental tests. */
  configuredCatalog: ConfiguredAirbyteCatalog;
  /** What a full refresh of every configured stream returns, in any order. */
  expectedRecords?: ExpectedRecord[];
  /** An input state for the incremental streams, and the records a read from it returns. */
  state?: AirbyteStateMessage[];
  expectedRecordsAfterState?: ExpectedRecord[];
  /** Adds rows to the incremental streams' source; resolves to the records a resumed read must return. */
  addRecords?(): Promise<ExpectedRecord[]>;
}

export type SourceContractOptions<C> = ContractOptions<Source<C>, SourceContractFixture<C>>;

function asFullRefresh(catalog: ConfiguredAirbyteCatalog): ConfiguredAirbyteCatalog {
  return { streams: catalog.streams.map((s) => ({ ...s, sync_mode: 'full_refresh', cursor_field: undefined })) };
}

function incrementalOnly(catalog: ConfiguredAirbyteCatalog): ConfiguredAirbyteCatalog {
  return { streams: catalog.streams.filter((s) => s.sync_mode === 'incremental') };
}

export function runSourceContractSuite<C>(options: SourceContractOptions<C>): void {
  const { connector, name } = options;
  const cli = options.cli !== false;
  const runCli = (command: string, inputs: Parameters<typeof runConnectorProcess>[2] = {}) => runConnectorProcess(name, command, { env: options.cliEnv, ...inputs });

  describe(`${name} source contract`, () => {
    let fixture: SourceContractFixture<C>;
    const read = (catalog: ConfiguredAirbyteCatalog, state?: AirbyteStateMessage[]) =>
      collectOutput(connector.read(fixture.config, catalog, state, quietContext));

    beforeAll(async () => {
      fixture = await options.setup();
    }, SLOW);
    afterAll(async () => {
      await options.teardown?.();
    }, SLOW);

    it('spec is a valid JSON Schema with its secrets marked', async () => {
      expectValidSpec(connector.spec(), options.expectedSecrets);
      if (cli) {
        const result = await runCli('spec');
        expect(result.exitCode).toBe(0);
        expect(result.spec).toEqual(connector.spec());
      }
    }, SLOW);

    it('check with a good config succeeds', async () => {
      expect(await connector.check(fixture.config, quietContext)).toEqual({ status: 'SUCCEEDED' });
      if (cli) {
        const result = await runCli('check', { config: fixture.config });
        expect(result.exitCode).toBe(0);
        expect(result.connectionStatus).toMatchObject({ status: 'SUCCEEDED' });
      }
    }, SLOW);

    it('check with an invalid config fails with a message naming the cause', async () => {
      const status = await connector.check(fixture.invalidConfig as C, quietContext);
      expect(status.status).toBe('FAILED');
      expectUserMessage(status.message);
      if (cli) {
        const result = await runCli('check', { config: fixture.invalidConfig });
        expect(result.exitCode).toBe(0);
        expect(result.connectionStatus?.status).toBe('FAILED');
        expectUserMessage(result.connectionStatus?.message);
      }
    }, SLOW);

    it('discover returns every configured stream', async () => {
      const catalog = await connector.discover(fixture.config, quietContext);
      const discovered = catalog.streams.map((s) => `${s.namespace ?? ''}.${s.name}`);
      for (const { stream } of fixture.configuredCatalog.streams) expect(discovered).toContain(`${stream.namespace ?? ''}.${stream.name}`);
      for (const stream of catalog.streams) {
        expect(stream.json_schema).toMatchObject({ type: 'object' });
        expect(stream.supported_sync_modes.length).toBeGreaterThan(0);
      }
      if (cli) {
        const result = await runCli('discover', { config: fixture.config });
        expect(result.exitCode).toBe(0);
        expect(result.catalog).toEqual(catalog);
      }
    }, SLOW);

    it('a full refresh read returns the records and ends every stream with a state', async () => {
      const catalog = asFullRefresh(fixture.configuredCatalog);
      const output = await read(catalog);
      expect(output.thrown).toBeUndefined();
      expect(output.errors).toEqual([]);
      if (fixture.expectedRecords) expectSameRecords(output.records, fixture.expectedRecords);
      for (const { stream } of catalog.streams) {
        const statuses = output.traces.filter((t) => t.stream_status?.stream_descriptor.name === stream.name).map((t) => t.stream_status!.status);
        expect(statuses[0], `${stream.name} STARTED`).toBe('STARTED');
        expect(statuses.at(-1), `${stream.name} COMPLETE`).toBe('COMPLETE');
        expect(output.states.some((s) => s.stream?.stream_descriptor.name === stream.name), `${stream.name} has a STATE`).toBe(true);
      }
    }, SLOW);

    if (connector.spec().supportsIncremental === false) {
      it('an incremental request is refused with a config_error', async () => {
        const [first] = fixture.configuredCatalog.streams;
        const output = await read({ streams: [{ ...first, sync_mode: 'incremental' }] });
        expect(output.thrown).toMatchObject({ failureType: 'config_error' });
        expect(output.records).toEqual([]);
      }, SLOW);
    } else {
      // A connector that supports incremental must prove it: missing fixtures fail, they never skip.
      it('an incremental read from the state fixture returns only the rows after it', async () => {
        expect(fixture.state, 'fixture.state').toBeDefined();
        expect(fixture.expectedRecordsAfterState, 'fixture.expectedRecordsAfterState').toBeDefined();
        const output = await read(incrementalOnly(fixture.configuredCatalog), fixture.state);
        expect(output.thrown).toBeUndefined();
        expectSameRecords(output.records, fixture.expectedRecordsAfterState!);
      }, SLOW);

      it('an incremental read resumed from a state file returns only the new rows', async () => {
        const catalog = incrementalOnly(fixture.configuredCatalog);
        expect(catalog.streams.length, 'incremental streams in the configured catalog').toBeGreaterThan(0);
        expect(fixture.addRecords, 'fixture.addRecords').toBeDefined();
        const first = await read(catalog);
        expect(first.thrown).toBeUndefined();
        const added = await fixture.addRecords!();
        const state = latestStates(first.states);
        const resumed = cli ? await runCli('read', { config: fixture.config, catalog, state }) : await read(catalog, state);
        expect(resumed.errors).toEqual([]);
        expectSameRecords(resumed.records, added);
      }, SLOW);
    }

    it('a catalog naming a missing stream fails with a config_error naming it', async () => {
      const stream = { ...fixture.configuredCatalog.streams[0].stream, name: 'no_such_stream_xyz' };
      const catalog: ConfiguredAirbyteCatalog = { streams: [{ ...fixture.configuredCatalog.streams[0], stream, sync_mode: 'full_refresh' }] };
      const output = await read(catalog);
      expect(output.thrown).toBeInstanceOf(ConnectorError);
      expect(output.thrown).toMatchObject({ failureType: 'config_error', message: expect.stringContaining('no_such_stream_xyz') });
      expect(output.records).toEqual([]);
      if (cli) {
        const result = await runCli('read', { config: fixture.config, catalog });
        expect(result.exitCode).toBe(1);
        expect(result.errors).toEqual([expect.objectContaining({ failure_type: 'config_error', message: expect.stringContaining('no_such_stream_xyz') })]);
      }
    }, SLOW);
  });
}
