// Issue 11, point 1: external connectors in the worker. Our protocol fixture connector,
// registered as a custom definition, runs in the replication child as a source paired with a
// built-in destination and as a destination paired with a built-in source; its protocol
// violations, ERROR traces, a cancel, a silence past the heartbeat, a run past its timeout and
// an allocation past the connection's memory limit each end the attempt with a clear reason.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isPidAlive, waitForExit } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api/http-server';
import { isActiveJobStatus } from '@platform/api-types';
import { MEMORY_HOG_SCRIPT } from '@platform/connectors/testing';
import { preinstallConnector } from '../testing/custom-connectors';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { jsonApi } from '../testing/json-api';
import type { Worker } from './worker';

let platform: TestPlatform;
let connectorsDir: string;
let api: ApiServer;
let apiUrl: string;
const { ok } = jsonApi(() => apiUrl);
let sourceDefinitionId: string;
let destinationDefinitionId: string;
let hogDefinitionId: string;
let worker: Worker;

beforeAll(async () => {
  connectorsDir = await mkdtemp(join(tmpdir(), 'airlock-connectors-'));
  await preinstallConnector(connectorsDir, 'source-airlocktest', '1.0.0');
  await preinstallConnector(connectorsDir, 'destination-airlocktest', '1.0.0');
  await preinstallConnector(connectorsDir, 'source-airlockhog', '1.0.0', `exec python3 "${MEMORY_HOG_SCRIPT}" "$@"`);
  platform = await startTestPlatform({ connectorsDir });
  worker = platform.startWorker({ tmpDir: join(platform.dir, 'tmp'), maxAttempts: 1 });
  api = createApiServer(platform.services, { port: await freePort(), validateResponses: true });
  apiUrl = await api.listen();
  const common = { name: 'fixture', dockerImageTag: '1.0.0' };
  sourceDefinitionId = (await ok('source_definitions/create_custom', { sourceDefinition: { ...common, dockerRepository: 'airbyte/source-airlocktest' } })).sourceDefinitionId;
  destinationDefinitionId = (await ok('destination_definitions/create_custom', { destinationDefinition: { ...common, dockerRepository: 'airbyte/destination-airlocktest' } })).destinationDefinitionId;
  hogDefinitionId = (await ok('source_definitions/create_custom', { sourceDefinition: { ...common, dockerRepository: 'airbyte/source-airlockhog' } })).sourceDefinitionId;
}, 120_000);
afterAll(async () => {
  await api?.close();
  await platform?.stop();
  if (connectorsDir) await rm(connectorsDir, { recursive: true, force: true });
});

async function connection(source: { definitionId: string; config: object }, destination: { definitionId: string; config: object }, stream: { name: string; namespace?: string }, extra: object = {}) {
  const s = await ok('sources/create', { sourceDefinitionId: source.definitionId, connectionConfiguration: source.config, name: 'src' });
  const d = await ok('destinations/create', { destinationDefinitionId: destination.definitionId, connectionConfiguration: destination.config, name: 'dst' });
  const syncCatalog = {
    streams: [{ stream: { ...stream, jsonSchema: { type: 'object', properties: { id: { type: 'integer' } } }, supportedSyncModes: ['incremental'] }, config: { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['id'], selected: true } }],
  };
  return (await ok('connections/create', { sourceId: s.sourceId, destinationId: d.destinationId, syncCatalog, status: 'active', name: `c ${Math.random()}`, ...extra })).connectionId as string;
}

async function syncToEnd(connectionId: string) {
  const { job } = await ok('connections/sync', { connectionId });
  await platform.waitForJob(job.id, undefined, 120_000);
  return ok('jobs/get', { id: job.id });
}

const failureOf = (read: any) => read.attempts.at(-1).attempt.failureSummary.failures[0];
const logsOf = async (read: any) => (await ok('attempt/get_logs', { jobId: read.job.id, attemptNumber: 0 })).logLines.join('\n') as string;

describe('external connectors in the worker', () => {
  it('an external source feeds a built-in destination, and resumes from its committed state', async () => {
    const out = await mkdtemp(join(platform.dir, 'dest-'));
    const config = { api_key: 'external-secret-1', count: 25 };
    const id = await connection({ definitionId: sourceDefinitionId, config }, { definitionId: FAKE_DESTINATION_ID, config: { directory: out } }, { name: 'items' });
    const first = await syncToEnd(id);
    expect(first.job.status).toBe('succeeded');
    const ids = async () => (await readFile(join(out, '_.items.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).id);
    expect(await ids()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((await ok('state/get', { connectionId: id })).streamState[0].streamState).toEqual({ cursor: 25 });
    const logs = await logsOf(first);
    expect(logs).toContain('source-airlocktest (stderr): starting read with key **********');
    expect(logs).not.toContain('external-secret-1');

    await ok('sources/update', { sourceId: (await ok('connections/get', { connectionId: id })).sourceId, connectionConfiguration: { ...config, count: 40 }, name: 'src' });
    expect((await syncToEnd(id)).job.status).toBe('succeeded');
    expect(await ids()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('a built-in source feeds an external destination, which commits the states it echoes', async () => {
    const out = join(platform.dir, 'external-destination.jsonl');
    const id = await connection(
      { definitionId: FAKE_SOURCE_ID, config: { api_key: 'k', records: 250, state_every: 100 } },
      { definitionId: destinationDefinitionId, config: { api_key: 'external-secret-2', out } },
      { name: 'customers', namespace: 'public' },
    );
    const read = await syncToEnd(id);
    expect(read.job.status).toBe('succeeded');
    expect((await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect((await ok('state/get', { connectionId: id })).streamState[0].streamState).toEqual({ cursor: 250 });
  });

  it('a bad JSON line fails the attempt, naming the connector and the line', async () => {
    const id = await connection({ definitionId: sourceDefinitionId, config: { api_key: 'k', mode: 'bad-json' } }, { definitionId: FAKE_DESTINATION_ID, config: { directory: await mkdtemp(join(platform.dir, 'dest-')) } }, { name: 'items' });
    const read = await syncToEnd(id);
    expect(read.job.status).toBe('failed');
    expect(failureOf(read)).toMatchObject({ failureOrigin: 'source', externalMessage: expect.stringMatching(/^source-airlocktest broke the Airbyte Protocol on stdout line 5: malformed JSON/) });
  });

  it('a record of a stream the connection did not select fails the attempt, naming the stream', async () => {
    const out = await mkdtemp(join(platform.dir, 'dest-'));
    const id = await connection({ definitionId: sourceDefinitionId, config: { api_key: 'k', mode: 'unselected' } }, { definitionId: FAKE_DESTINATION_ID, config: { directory: out } }, { name: 'items' });
    const read = await syncToEnd(id);
    expect(read.job.status).toBe('failed');
    expect(failureOf(read)).toMatchObject({ failureOrigin: 'source', externalMessage: "the source emitted stream secret_table, which is not in the connection's catalog" });
  });

  it('an ERROR trace fails the attempt with its message and failure type, secrets scrubbed', async () => {
    const id = await connection({ definitionId: sourceDefinitionId, config: { api_key: 'external-secret-3', mode: 'trace-error' } }, { definitionId: FAKE_DESTINATION_ID, config: { directory: await mkdtemp(join(platform.dir, 'dest-')) } }, { name: 'items' });
    const read = await syncToEnd(id);
    expect(read.job.status).toBe('failed');
    expect(failureOf(read)).toMatchObject({ failureOrigin: 'source', failureType: 'config_error', externalMessage: 'the API refused key **********' });
    expect(JSON.stringify(read)).not.toContain('external-secret-3');
    expect(await logsOf(read)).not.toContain('external-secret-3');
  });

  it('cancel stops a connector that ignores SIGTERM', async () => {
    const pidFile = join(platform.dir, 'hanging.pid');
    const id = await connection(
      { definitionId: sourceDefinitionId, config: { api_key: 'k', mode: 'ignore-sigterm', count: 1, pid_file: pidFile } },
      { definitionId: FAKE_DESTINATION_ID, config: { directory: await mkdtemp(join(platform.dir, 'dest-')) } },
      { name: 'items' },
    );
    const { job } = await ok('connections/sync', { connectionId: id });
    let pid: number | undefined;
    while (!pid) {
      pid = Number(await readFile(pidFile, 'utf8').catch(() => '')) || undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(isPidAlive(pid)).toBe(true);
    await ok('jobs/cancel', { id: job.id });
    const done = await platform.waitForJob(job.id, (j) => !isActiveJobStatus(j.status), 60_000);
    expect(done.status).toBe('cancelled');
    // SIGKILL, by the adapter or by the replication child's exit hook, reaches the connector once
    // the attempt ends; it may take the kernel a moment to reap it. An orphan would stay for good.
    expect(await waitForExit(pid, 15_000)).toBe(true);
  });
});

describe('limits of external connectors in the worker', () => {
  const directory = () => mkdtemp(join(platform.dir, 'dest-'));

  beforeAll(async () => {
    // A worker with a short heartbeat and sync timeout (PLATFORM_CONNECTOR_HEARTBEAT_SECONDS, PLATFORM_CONNECTOR_SYNC_TIMEOUT_SECONDS).
    await worker.stop(5_000);
    worker = platform.startWorker({ tmpDir: join(platform.dir, 'tmp'), maxAttempts: 1, externalTimeouts: { heartbeatMs: 3_000, timeoutMs: 8_000 } });
  });

  it('a connector silent past the heartbeat fails the attempt, saying so', async () => {
    const id = await connection({ definitionId: sourceDefinitionId, config: { api_key: 'k', mode: 'hang', count: 1 } }, { definitionId: FAKE_DESTINATION_ID, config: { directory: await directory() } }, { name: 'items' });
    const read = await syncToEnd(id);
    expect(read.job.status).toBe('failed');
    expect(failureOf(read)).toMatchObject({ failureOrigin: 'source', failureType: 'system_error', externalMessage: 'source-airlocktest produced no output for 3 s (heartbeat) and was stopped' });
  });

  it('a connector that keeps talking past the sync timeout fails the attempt, saying so', async () => {
    const id = await connection({ definitionId: sourceDefinitionId, config: { api_key: 'k', mode: 'trickle', count: 1 } }, { definitionId: FAKE_DESTINATION_ID, config: { directory: await directory() } }, { name: 'items' });
    const read = await syncToEnd(id);
    expect(read.job.status).toBe('failed');
    expect(failureOf(read)).toMatchObject({ failureOrigin: 'source', failureType: 'system_error', externalMessage: 'source-airlocktest read did not finish within its timeout of 8 s and was stopped' });
  });

  it("an allocation past the connection's memory_limit fails the attempt as out of memory, naming the limit; within it the sync succeeds", async () => {
    const config = { allocate_mib: 400 };
    const limited = await connection({ definitionId: hogDefinitionId, config }, { definitionId: FAKE_DESTINATION_ID, config: { directory: await directory() } }, { name: 'items' }, { resourceRequirements: { memory_limit: '200Mi' } });
    const read = await syncToEnd(limited);
    expect(read.job.status).toBe('failed');
    expect(failureOf(read)).toMatchObject({
      failureOrigin: 'source',
      failureType: 'system_error',
      externalMessage: "source-airlockhog read ran out of memory: it may use at most 200 MiB (the memory_limit of the connection's resourceRequirements, else of the source role in config/config.yaml); raise that limit",
    });
    expect(await logsOf(read)).toContain('MemoryError');

    const out = await directory();
    const roomy = await connection({ definitionId: hogDefinitionId, config }, { definitionId: FAKE_DESTINATION_ID, config: { directory: out } }, { name: 'items' }, { resourceRequirements: { memory_limit: '1Gi' } });
    expect((await syncToEnd(roomy)).job.status).toBe('succeeded');
    expect((await readFile(join(out, '_.items.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([1, 2]);
  });
});
