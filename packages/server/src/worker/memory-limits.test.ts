// PLATFORM_RESOURCES and a connection's own resourceRequirements reach the replication
// child, and running out of memory is reported as such, naming the limit to raise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../testing/fake-connectors';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
  platform.startWorker({ maxAttempts: 1, resources: { source: { memory_limit: '48Mi' }, destination: { memory_limit: '48Mi' } } });
});
afterAll(() => platform?.stop());

describe('memory limits', () => {
  it('caps the child heap at source + destination memory_limit and reports an OOM clearly', async () => {
    const conn = await platform.createConnection({
      source: { definitionId: FAKE_SOURCE_ID, config: { records: 10, hold_mb: 400 } },
      destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: platform.dir } },
      streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'append' }],
    });
    const job = await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id);
    expect(job.status).toBe('failed');
    const [attempt] = await platform.jobStore.attemptsOf([job.id]);
    expect(attempt.failureSummary?.failures[0]).toMatchObject({
      failureOrigin: 'replication',
      failureType: 'system_error',
      externalMessage: expect.stringContaining('ran out of memory (heap limit 96 MiB'),
    });
  });

  it('gives the child of a connection with its own resourceRequirements that limit instead of the worker’s', async () => {
    const conn = await platform.createConnection({
      source: { definitionId: FAKE_SOURCE_ID, config: { records: 10, hold_mb: 400 } },
      destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: platform.dir } },
      streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'append' }],
      resourceRequirements: { memory_limit: '40Mi' },
    });
    const job = await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id);
    expect(job.status).toBe('failed');
    const [attempt] = await platform.jobStore.attemptsOf([job.id]);
    // 40 MiB for each of source and destination: an 80 MiB heap, not the worker's 96 MiB.
    expect(attempt.failureSummary?.failures[0]).toMatchObject({
      failureOrigin: 'replication',
      failureType: 'system_error',
      externalMessage: expect.stringContaining("ran out of memory (heap limit 80 MiB, from the connection's resourceRequirements.memory_limit"),
    });
  });
});
