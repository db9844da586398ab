// Faults with the real connectors and real services: source-postgres reading an embedded
// Postgres, destination-s3 writing to SeaweedFS, worker processes killed for real.
import type { ChildProcess } from 'node:child_process';
import { findDefinition } from '@platform/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from './worker';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from '../testing/platform-harness';
import { childPids, isPidAlive } from '@platform/services';
import { replicationChildOf, spawnWorkerProcess, waitFor } from '../testing/processes';

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

const sourceConfig = (password = source.config.password) => ({ ...source.sourceConfig, password });

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

/** The stream under `path` holds exactly the source table's rows, compared row by row. */
async function expectSameRows(path: string, table: string) {
  const landed = await lake.query(path, 'SELECT id::VARCHAR AS id, payload FROM lake ORDER BY id');
  const expected = await source.query(`SELECT id::text AS id, payload FROM "${table}" ORDER BY id`);
  expect(landed.length).toBe(expected.length);
  expect(landed).toEqual(expected);
}

async function createTable(table: string, rows: number) {
  await source.sql(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, payload text NOT NULL);
    INSERT INTO "${table}" SELECT g, md5(g::text) FROM generate_series(1, ${rows}) g; ANALYZE "${table}";`);
}

async function overwriteConnection(tables: string | string[], path: string) {
  return platform.createConnection({
    source: { definitionId: findDefinition('source-postgres')!.id, config: sourceConfig() },
    destination: { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig(path) },
    streams: [tables].flat().map((table) => ({
      name: table,
      namespace: 'public',
      syncMode: 'full_refresh' as const,
      destinationSyncMode: 'overwrite' as const,
      jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, payload: { type: 'string' } } },
    })),
    namespaceDefinition: 'customformat',
    namespaceFormat: 'production_${SOURCE_NAMESPACE}',
  });
}

/** Holds a job whose attempt just failed (so the test can look at the lake), then lets it retry. */
async function failedAttemptHeld(jobId: number): Promise<{ release(): Promise<void> }> {
  await platform.waitForJob(jobId, (j) => j.status === 'incomplete', 60_000);
  await platform.sql(`UPDATE jobs SET run_after = now() + interval '1 hour' WHERE id = $1`, [jobId]);
  return { release: async () => void (await platform.sql(`UPDATE jobs SET run_after = now() WHERE id = $1`, [jobId])) };
}

/** A ctid checkpoint of the running full refresh has been committed (the first attempt of a job clears the previous one). */
const midOverwrite = async (connectionId: string) => (await committedStates(connectionId)).some((r) => r.state?.state_type === 'ctid');

describe('real connectors and services: faults and reset', () => {
  it('(a) a worker SIGKILLed mid-sync: its replication child dies too, and the next attempt resumes from the committed state without losing rows', async () => {
    const conn = await eventsConnection('fault-a');
    const doomed: ChildProcess = spawnWorkerProcess({ PLATFORM_DATABASE_URL: platform.databaseUrl, PLATFORM_SECRET_KEY: platform.secretKey, WORKER_ID: 'doomed-worker' });
    const job = await platform.services.jobs.sync(conn.connectionId);
    await waitFor('a committed state', async () => (await committedStates(conn.connectionId)).length > 0);
    const [replication] = childPids(doomed.pid!);
    expect(replication).toBeGreaterThan(0);
    doomed.kill('SIGKILL');
    await waitFor('the orphaned replication child to exit', async () => !isPidAlive(replication), 5000);
    const [stateAtKill] = await committedStates(conn.connectionId);

    liveWorker();
    const done = await platform.waitForJob(job.id, undefined, 90_000);
    expect(done.status).toBe('succeeded');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts[0]).toMatchObject({ workerId: 'doomed-worker', status: 'failed' });
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureType: 'transient_error' });
    const last = attempts[attempts.length - 1];
    expect(last.status).toBe('succeeded');
    // Resumed: the last attempt read only what was after the committed cursor.
    expect(last.totalStats.recordsEmitted).toBeLessThan(ROWS);
    expect(stateAtKill.state).toBeTruthy();
    await expectAllRows('fault-a');
    // What the dead attempt wrote after its last committed state was swept: each row landed once.
    expect((await lake.idStats('fault-a')).rows).toBe(ROWS);
    expect(await lake.ledgerCount('fault-a')).toBe(0);
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
    const [first] = await platform.jobStore.attemptsOf([job.id]);
    expect(first.failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'destination', failureType: 'transient_error', retryable: true });
    await lake.startServer();
    const done = await platform.waitForJob(job.id, undefined, 90_000);
    expect(done.status).toBe('succeeded');
    await expectAllRows('fault-b');
    expect((await lake.idStats('fault-b')).rows).toBe(ROWS);
    expect(await lake.ledgerCount('fault-b')).toBe(0);
  }, 150_000);

  it('(c) a source with a wrong password fails with config_error and is not retried', async () => {
    liveWorker();
    const conn = await eventsConnection('fault-c', 'not-the-password');
    const job = await platform.services.jobs.sync(conn.connectionId);
    const done = await platform.waitForJob(job.id);
    expect(done.status).toBe('failed');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts).toHaveLength(1);
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'source', failureType: 'config_error', retryable: false });
    const logs = (await platform.jobStore.attemptLogs(attempts[0].id)).join('\n');
    expect(logs).not.toContain('not-the-password');
  }, 60_000);
});

describe('real connectors and services: Full Refresh | Overwrite faults', () => {
  const OVERWRITE_ROWS = 30_000;

  /** First sync (the previous generation), then more source rows, so the two generations differ. */
  async function previousGeneration(table: string, path: string) {
    await createTable(table, OVERWRITE_ROWS);
    const conn = await overwriteConnection(table, path);
    expect((await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id, undefined, 90_000)).status).toBe('succeeded');
    await source.sql(`INSERT INTO "${table}" SELECT g, md5(g::text) FROM generate_series(${OVERWRITE_ROWS + 1}, ${OVERWRITE_ROWS + 1000}) g`);
    return conn;
  }
  const previousExactly = { rows: OVERWRITE_ROWS, distinctIds: OVERWRITE_ROWS, minId: 1, maxId: OVERWRITE_ROWS };

  it('the S3 server stopped mid-overwrite: the attempt leaves the previous generation alone, and the retry resumes to exactly the source rows', async () => {
    liveWorker();
    const conn = await previousGeneration('overwrite_s3', 'overwrite-s3');
    const job = await platform.services.jobs.sync(conn.connectionId);
    await waitFor('a committed checkpoint of the overwrite', () => midOverwrite(conn.connectionId));
    await lake.stopServer();
    const held = await failedAttemptHeld(job.id);
    await lake.startServer();
    expect(await lake.idStats('overwrite-s3')).toEqual(previousExactly);

    await held.release();
    expect((await platform.waitForJob(job.id, undefined, 90_000)).status).toBe('succeeded');
    await expectSameRows('overwrite-s3', 'overwrite_s3');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts.at(-1)!.totalStats.recordsEmitted).toBeLessThan(OVERWRITE_ROWS + 1000);
    expect(await lake.ledgerCount('overwrite-s3')).toBe(0);
  }, 180_000);

  it('the replication child SIGKILLed mid-overwrite: the previous generation stays the visible one, and the next attempt sweeps what the dead one left', async () => {
    liveWorker();
    const conn = await previousGeneration('overwrite_kill', 'overwrite-kill');
    const job = await platform.services.jobs.sync(conn.connectionId);
    await waitFor('a committed checkpoint of the overwrite', () => midOverwrite(conn.connectionId));
    const child = replicationChildOf(process.pid);
    expect(child).toBeGreaterThan(0);
    process.kill(child!, 'SIGKILL');
    const held = await failedAttemptHeld(job.id);
    expect(await lake.idStats('overwrite-kill')).toEqual(previousExactly);
    // What the killed attempt committed is staged out of readers' sight, for the retry to keep.
    expect(await lake.ledgerCount('overwrite-kill')).toBeGreaterThan(0);

    await held.release();
    expect((await platform.waitForJob(job.id, undefined, 90_000)).status).toBe('succeeded');
    await expectSameRows('overwrite-kill', 'overwrite_kill');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'replication' });
    expect(attempts.at(-1)!.totalStats.recordsEmitted).toBeLessThan(OVERWRITE_ROWS + 1000);
    expect(await lake.ledgerCount('overwrite-kill')).toBe(0);
  }, 180_000);

  it('two overwrite jobs failing mid-read leave the previous generation exactly; a retry re-reads a completed stream and resumes the failed one, each row once', async () => {
    // Six failing attempts first: a worker that retries after a short pause (the S3 tests need the long one).
    await worker?.stop(0);
    worker = undefined;
    const quick = platform.startWorker({ backoff: { initialMs: 200, factor: 2, maxMs: 1000 } });
    // `steady` is read to its end before `flaky` fails: each retry reads it again, and it must still land once.
    await createTable('steady', 4_000);
    await createTable('flaky', 20_000);
    // Reading flaky past id 12000 fails (as a cancelled query: transient, so it is retried) while the switch is on.
    await source.sql(`CREATE TABLE fault_switch (fail boolean NOT NULL); INSERT INTO fault_switch VALUES (false);
      CREATE FUNCTION flaky_visible(row_id bigint) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        IF row_id > 12000 AND (SELECT fail FROM fault_switch) THEN RAISE EXCEPTION 'injected read failure' USING ERRCODE = '57014'; END IF;
        RETURN true;
      END $$;
      ALTER TABLE flaky ENABLE ROW LEVEL SECURITY; ALTER TABLE flaky FORCE ROW LEVEL SECURITY;
      CREATE POLICY flaky_read ON flaky FOR SELECT USING (flaky_visible(id));
      CREATE POLICY flaky_write ON flaky FOR INSERT WITH CHECK (true);`);
    const failReads = (on: boolean) => source.sql(`UPDATE fault_switch SET fail = ${on}`);
    const conn = await overwriteConnection(['steady', 'flaky'], 'flaky');
    const streamPath = (table: string) => `flaky/production_public/${table}`;
    const visible = async () => ({ steady: await lake.idStats(streamPath('steady')), flaky: await lake.idStats(streamPath('flaky')) });
    expect((await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id, undefined, 90_000)).status).toBe('succeeded');
    const first = await visible();
    expect(first).toEqual({ steady: { rows: 4_000, distinctIds: 4_000, minId: 1, maxId: 4_000 }, flaky: { rows: 20_000, distinctIds: 20_000, minId: 1, maxId: 20_000 } });

    await source.sql(`INSERT INTO steady SELECT g, md5(g::text) FROM generate_series(4001, 4500) g`);
    await failReads(true);
    for (let i = 0; i < 2; i++) {
      const job = await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id, undefined, 120_000);
      expect(job.status).toBe('failed');
      expect(await platform.jobStore.attemptsOf([job.id])).toHaveLength(3);
      expect(await visible()).toEqual(first);
    }
    await quick.stop(0);

    // One more failing attempt, then the reads work again.
    await source.sql(`INSERT INTO flaky SELECT g, md5(g::text) FROM generate_series(20001, 21000) g`);
    liveWorker();
    const job = await platform.services.jobs.sync(conn.connectionId);
    const held = await failedAttemptHeld(job.id);
    expect(await visible()).toEqual(first);
    await failReads(false);
    await held.release();
    expect((await platform.waitForJob(job.id, undefined, 90_000)).status).toBe('succeeded');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    // The retry read steady again and flaky only from its last committed checkpoint.
    expect(attempts[1].totalStats.recordsEmitted).toBeLessThan(4_500 + 21_000);
    await expectSameRows(streamPath('steady'), 'steady');
    await expectSameRows(streamPath('flaky'), 'flaky');
    expect(await lake.ledgerCount('flaky')).toBe(0);
  }, 300_000);

  it('a table named ../../etc syncs with its rows exact, every object inside the configured path', async () => {
    liveWorker();
    const table = '../../etc';
    await createTable(table, 500);
    const conn = await overwriteConnection(table, 'hostile-names');
    const job = await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id, undefined, 90_000);
    expect(job.status).toBe('succeeded');
    await expectSameRows('hostile-names', table);
    const keys = await lake.keys('');
    const written = keys.filter((k) => k.includes('etc'));
    expect(written.length).toBeGreaterThan(0);
    for (const key of written) {
      expect(key.startsWith('hostile-names/production_public/')).toBe(true);
      expect(key.split('/')).not.toContain('..');
    }
  }, 120_000);
});
