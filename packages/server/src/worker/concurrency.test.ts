// Two worker processes sharing one queue: the load is shared, and no connection ever runs
// twice at once (the database allows one unfinished job per connection).
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { spawnWorkerProcess } from '../testing/processes';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';

const CONNECTIONS = 4;
const ROUNDS = 2;

let platform: TestPlatform;
const workers = new Map<string, ChildProcess>();

beforeAll(async () => {
  platform = await startTestPlatform();
  for (const id of ['worker-a', 'worker-b']) {
    // One job at a time each: with the default five, either worker alone could take all four.
    const env = { PLATFORM_DATABASE_URL: platform.databaseUrl, PLATFORM_SECRET_KEY: platform.secretKey, WORKER_ID: id, WORKER_SHUTDOWN_GRACE_MS: '1000', WORKER_MAX_JOBS: '1' };
    workers.set(id, spawnWorkerProcess(env));
  }
}, 60_000);
afterAll(async () => {
  await Promise.all([...workers.values()].map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : (w.once('exit', resolve), w.kill('SIGTERM'))))));
  await platform?.stop();
});

describe('several workers', () => {
  it('share the jobs without running one connection twice at once', async () => {
    const connections = await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, i) => {
        const dir = join(platform.dir, `c${i}`);
        await mkdir(dir);
        return platform.createConnection({
          source: { definitionId: FAKE_SOURCE_ID, config: { records: 40, batch_size: 10, delay_ms: 100 } },
          destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: dir } },
          streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'append' }],
        });
      }),
    );

    for (let round = 0; round < ROUNDS; round++) {
      // Many concurrent requests per connection still make one job each.
      const requested = await Promise.all(connections.flatMap((c) => Array.from({ length: 5 }, () => platform.services.jobs.sync(c.connectionId))));
      const jobIds = [...new Set(requested.map((j) => j.id))];
      expect(jobIds).toHaveLength(CONNECTIONS);
      const finished = await Promise.all(jobIds.map((id) => platform.waitForJob(id, undefined, 120_000)));
      expect(finished.map((j) => j.status)).toEqual(jobIds.map(() => 'succeeded'));
    }

    const overlapping = await platform.sql(
      `SELECT a1.id, a2.id FROM attempts a1
       JOIN jobs j1 ON j1.id = a1.job_id
       JOIN attempts a2 ON a2.id > a1.id
       JOIN jobs j2 ON j2.id = a2.job_id AND j2.connection_id = j1.connection_id
       WHERE tstzrange(a1.created_at, a1.ended_at) && tstzrange(a2.created_at, a2.ended_at)`,
    );
    expect(overlapping).toEqual([]);
    const byWorker = await platform.sql<{ worker_id: string; n: number }>('SELECT worker_id, count(*)::int AS n FROM attempts GROUP BY worker_id ORDER BY worker_id');
    expect(byWorker.map((r) => r.worker_id)).toEqual(['worker-a', 'worker-b']);
    expect(byWorker.reduce((n, r) => n + r.n, 0)).toBe(CONNECTIONS * ROUNDS);
  }, 240_000);

  it('a worker stopped with SIGTERM fails its attempt as transient and exits; another worker finishes the job', async () => {
    const dir = join(platform.dir, 'slow');
    await mkdir(dir);
    const conn = await platform.createConnection({
      source: { definitionId: FAKE_SOURCE_ID, config: { records: 2000, batch_size: 10, state_every: 100, delay_ms: 50 } },
      destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: dir } },
      streams: [{ name: 'numbers', namespace: 'public', syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['id'] }],
    });
    const job = await platform.services.jobs.sync(conn.connectionId);
    await platform.waitForJob(job.id, (j) => j.status === 'running');
    const [{ worker_id: runner }] = await platform.sql<{ worker_id: string }>('SELECT worker_id FROM attempts WHERE job_id = $1', [job.id]);
    const stopped = workers.get(runner)!;
    const exited = new Promise<number | null>((resolve) => stopped.once('exit', resolve));
    stopped.kill('SIGTERM');
    expect(await exited).toBe(0);

    const done = await platform.waitForJob(job.id, undefined, 120_000);
    expect(done.status).toBe('succeeded');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts[0]).toMatchObject({ workerId: runner, status: 'failed' });
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureType: 'transient_error', externalMessage: expect.stringContaining('shut down') });
    expect(attempts[attempts.length - 1]).toMatchObject({ status: 'succeeded' });
    expect(attempts[attempts.length - 1].workerId).not.toBe(runner);
  }, 180_000);
});
