// What a replication child holds stays with it, on real services (source-postgres reading an
// embedded Postgres, destination-s3 writing to SeaweedFS, the worker as `platform up` runs
// it): the child's environment carries none of the worker's secrets, and the spill files of
// source rows go when the attempt ends (cancelled, child killed) or, when the worker died
// with its child, at the next worker's sweep.
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDefinition } from '@platform/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPassedToChild } from './child-env';
import { PRELOAD_VARIABLE } from './child-protocol';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from '../testing/platform-harness';
import { childPids, exitOf, isPidAlive } from '@platform/services';
import { environmentOf, spawnWorkerProcess, waitFor } from '../testing/processes';

const ROWS = 20_000;
/** Variables of the worker no child may see, with values found nowhere else. */
const WORKER_ONLY = { PGPASSWORD: 'pgpassword-canary-7d1e', AWS_SECRET_ACCESS_KEY: 'aws-canary-7d1e', SOME_API_TOKEN: 'token-canary-7d1e' };

let platform: TestPlatform;
let source: SourceDatabase;
let lake: TestLake;
let stateDir: string;
let tmpRoot: string;
let worker: ChildProcess;

beforeAll(async () => {
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  source = await platform.createSourceDatabase();
  // A view Postgres produces slowly while `pace.slow` is set: a sync stays mid-copy, its chunk file growing.
  await source.sql(`
    CREATE TABLE pace (slow boolean NOT NULL); INSERT INTO pace VALUES (true);
    CREATE FUNCTION paced(i bigint) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
      BEGIN IF (SELECT slow FROM pace) THEN PERFORM pg_sleep(0.002); END IF; RETURN i; END $$;
    CREATE TABLE source_rows (id bigint PRIMARY KEY, payload text NOT NULL);
    INSERT INTO source_rows SELECT g, 'private row ' || g || ' ' || md5(g::text) FROM generate_series(1, ${ROWS}) g;
    CREATE VIEW paced_rows AS SELECT paced(id) AS id, payload FROM source_rows;
  `);
  stateDir = join(platform.dir, 'state');
  tmpRoot = join(stateDir, 'tmp');
  await mkdir(stateDir);
  worker = spawnWorkerProcess(
    { PLATFORM_DATABASE_URL: platform.databaseUrl, PLATFORM_SECRET_KEY: platform.secretKey, PLATFORM_STATE_DIR: stateDir, WORKER_ID: 'worker-a', SOURCE_POSTGRES_CHUNK_ROWS: '5000', ...WORKER_ONLY },
    join(platform.dir, 'worker.log'),
  );
}, 120_000);
afterAll(async () => {
  if (worker && isPidAlive(worker.pid!)) {
    worker.kill('SIGTERM');
    await exitOf(worker);
  }
  await lake?.stop();
  await platform?.stop();
});

async function pacedConnection(path: string) {
  return platform.createConnection({
    source: {
      definitionId: findDefinition('source-postgres')!.id,
      config: source.sourceConfig,
    },
    destination: { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig(path) },
    streams: [
      {
        name: 'paced_rows',
        namespace: 'public',
        syncMode: 'full_refresh',
        destinationSyncMode: 'overwrite',
        jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, payload: { type: 'string' } } },
      },
    ],
  });
}

const setPace = (slow: boolean) => source.sql(`UPDATE pace SET slow = ${slow}`);

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A chunk of source rows the child is copying, with data in it: the child is mid-sync. */
const growingChunk = () => waitFor('a chunk file of source rows', async () => (await filesUnder(tmpRoot)).find((f) => /chunk-\d+\.csv$/.test(f) && statSync(f, { throwIfNoEntry: false })?.size));

const replicationChildOf = (pid: number) => waitFor('the replication child', () => childPids(pid)[0]);

const attemptsOf = (jobId: number) => platform.jobStore.attemptsOf([jobId]);

describe('the replication child', () => {
  it('gets an allow-listed environment: no secret key, no database URL, nothing else of the worker', async () => {
    await setPace(true);
    const conn = await pacedConnection('env');
    const job = await platform.services.jobs.sync(conn.connectionId);
    const chunk = await growingChunk();
    const child = await replicationChildOf(worker.pid!);
    const env = environmentOf(child);
    const raw = Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n');

    const databasePassword = new URL(platform.databaseUrl).password;
    for (const secret of [platform.secretKey, platform.databaseUrl, ...(databasePassword.length > 3 ? [databasePassword] : []), ...Object.values(WORKER_ONLY)]) {
      expect(raw).not.toContain(secret);
    }
    const setByWorker = ['TMPDIR', PRELOAD_VARIABLE];
    expect(Object.keys(env).filter((name) => !isPassedToChild(name) && !setByWorker.includes(name))).toEqual([]);
    // What it does need is there: its own attempt's tmp directory, and the connectors' settings.
    // A child spawned ahead of time starts in the worker's TMPDIR and moves to its attempt's with the input.
    const attemptDir = new RegExp(`^${tmpRoot}/attempt-\\d+/`);
    expect(chunk).toMatch(attemptDir);
    expect(env[PRELOAD_VARIABLE] ? env.TMPDIR === tmpdir() : attemptDir.test(`${env.TMPDIR}/`)).toBe(true);
    expect(env.SOURCE_POSTGRES_CHUNK_ROWS).toBe('5000');
    expect(env.PATH).toBe(process.env.PATH);

    await platform.services.jobs.cancel(job.id);
    await platform.waitForJob(job.id);
  }, 120_000);

  it('spill files go when the attempt is cancelled', async () => {
    await setPace(true);
    const conn = await pacedConnection('cancelled');
    const job = await platform.services.jobs.sync(conn.connectionId);
    await growingChunk();
    await platform.services.jobs.cancel(job.id);
    expect((await platform.waitForJob(job.id)).status).toBe('cancelled');
    await waitFor('the cancelled attempt to end', async () => (await attemptsOf(job.id))[0].endedAt);
    expect(await filesUnder(tmpRoot)).toEqual([]);
  }, 120_000);

  it('spill files go when the child is killed (SIGKILL), and the retry lands every row', async () => {
    await setPace(true);
    const conn = await pacedConnection('child-killed');
    const job = await platform.services.jobs.sync(conn.connectionId);
    const chunk = await growingChunk();
    process.kill(await replicationChildOf(worker.pid!), 'SIGKILL');
    await setPace(false);
    const [first] = await waitFor('the killed attempt to end', async () => ((await attemptsOf(job.id))[0].endedAt ? attemptsOf(job.id) : undefined));
    expect(first.failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'replication', externalMessage: expect.stringContaining('signal SIGKILL') });
    expect(existsSync(chunk)).toBe(false);
    expect(await filesUnder(tmpRoot)).toEqual([]);

    expect((await platform.waitForJob(job.id, undefined, 120_000)).status).toBe('succeeded');
    expect(await lake.idStats('child-killed')).toEqual({ rows: ROWS, distinctIds: ROWS, minId: 1, maxId: ROWS });
    expect(await filesUnder(tmpRoot)).toEqual([]);
  }, 180_000);

  it('spill files of a worker killed with its child (SIGKILL) are swept by the next worker', async () => {
    await setPace(true);
    const conn = await pacedConnection('worker-killed');
    const job = await platform.services.jobs.sync(conn.connectionId);
    const chunk = await growingChunk();
    const child = await replicationChildOf(worker.pid!);
    // As a machine crash would: both stopped first, so neither can clean up after the other's death.
    for (const pid of [worker.pid!, child]) process.kill(pid, 'SIGSTOP');
    for (const pid of [worker.pid!, child]) process.kill(pid, 'SIGKILL');
    await exitOf(worker);
    await waitFor('the child to die', () => !isPidAlive(child));
    expect(existsSync(chunk)).toBe(true);
    // An older version's spill directory, straight under the tmp root.
    await mkdir(join(tmpRoot, 'source-postgres-OLD'));
    await writeFile(join(tmpRoot, 'source-postgres-OLD', 'chunk-000000.csv'), '1,private row\n');
    await setPace(false);

    platform.startWorker({ tmpDir: tmpRoot, staleAfterMs: 3000 });
    await waitFor('the old spill directory to be swept', () => !existsSync(join(tmpRoot, 'source-postgres-OLD')));
    await waitFor("the dead attempt's spill files to be swept", () => !existsSync(chunk));
    expect((await platform.waitForJob(job.id, undefined, 120_000)).status).toBe('succeeded');
    expect(await lake.idStats('worker-killed')).toEqual({ rows: ROWS, distinctIds: ROWS, minId: 1, maxId: ROWS });
    expect(await filesUnder(tmpRoot)).toEqual([]);
  }, 180_000);
});
