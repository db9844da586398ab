// Issue 12, point 3: after real syncs (the worker, its replication children, the test
// connectors) the workspace's webhook receives Airbyte-shaped Slack messages; a connection
// failing 3 syncs in a row is warned at 2 and disabled at 3; a failing webhook is retried
// with backoff without touching the job, and its URL never reaches the log.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import type { Job } from '../../store/job-store';
import { NotificationStore } from '../../store/notification-store';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID } from '../../testing/fake-connectors';
import { startTestPlatform, type TestPlatform } from '../../testing/platform-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver';
import { NotificationService } from './notifications';

const SECRET_PATH = '/services/T0AIRLOCK/B0TEST/s3cr3t-webhook-token';

let platform: TestPlatform;
let receiver: WebhookReceiver;
const logLines: string[] = [];
let caseNumber = 0;

beforeAll(async () => {
  [platform, receiver] = await Promise.all([startTestPlatform(), startWebhookReceiver()]);
  const log = createLogger('notifications', { level: 'debug', write: (line) => logLines.push(line) });
  // Fast retries, so the test sees a delivery that failed twice arrive.
  const notifications = new NotificationService(new NotificationStore(platform.pool), log, {
    deliveryBackoff: { initialMs: 50, factor: 2, maxMs: 200 },
    maxDeliveries: 4,
    timeoutMs: 5_000,
  });
  platform.startWorker({ notifications, notificationIntervalMs: 100, maxAttempts: 1, autoDisableAfterFailures: 3 });
  const slack = { notificationType: ['slack' as const], slackConfiguration: { webhook: `${receiver.url}${SECRET_PATH}` } };
  const workspace = await platform.configStore.defaultWorkspace();
  await platform.services.workspaces.update(workspace.workspaceId, {
    notificationSettings: { sendOnSuccess: slack, sendOnFailure: slack, sendOnSyncDisabled: slack, sendOnSyncDisabledWarning: slack },
  });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  await receiver?.close();
});

async function connection(source: Record<string, unknown>) {
  const dir = join(platform.dir, `notify-${++caseNumber}`);
  await mkdir(dir);
  return platform.createConnection({
    source: { definitionId: FAKE_SOURCE_ID, config: source },
    destination: { definitionId: FAKE_DESTINATION_ID, config: { directory: dir } },
    streams: [{ name: 'numbers', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }],
  });
}

async function syncAndWait(connectionId: string) {
  const job = await platform.services.jobs.sync(connectionId);
  return platform.waitForJob(job.id);
}

const forJob = (jobId: number) => (w: { body: any }) => w.body?.data?.jobId === jobId;
const titleOf = (w: { body: any }): string => w.body.blocks[0].text.text;

describe('notifications after real syncs', () => {
  it('posts a successful sync in Slack shape (text, blocks, data with counts and duration), retrying a failing webhook without touching the job', async () => {
    const conn = await connection({ records: 250, batch_size: 50 });
    receiver.failNext(2);
    const before = receiver.requests;
    const job = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('succeeded');

    const [message] = await receiver.waitFor(1, forJob(job.id));
    expect(receiver.requests - before).toBeGreaterThanOrEqual(3);
    expect(message.path).toBe(SECRET_PATH);
    expect(message.contentType).toBe('application/json');
    expect(message.body.text).toContain(`job ${job.id} succeeded`);
    expect(titleOf(message)).toBe('Sync completed: test connection');
    expect(message.body.blocks[1].fields.map((f: { text: string }) => f.text)).toEqual([
      '*Source:*',
      'source source-fake',
      '*Destination:*',
      'destination destination-fake',
      '*Duration:*',
      expect.stringMatching(/^\d+ (sec|min \d+ sec)$/),
    ]);
    expect(message.body.blocks.at(-1).text.text).toContain('250 record(s) extracted / 250 record(s) loaded');
    const data = message.body.data;
    expect(data).toMatchObject({
      jobId: job.id,
      success: true,
      connection: { id: conn.connectionId, name: 'test connection' },
      source: { id: conn.sourceId, name: 'source source-fake' },
      destination: { id: conn.destinationId, name: 'destination destination-fake' },
      recordsEmitted: 250,
      recordsCommitted: 250,
      errorMessage: null,
    });
    expect(data.bytesEmitted).toBeGreaterThan(250 * 8);
    expect(data.bytesCommitted).toBe(data.bytesEmitted);
    expect(data.durationInSeconds).toBeGreaterThanOrEqual(0);
    const [row] = await platform.sql(`SELECT status, deliveries, last_error FROM notification_outbox WHERE job_id = $1`, [job.id]);
    expect(row).toEqual({ status: 'delivered', deliveries: 3, last_error: null });
    expect((await platform.jobStore.getJob(job.id))!.status).toBe('succeeded');
    // The failed deliveries were logged with the webhook redacted, never in full.
    const warnings = logLines.filter((l) => l.includes('notification delivery failed'));
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toContain(`${receiver.url}/…`);
    expect(warnings[0]).toContain('answered 500');
    expect(logLines.join('\n')).not.toContain('s3cr3t-webhook-token');
  });

  it('warns after 2 failed syncs in a row and disables the connection at the 3rd, saying so', async () => {
    const conn = await connection({ records: 100, batch_size: 10, fail_after_records: 20, failure_type: 'config_error', password: 'pw-in-error' });
    const jobs: Job[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await syncAndWait(conn.connectionId);
      expect(job.status).toBe('failed');
      jobs.push(job);
    }
    // 3 failures, 1 warning, 1 disabled.
    const messages = await receiver.waitFor(5, (w) => jobs.some((j) => forJob(j.id)(w)));
    const titles = (jobId: number) => messages.filter(forJob(jobId)).map(titleOf).sort();
    expect(titles(jobs[0].id)).toEqual(['Sync failure occurred: test connection']);
    expect(titles(jobs[1].id)).toEqual(['Sync failure occurred: test connection', 'Warning - repeated connection failures: test connection']);
    expect(titles(jobs[2].id)).toEqual(['Connection disabled: test connection', 'Sync failure occurred: test connection']);

    const failure = messages.find((m) => forJob(jobs[0].id)(m) && titleOf(m).startsWith('Sync failure'))!;
    expect(failure.body.data).toMatchObject({ success: false, errorType: 'config_error', recordsCommitted: expect.any(Number) });
    expect(failure.body.data.errorMessage).toContain('injected source failure');
    expect(failure.body.data.errorMessage).not.toContain('pw-in-error');
    expect(failure.body.blocks.map((b: any) => b.text?.text ?? '').join('\n')).toContain('*Failure reason:*');

    const warning = messages.find((m) => titleOf(m).startsWith('Warning'))!;
    expect(warning.body.text).toContain('2 consecutive syncs have failed; one more failure disables the connection (the limit is 3)');
    const disabled = messages.find((m) => titleOf(m).startsWith('Connection disabled'))!;
    expect(disabled.body.blocks[1].text.text).toContain('Your connection has been repeatedly failing and has been automatically disabled.');
    expect(disabled.body.text).toContain('disabled after 3 consecutive failed syncs (the limit is 3)');
    expect((await platform.configStore.getConnection(conn.connectionId))!.status).toBe('inactive');
  });

  it('counts failures in a row since the last success only: one failure after a success sends no warning', async () => {
    const conn = await connection({ records: 10 });
    expect((await syncAndWait(conn.connectionId)).status).toBe('succeeded');
    const failing = await platform.configStore.getConnection(conn.connectionId);
    // One failure after a success: a failure message only, no warning.
    await platform.sql(`UPDATE sources SET configuration = configuration || '{"fail_after_records": 0, "failure_type": "config_error"}' WHERE source_id = $1`, [failing!.sourceId]);
    const job = await syncAndWait(conn.connectionId);
    expect(job.status).toBe('failed');
    const [message] = await receiver.waitFor(1, forJob(job.id));
    expect(titleOf(message)).toBe('Sync failure occurred: test connection');
    // The follow-up is done once the outbox holds its rows: no other message belongs to the job.
    const rows = await platform.sql(`SELECT setting FROM notification_outbox WHERE job_id = $1`, [job.id]);
    expect(rows).toEqual([{ setting: 'sendOnFailure' }]);
    expect((await platform.configStore.getConnection(conn.connectionId))!.status).toBe('active');
  });
});
