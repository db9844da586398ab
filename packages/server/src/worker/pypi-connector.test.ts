// Issue 11, points 2 and 4: Airbyte's own connector code, from PyPI, under our control plane.
// `airbyte/source-faker` `7.2.1` is registered through the Config API (the platform installs
// airbyte-source-faker==7.2.1 in a virtualenv of its own and checks it answers spec), then a
// source of it is checked, discovered and synced by the worker to destination-s3 on a real
// SeaweedFS; each stream's ids in the lake equal what the connector emits when run alone, and
// the committed state carries to a second incremental sync, which then finds nothing new.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalSource, findDefinition } from '@platform/connectors';
import { freePort } from '@platform/services';
import type { ConfiguredAirbyteCatalog } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api/http-server';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { jsonApi } from '../testing/json-api';

const FAKER = { name: 'Faker (PyPI)', dockerRepository: 'airbyte/source-faker', dockerImageTag: '7.2.1' };
// always_updated false: a synced user is not emitted again, so the second sync shows the state was used.
const FAKER_CONFIG = { count: 300, seed: 7, records_per_slice: 100, always_updated: false, parallelism: 1 };
const STREAMS = ['products', 'purchases', 'users'];

let platform: TestPlatform;
let connectorsDir: string;
let lake: TestLake;
let api: ApiServer;
let apiUrl: string;
const { ok, syncToSuccess } = jsonApi(() => apiUrl);
const sync = (connectionId: string) => syncToSuccess(platform, connectionId);

beforeAll(async () => {
  connectorsDir = await mkdtemp(join(tmpdir(), 'airlock-connectors-'));
  platform = await startTestPlatform({ connectorsDir });
  lake = await startTestLake(platform.dir);
  platform.startWorker({ tmpDir: join(platform.dir, 'tmp') });
  api = createApiServer(platform.services, { port: await freePort(), validateResponses: true });
  apiUrl = await api.listen();
}, 120_000);
afterAll(async () => {
  await api?.close();
  await lake?.stop();
  await platform?.stop();
  if (connectorsDir) await rm(connectorsDir, { recursive: true, force: true });
});

/** Each stream's ids in the lake, sorted. */
async function lakeIds(path: string): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const stream of STREAMS) {
    const rows = await lake.query(`${path}/${stream}`, 'SELECT id::BIGINT AS id FROM lake ORDER BY id');
    out[stream] = rows.map((r) => Number(r.id));
  }
  return out;
}

describe('a PyPI Airbyte connector registered through the Config API', () => {
  let definitionId: string;

  it('create_custom installs airbyte-source-faker==7.2.1 and registers it once it answers spec', async () => {
    const created = await ok('source_definitions/create_custom', { sourceDefinition: FAKER });
    expect(created).toMatchObject({ ...FAKER, custom: true });
    definitionId = created.sourceDefinitionId;
    const listed = await ok('source_definitions/list_for_workspace', {});
    expect(listed.sourceDefinitions.map((d: any) => d.sourceDefinitionId)).toContain(definitionId);
    const spec = await ok('source_definition_specifications/get', { sourceDefinitionId: definitionId });
    expect(Object.keys(spec.connectionSpecification.properties)).toEqual(expect.arrayContaining(['count', 'seed', 'records_per_slice']));
  }, 600_000);

  it('syncs to S3 with each stream complete, and carries its state to a second incremental sync', async () => {
    const source = await ok('sources/create', { sourceDefinitionId: definitionId, connectionConfiguration: FAKER_CONFIG, name: 'faker' });
    expect((await ok('sources/check_connection', { sourceId: source.sourceId })).status).toBe('succeeded');
    const discovered = await ok('sources/discover_schema', { sourceId: source.sourceId });
    expect(discovered.catalog.streams.map((s: any) => s.stream.name).sort()).toEqual(STREAMS);

    const destination = await ok('destinations/create', {
      destinationDefinitionId: findDefinition('destination-s3')!.id,
      connectionConfiguration: { ...lake.destinationConfig('faker'), s3_path_format: '${STREAM_NAME}/${EPOCH}_' },
      name: 'lake',
    });
    const syncCatalog = {
      streams: discovered.catalog.streams.map((s: any) => ({
        stream: s.stream,
        config: { ...s.config, selected: true, syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['updated_at'] },
      })),
    };
    const connection = await ok('connections/create', { sourceId: source.sourceId, destinationId: destination.destinationId, syncCatalog, status: 'active', name: 'faker → lake' });

    // What the connector emits run alone, from the start, with the same config: the ids each stream must land.
    const spec = await ok('source_definition_specifications/get', { sourceDefinitionId: definitionId });
    const record = await platform.configStore.customDefinitions.get(definitionId);
    const alone = externalSource({ name: 'source-faker', command: record!.command }, { connectionSpecification: spec.connectionSpecification });
    const catalog: ConfiguredAirbyteCatalog = {
      streams: discovered.catalog.streams.map((s: any) => ({ stream: { name: s.stream.name, json_schema: s.stream.jsonSchema, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', cursor_field: ['updated_at'], destination_sync_mode: 'append' })),
    };
    const expected: Record<string, number[]> = Object.fromEntries(STREAMS.map((s) => [s, []]));
    for await (const item of alone.read(FAKER_CONFIG, catalog, undefined, { log: () => {} })) {
      if (item.type === 'RECORD_BATCH') expected[item.stream].push(...item.records.map((r) => Number(r.id)));
    }
    for (const ids of Object.values(expected)) ids.sort((a, b) => a - b);
    expect(expected.users).toHaveLength(300);
    expect(expected.products.length).toBeGreaterThan(0);
    expect(expected.purchases.length).toBeGreaterThan(0);

    const first = await sync(connection.connectionId);
    expect(await lakeIds('faker')).toEqual(expected);
    const emitted = Object.fromEntries(first.attempts[0].attempt.streamStats.map((s: any) => [s.streamName, s.stats.recordsEmitted]));
    expect(emitted).toEqual(Object.fromEntries(STREAMS.map((s) => [s, expected[s].length])));

    const state = await ok('state/get', { connectionId: connection.connectionId });
    const states = Object.fromEntries(state.streamState.map((s: any) => [s.streamDescriptor.name, s.streamState]));
    expect(Object.keys(states).sort()).toEqual(STREAMS);
    expect(states.users).toMatchObject({ seed: 7, loop_offset: 300 });

    // The second sync resumes from that state: nothing new, nothing landed twice.
    const second = await sync(connection.connectionId);
    const emittedAgain = second.attempts[0].attempt.streamStats?.reduce((n: number, s: any) => n + (s.stats.recordsEmitted ?? 0), 0) ?? 0;
    expect(emittedAgain).toBe(0);
    expect(await lakeIds('faker')).toEqual(expected);
  }, 600_000);
});
