// A worker runs several syncs at once, never more than its job bound (WORKER_MAX_JOBS,
// default 5), and never more than its memory budget holds, on real services (source-postgres reading an embedded Postgres,
// destination-s3 writing to SeaweedFS). Syncs are held mid-read by a lock on their tables,
// so what runs at once is observed in the job store, not inferred from timing.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { findDefinition } from '@platform/connectors';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../store/config-store';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from '../testing/platform-harness';
import { exitOf } from '@platform/services';
import { spawnWorkerProcess, waitFor } from '../testing/processes';
import { DEFAULT_MAX_JOBS } from './settings';

const ROWS = 2000;

let platform: TestPlatform;
let source: SourceDatabase;
let lake: TestLake;

beforeAll(async () => {
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  source = await platform.createSourceDatabase();
}, 120_000);
afterAll(async () => {
  await lake?.stop();
  await platform?.stop();
});

/** `count` tables of ROWS rows and a connection syncing each to its own prefix. */
async function connections(prefix: string, count: number): Promise<Array<{ table: string; conn: ConnectionRecord }>> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const table = `${prefix}_${i}`;
      await source.sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, payload text NOT NULL);
        INSERT INTO ${table} SELECT g, '${table} ' || md5(g::text) FROM generate_series(1, ${ROWS}) g`);
      const conn = await platform.createConnection({
        source: {
          definitionId: findDefinition('source-postgres')!.id,
          config: source.sourceConfig,
        },
        destination: { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig(table) },
        streams: [
          { name: table, namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite', jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, payload: { type: 'string' } } } },
        ],
      });
      return { table, conn };
    }),
  );
}

/** Holds an exclusive lock on `tables` until released: a sync reading them waits mid-attempt. */
async function lockTables(tables: string[]): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ ...source.config, user: source.config.username });
  await client.connect();
  await client.query(`BEGIN; LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

const count = async (sql: string, params: unknown[]) => (await platform.sql<{ n: number }>(sql, params))[0].n;
const running = (jobIds: number[]) => count(`SELECT count(*)::int AS n FROM attempts WHERE status = 'running' AND job_id = ANY($1)`, [jobIds]);
const pending = (jobIds: number[]) => count(`SELECT count(*)::int AS n FROM jobs WHERE status = 'pending' AND id = ANY($1)`, [jobIds]);

/** The most attempts of these jobs that were running at one instant, from their recorded start and end. */
async function mostAtOnce(jobIds: number[]): Promise<number> {
  const attempts = await platform.sql<{ created_at: Date; ended_at: Date }>('SELECT created_at, ended_at FROM attempts WHERE job_id = ANY($1)', [jobIds]);
  // Ends sort before starts at the same instant: touching intervals do not overlap.
  const events = attempts.flatMap((a) => [[a.created_at.getTime(), 1] as const, [a.ended_at.getTime(), -1] as const]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let most = 0;
  for (const [, delta] of events) most = Math.max(most, (now += delta));
  return most;
}

async function expectEachLandedExactly(synced: Array<{ table: string }>) {
  for (const { table } of synced) {
    const client = new pg.Client({ ...source.config, user: source.config.username });
    await client.connect();
    const expected = (await client.query(`SELECT id::int AS id, payload FROM ${table} ORDER BY id`)).rows;
    await client.end();
    expect(await lake.query(`${table}/public/${table}`, 'SELECT id::INT AS id, payload FROM lake ORDER BY id')).toEqual(expected);
  }
}

/** Starts a sync of each connection while their tables are locked; returns once `bound` of them are running. */
async function syncHeld(synced: Array<{ table: string; conn: ConnectionRecord }>, bound: number) {
  const lock = await lockTables(synced.map((s) => s.table));
  const jobIds = await Promise.all(synced.map(async ({ conn }) => (await platform.services.jobs.sync(conn.connectionId)).id));
  await waitFor(`${bound} syncs running at once`, async () => (await running(jobIds)) === bound, 120_000);
  return { jobIds, lock };
}

describe('several syncs at once', () => {
  it('run concurrently up to the default job bound of a worker started as `platform up` does, the others wait, and each lands exactly', async () => {
    const synced = await connections('max_jobs', DEFAULT_MAX_JOBS + 1);
    const stateDir = join(platform.dir, 'state');
    await mkdir(stateDir);
    const env = { PLATFORM_DATABASE_URL: platform.databaseUrl, PLATFORM_SECRET_KEY: platform.secretKey, PLATFORM_STATE_DIR: stateDir, WORKER_ID: 'worker-default' };
    const worker = spawnWorkerProcess(env);
    try {
      const { jobIds, lock } = await syncHeld(synced, DEFAULT_MAX_JOBS);
      // Five attempts are held mid-read; the last job was not even claimed.
      expect(await pending(jobIds)).toBe(1);
      await lock.release();
      const finished = await Promise.all(jobIds.map((id) => platform.waitForJob(id, undefined, 180_000)));
      expect(finished.map((j) => j.status)).toEqual(jobIds.map(() => 'succeeded'));
      expect(await mostAtOnce(jobIds)).toBe(DEFAULT_MAX_JOBS);
      await expectEachLandedExactly(synced);
    } finally {
      worker.kill('SIGTERM');
      await exitOf(worker);
    }
  }, 300_000);

  it('run only as many at once as their memory limits fit in the memory budget', async () => {
    const synced = await connections('budget', 4);
    // Each child may use 300 + 300 MiB; 1300 MiB hold two of them, not three.
    const worker = platform.startWorker({ maxJobs: 5, memoryBudgetBytes: 1300 * 2 ** 20, resources: { source: { memory_limit: '300Mi' }, destination: { memory_limit: '300Mi' } } });
    try {
      const { jobIds, lock } = await syncHeld(synced, 2);
      expect(await pending(jobIds)).toBe(2);
      await lock.release();
      const finished = await Promise.all(jobIds.map((id) => platform.waitForJob(id, undefined, 180_000)));
      expect(finished.map((j) => j.status)).toEqual(jobIds.map(() => 'succeeded'));
      expect(await mostAtOnce(jobIds)).toBe(2);
      await expectEachLandedExactly(synced);
    } finally {
      await worker.stop(0);
    }
  }, 300_000);
});
