// The worker wakes on the queue's notification, not its poll: with a poll interval longer than
// the test's timeout, a job enqueued after the worker started still runs, also after the
// database ended the worker's LISTEN session (it listens again).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';

const NEVER_POLLS = 10 * 60_000;
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
  platform.startWorker({ pollIntervalMs: NEVER_POLLS, backoff: { initialMs: 100, factor: 2, maxMs: 500 } });
}, 60_000);
afterAll(() => platform?.stop());

async function syncOnce(name: string) {
  const dir = join(platform.dir, name);
  await mkdir(dir);
  const conn = await platform.createConnection({
    source: { definitionId: FAKE_SOURCE_ID, config: { records: 10, batch_size: 5 } },
    destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: dir } },
    streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }],
  });
  const job = await platform.services.jobs.sync(conn.connectionId);
  return platform.waitForJob(job.id, undefined, 90_000);
}

const listenerPids = async () =>
  (await platform.sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN job_queue'`)).map((r) => r.pid);

it('runs a job enqueued after the worker started, without waiting for a poll', async () => {
  expect((await syncOnce('first')).status).toBe('succeeded');
}, 120_000);

it('listens again after the database ends its LISTEN session, and wakes for the next job', async () => {
  const [pid] = await listenerPids();
  expect(pid).toBeGreaterThan(0);
  await platform.sql('SELECT pg_terminate_backend($1)', [pid]);
  for (let i = 0; i < 200 && !(await listenerPids()).some((p) => p !== pid); i++) await new Promise((r) => setTimeout(r, 50));
  expect(await listenerPids()).not.toContain(pid);
  expect((await syncOnce('second')).status).toBe('succeeded');
}, 120_000);
