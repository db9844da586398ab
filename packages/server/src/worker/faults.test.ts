// Faults with the real connectors and real services: source-postgres reading an embedded
// Postgres, destination-s3 writing to SeaweedFS, worker processes killed for real.
import type { ChildProcess } from 'node:child_process';
import { findDefinition } from '@platform/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from './worker';
import { startTestLake, type TestLake } from './testing/lake';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from './testing/harness';
import { childrenOf, isAlive, spawnWorkerProcess, waitFor } from './testing/processes';

const ROWS = 60_000;
// source-postgres checkpoints (emits STATE) every this many rows.
const CHUNK_ROWS = 2_000;
process.env.SOURCE_POSTGRES_CHUNK_ROWS = String(CHUNK_ROWS);

let platform: TestPlatform;
let source: SourceDatabase;
let lake: TestLake;
let worker: Worker | undefined;

beforeAll(async () => {
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  source = await platform.createSourceDatabase();
  await source.sql(
    `CREATE TABLE events (id bigint PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
     INSERT INTO events (id, payload) SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g`,
  );
}, 120_000);
afterAll(async () => {
  await lake?.stop();
  await platform?.stop();
});

/** The in-process worker that picks up after faults: quick to notice a dead worker. */
function liveWorker(): Worker {
  worker ??= platform.startWorker({ staleAfterMs: 3000, backoff: { initialMs: 4000, factor: 1.5, maxMs: 8000 } });
  return worker;
}

const sourceConfig = (password = source.config.password) => ({
  ...source.config,
  password,
  schemas: ['public'],
  ssl_mode: { mode: 'disable' },
  replication_method: { method: 'Standard' },
});

async function eventsConnection(path: string, password?: string) {
  return platform.createConnection({
    source: { definitionId: findDefinition('source-postgres')!.id, config: sourceConfig(password) },
    destination: { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig(path) },
    streams: [
      {
        name: 'events',
        namespace: 'public',
        syncMode: 'incremental',
        destinationSyncMode: 'append',
        cursorField: ['id'],
        primaryKey: [['id']],
        jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, payload: { type: 'string' }, created_at: { type: 'string', format: 'date-time' } } },
      },
    ],
    namespaceDefinition: 'customformat',
    namespaceFormat: 'production_${SOURCE_NAMESPACE}',
  });
}

const committedStates = (connectionId: string) => platform.sql('SELECT state FROM connection_state WHERE connection_id = $1', [connectionId]);

/** Every id 1..ROWS landed; duplicates (re-read after a crash before the state was saved) are allowed. */
async function expectAllRows(path: string) {
  const stats = await lake.idStats(path);
  expect(stats).toMatchObject({ distinctIds: ROWS, minId: 1, maxId: ROWS });
  expect(stats.rows).toBeGreaterThanOrEqual(ROWS);
}

describe('real connectors and services: faults and reset', () => {
  it('(a) a worker SIGKILLed mid-sync: its replication child dies too, and the next attempt resumes from the committed state without losing rows', async () => {
    const conn = await eventsConnection('fault-a');
    const doomed: ChildProcess = spawnWorkerProcess({ PLATFORM_DATABASE_URL: platform.databaseUrl, PLATFORM_SECRET_KEY: platform.secretKey, WORKER_ID: 'doomed-worker' });
    const job = await platform.services.jobs.sync(conn.connectionId);
    await waitFor('a committed state', async () => (await committedStates(conn.connectionId)).length > 0);
    const [replication] = childrenOf(doomed.pid!);
    expect(replication).toBeGreaterThan(0);
    doomed.kill('SIGKILL');
    await waitFor('the orphaned replication child to exit', async () => !isAlive(replication), 5000);
    const [stateAtKill] = await committedStates(conn.connectionId);

    liveWorker();
    const done = await platform.waitForJob(job.id, undefined, 90_000);
    expect(done.status).toBe('succeeded');
    const attempts = await platform.services.jobStore.attemptsOf([job.id]);
    expect(attempts[0]).toMatchObject({ workerId: 'doomed-worker', status: 'failed' });
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureType: 'transient_error' });
    const last = attempts[attempts.length - 1];
    expect(last.status).toBe('succeeded');
    // Resumed: the last attempt read only what was after the committed cursor.
    expect(last.totalStats.recordsEmitted).toBeLessThan(ROWS);
    expect(stateAtKill.state).toBeTruthy();
    await expectAllRows('fault-a');
  }, 150_000);

  it('a reset deletes what the connection wrote to S3 and clears its state', async () => {
    liveWorker();
    const conn = await eventsConnection('reset');
    await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id, undefined, 90_000);
    expect((await lake.idStats('reset')).distinctIds).toBe(ROWS);
    const reset = await platform.waitForJob((await platform.services.jobs.reset(conn.connectionId)).id, undefined, 90_000);
    expect(reset.status).toBe('succeeded');
    expect(await lake.objectCount('reset')).toBe(0);
    expect(await committedStates(conn.connectionId)).toEqual([]);
  }, 150_000);

  it('(b) the S3 server stopped mid-sync: the attempt fails as transient and the retry succeeds once S3 is back', async () => {
    liveWorker();
    const conn = await eventsConnection('fault-b');
    const job = await platform.services.jobs.sync(conn.connectionId);
    await waitFor('a committed state', async () => (await committedStates(conn.connectionId)).length > 0);
    await lake.stopServer();
    await platform.waitForJob(job.id, (j) => j.status === 'incomplete' || j.status === 'failed', 60_000);
    const [first] = await platform.services.jobStore.attemptsOf([job.id]);
    expect(first.failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'destination', failureType: 'transient_error', retryable: true });
    await lake.startServer();
    const done = await platform.waitForJob(job.id, undefined, 90_000);
    expect(done.status).toBe('succeeded');
    await expectAllRows('fault-b');
  }, 150_000);

  it('(c) a source with a wrong password fails with config_error and is not retried', async () => {
    liveWorker();
    const conn = await eventsConnection('fault-c', 'not-the-password');
    const job = await platform.services.jobs.sync(conn.connectionId);
    const done = await platform.waitForJob(job.id);
    expect(done.status).toBe('failed');
    const attempts = await platform.services.jobStore.attemptsOf([job.id]);
    expect(attempts).toHaveLength(1);
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'source', failureType: 'config_error', retryable: false });
    const logs = (await platform.services.jobStore.attemptLogs(attempts[0].id)).join('\n');
    expect(logs).not.toContain('not-the-password');
  }, 60_000);
});
