// The replication child spawned ahead of time, with a worker against a real Postgres and the
// test connectors in real child processes: an attempt runs in it and the next one is spawned
// when the attempt ends; a connection with its own memory limit gets a child of its own (its
// heap flag differs) and leaves the waiting one; it exits with its worker, killed or stopped.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isPidAlive } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';
import { environmentOf, replicationChildOf, spawnWorkerProcess, waitFor } from '../testing/processes';
import { PRELOAD_VARIABLE } from './child-protocol';
import type { Worker } from './worker';

let platform: TestPlatform;
let worker: Worker;
let caseNumber = 0;

beforeAll(async () => {
  platform = await startTestPlatform();
  worker = platform.startWorker();
}, 60_000);
afterAll(() => platform?.stop());

/** A full refresh of `records` counter rows to a fresh JSONL directory; the ids it wrote. */
async function syncRecords(records: number, resourceRequirements?: { memory_limit: string }) {
  const dir = join(platform.dir, `case-${++caseNumber}`);
  await mkdir(dir);
  const conn = await platform.createConnection({
    source: { definitionId: FAKE_SOURCE_ID, config: { records, batch_size: 100, state_every: 300 } },
    destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: dir } },
    streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }],
    resourceRequirements,
  });
  const job = await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id);
  const file = join(dir, 'public.numbers.jsonl');
  const ids = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id as number) : [];
  return { job, ids };
}

const waitingChild = () => waitFor('a replication child spawned ahead of time', () => replicationChildOf(process.pid));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('the replication child spawned ahead of time', () => {
  it('runs the next attempt, and another is spawned once that attempt ends', async () => {
    const ahead = await waitingChild();
    expect(environmentOf(ahead)[PRELOAD_VARIABLE]).toBe('1');
    const { job, ids } = await syncRecords(1000);
    expect(job.status).toBe('succeeded');
    expect(ids).toEqual(range(1000));
    // It ran the attempt and exited with it; its successor waits.
    expect(isPidAlive(ahead)).toBe(false);
    const next = await waitingChild();
    expect(next).not.toBe(ahead);
  });

  it('is left waiting when a connection’s own memory limit needs a child with another heap limit', async () => {
    const ahead = await waitingChild();
    const { job, ids } = await syncRecords(500, { memory_limit: '256Mi' });
    expect(job.status).toBe('succeeded');
    expect(ids).toEqual(range(500));
    expect(isPidAlive(ahead)).toBe(true);
    expect(await waitingChild()).toBe(ahead);
  });

  it('exits when its worker is killed (SIGKILL) while it waits', async () => {
    const doomed = spawnWorkerProcess({ PLATFORM_DATABASE_URL: platform.databaseUrl, PLATFORM_SECRET_KEY: platform.secretKey, WORKER_ID: 'doomed-worker' });
    try {
      const ahead = await waitFor("the killed worker's child spawned ahead of time", () => replicationChildOf(doomed.pid!));
      doomed.kill('SIGKILL');
      await waitFor('the orphaned child to exit', () => !isPidAlive(ahead), 10_000);
    } finally {
      doomed.kill('SIGKILL');
    }
  });

  it('stops when the worker stops', async () => {
    const ahead = await waitingChild();
    await worker.stop(5_000);
    await waitFor('the waiting child to exit', () => !isPidAlive(ahead), 10_000);
  });
});
