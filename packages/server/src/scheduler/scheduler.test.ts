// The scheduler against a real Postgres: due runs are enqueued once, never on top of an
// unfinished job, only for active scheduled connections; one leader among processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger';
import type { ConnectionSchedule } from '../store/config-store';
import { startTestPlatform, quietLog, type TestPlatform } from '../testing/platform-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';
import { runSchedulerPass, startScheduler } from './scheduler';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
}, 60_000);
afterAll(() => platform?.stop());

async function scheduledConnection(schedule: ConnectionSchedule, status: 'active' | 'inactive' = 'active') {
  return platform.createConnection({
    source: { definitionId: FAKE_SOURCE_ID, config: { records: 1 } },
    destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: platform.dir } },
    streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }],
    schedule,
    status,
  });
}

const jobsOf = async (connectionId: string) => platform.sql<{ id: number; status: string }>('SELECT id, status FROM jobs WHERE connection_id = $1 ORDER BY id', [connectionId]);
const finishAll = (connectionId: string) => platform.sql(`UPDATE jobs SET status = 'succeeded' WHERE connection_id = $1`, [connectionId]);
const pass = () => runSchedulerPass(platform.jobStore, quietLog);

describe('scheduler pass', () => {
  it('runs a scheduled connection that never ran at once, and never on top of its unfinished job', async () => {
    const conn = await scheduledConnection({ type: 'basic', units: 24, timeUnit: 'hours' });
    await pass();
    expect(await jobsOf(conn.connectionId)).toEqual([{ id: expect.any(Number), status: 'pending' }]);
    await pass();
    expect(await jobsOf(conn.connectionId)).toHaveLength(1);
    // Finished just now: the next run is 24 h away.
    await finishAll(conn.connectionId);
    await pass();
    expect(await jobsOf(conn.connectionId)).toHaveLength(1);
  });

  it('runs a run missed while the platform was down once, not once per missed slot', async () => {
    const conn = await scheduledConnection({ type: 'cron', cronExpression: '0 */6 * * *', cronTimeZone: 'UTC' });
    // The last run was three days ago: twelve 6-hourly slots were missed.
    const [old] = await platform.sql(`INSERT INTO jobs (connection_id, config_type, status, created_at) VALUES ($1, 'sync', 'succeeded', now() - interval '3 days') RETURNING id`, [conn.connectionId]);
    await pass();
    await finishAll(conn.connectionId);
    await pass();
    const jobs = await jobsOf(conn.connectionId);
    expect(jobs.map((j) => j.id)).toEqual([old.id, expect.any(Number)]);
  });

  it('leaves manual and inactive connections alone', async () => {
    const manual = await scheduledConnection({ type: 'manual' });
    const inactive = await scheduledConnection({ type: 'basic', units: 1, timeUnit: 'minutes' }, 'inactive');
    await pass();
    expect(await jobsOf(manual.connectionId)).toEqual([]);
    expect(await jobsOf(inactive.connectionId)).toEqual([]);
  });
});

describe('scheduler leader election', () => {
  it('runs the scheduler in exactly one process, and another takes over when the leader stops', async () => {
    const events: string[] = [];
    const logOf = (name: string) =>
      createLogger(name, {
        level: 'info',
        write: (line) => {
          const { msg } = JSON.parse(line) as { msg: string };
          if (msg.includes('scheduler leader')) events.push(`${name}: ${msg}`);
        },
      });
    const options = { pool: platform.pool, jobStore: platform.jobStore, tickIntervalMs: 100, leaderCheckIntervalMs: 200 };
    const first = startScheduler({ ...options, log: logOf('first') });
    await new Promise((r) => setTimeout(r, 500));
    const second = startScheduler({ ...options, log: logOf('second') });
    await new Promise((r) => setTimeout(r, 1000));
    expect(events).toEqual(['first: this process is now the scheduler leader']);
    await first.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await second.stop();
    expect(events).toEqual([
      'first: this process is now the scheduler leader',
      'first: this process is no longer the scheduler leader',
      'second: this process is now the scheduler leader',
      'second: this process is no longer the scheduler leader',
    ]);
  });
});
