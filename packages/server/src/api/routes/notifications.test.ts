// notifications/try and notifications/try_webhook against a real local receiver, and the
// workspace's notificationSettings through workspaces/update and workspaces/get.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver';

const SECRET_PATH = '/services/T0TRY/B0TRY/try-webhook-token';

describe('notifications', () => {
  let api: TestApi;
  let receiver: WebhookReceiver;
  let webhook: string;
  beforeAll(async () => {
    [api, receiver] = await Promise.all([startTestApi(), startWebhookReceiver()]);
    webhook = `${receiver.url}${SECRET_PATH}`;
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  it('keeps every notification setting of a workspace (workspaces/update, then workspaces/get)', async () => {
    const { workspaceId } = (await api.post('workspaces/list')).body.workspaces[0];
    const slack = { notificationType: ['slack'], slackConfiguration: { webhook } };
    const notificationSettings = {
      sendOnFailure: slack,
      sendOnSuccess: slack,
      sendOnSyncDisabled: slack,
      sendOnSyncDisabledWarning: slack,
      sendOnConnectionUpdate: slack,
      sendOnConnectionUpdateActionRequired: { notificationType: [] },
      sendOnBreakingChangeWarning: slack,
      sendOnBreakingChangeSyncsDisabled: slack,
    };
    const updated = await api.post('workspaces/update', { workspaceId, notificationSettings });
    expect(updated.status).toBe(200);
    expect(updated.body.notificationSettings).toEqual(notificationSettings);
    expect((await api.post('workspaces/get', { workspaceId })).body.notificationSettings).toEqual(notificationSettings);
  });

  it('try_webhook posts the trigger\'s test message in Slack shape', async () => {
    const res = await api.post('notifications/try_webhook', { notificationTrigger: 'sync_failure', slackConfiguration: { webhook } });
    expect(res).toEqual({ status: 200, body: { status: 'succeeded' } });
    const [message] = await receiver.waitFor(1, (w) => w.body.blocks?.[0]?.text?.text?.includes('Sync failure occurred'));
    expect(message.path).toBe(SECRET_PATH);
    expect(message.body.blocks[0].text.text).toBe('[THIS IS A TEST NOTIFICATION] Sync failure occurred: Test Connection');
    expect(message.body.data).toMatchObject({ success: false, jobId: 10, recordsEmitted: 10000, recordsCommitted: 10, errorType: 'transient_error' });

    const disabled = await api.post('notifications/try_webhook', { notificationTrigger: 'sync_disabled', slackConfiguration: { webhook } });
    expect(disabled.body).toEqual({ status: 'succeeded' });
    await receiver.waitFor(1, (w) => w.body.text?.includes('automatically disabled'));

    const other = await api.post('notifications/try_webhook', { notificationTrigger: 'breaking_change_warning', slackConfiguration: { webhook } });
    expect(other.body).toEqual({ status: 'succeeded' });
    await receiver.waitFor(1, (w) => w.body.text?.startsWith('Hello World!') && w.body.text.includes('breaking change'));
  });

  it('notifications/try sends the test text of the events it covers', async () => {
    const res = await api.post('notifications/try', { notificationType: 'slack', sendOnSuccess: true, sendOnFailure: false, slackConfiguration: { webhook } });
    expect(res.body).toEqual({ status: 'succeeded' });
    await receiver.waitFor(1, (w) => w.body.text === 'Hello World! This is a test from Airbyte to try slack notification settings for sync successes.');
  });

  it('reports a failing or unreachable webhook as failed, naming the cause but not the webhook\'s secret path', async () => {
    receiver.failNext(1, 503);
    const failing = await api.post('notifications/try_webhook', { notificationTrigger: 'sync_success', slackConfiguration: { webhook } });
    expect(failing.status).toBe(200);
    expect(failing.body.status).toBe('failed');
    expect(failing.body.message).toBe(`the webhook at ${receiver.url}/… answered 503: failing on purpose`);

    const closed = await startWebhookReceiver();
    await closed.close();
    const unreachable = await api.post('notifications/try_webhook', { notificationTrigger: 'sync_success', slackConfiguration: { webhook: `${closed.url}${SECRET_PATH}` } });
    expect(unreachable.body.status).toBe('failed');
    expect(unreachable.body.message).toMatch(new RegExp(`^could not reach the webhook at ${closed.url.replace(/\./g, '\\.')}/…: `));

    const malformed = await api.post('notifications/try_webhook', { notificationTrigger: 'sync_success', slackConfiguration: { webhook: 'not a url' } });
    expect(malformed.body).toEqual({ status: 'failed', message: 'slackConfiguration.webhook is not a URL' });
    const missing = await api.post('notifications/try_webhook', { notificationTrigger: 'sync_success' });
    expect(missing.body).toEqual({ status: 'failed', message: 'slackConfiguration.webhook is empty' });
    const badTrigger = await api.post('notifications/try_webhook', { notificationTrigger: 'sync_exploded', slackConfiguration: { webhook } });
    expect(badTrigger.status).toBe(422);

    const everything = [JSON.stringify([failing, unreachable]), ...api.logLines].join('\n');
    expect(everything).not.toContain('try-webhook-token');
  });
});
