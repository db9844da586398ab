// The job-end rule alone: which notifications, and when a connection is disabled, for any threshold.
import { describe, expect, it } from 'vitest';
import type { EndedJob } from '../../store/notification-store';
import { planEndedJob } from './notifications';

const slack = { notificationType: ['slack' as const], slackConfiguration: { webhook: 'http://127.0.0.1:9/hook' } };

function job(overrides: Partial<EndedJob> = {}): EndedJob {
  return {
    jobId: 7,
    configType: 'sync',
    status: 'failed',
    startedAt: new Date(0),
    endedAt: new Date(65_000),
    workspace: { id: 'w', name: 'default', notificationSettings: { sendOnFailure: slack, sendOnSuccess: slack, sendOnSyncDisabled: slack, sendOnSyncDisabledWarning: slack } },
    connection: { id: 'c', name: 'orders', status: 'active' },
    source: { id: 's', name: 'PostgreSQL' },
    destination: { id: 'd', name: 'MinIO S3' },
    stats: { recordsEmitted: 5, bytesEmitted: 2048, recordsCommitted: 3, bytesCommitted: 1024 },
    failure: { type: 'system_error', message: 'boom' },
    consecutiveFailures: 1,
    ...overrides,
  };
}

const settingsOf = (plan: ReturnType<typeof planEndedJob>) => plan.notifications.map((n) => n.setting);

describe('planEndedJob', () => {
  it.each([
    // [threshold, failures in a row, expected settings, disabled]
    [3, 1, ['sendOnFailure'], false],
    [3, 2, ['sendOnFailure', 'sendOnSyncDisabledWarning'], false],
    [3, 3, ['sendOnFailure', 'sendOnSyncDisabled'], true],
    [3, 4, ['sendOnFailure', 'sendOnSyncDisabled'], true],
    [1, 1, ['sendOnFailure', 'sendOnSyncDisabled'], true],
    [5, 4, ['sendOnFailure', 'sendOnSyncDisabledWarning'], false],
    [0, 50, ['sendOnFailure'], false],
  ])('threshold %i, %i failures in a row: %j, disabled %s', (threshold, failures, settings, disabled) => {
    const plan = planEndedJob(job({ consecutiveFailures: failures }), threshold);
    expect(settingsOf(plan)).toEqual(settings);
    expect(plan.disableConnection).toBe(disabled);
  });

  it('does not warn or disable a connection that is already inactive', () => {
    const plan = planEndedJob(job({ consecutiveFailures: 3, connection: { id: 'c', name: 'orders', status: 'inactive' } }), 3);
    expect(settingsOf(plan)).toEqual(['sendOnFailure']);
    expect(plan.disableConnection).toBe(false);
  });

  it('sends only the events whose setting has a Slack webhook', () => {
    const plan = planEndedJob(
      job({ consecutiveFailures: 3, workspace: { id: 'w', name: 'default', notificationSettings: { sendOnFailure: { notificationType: [] }, sendOnSyncDisabled: slack } } }),
      3,
    );
    expect(settingsOf(plan)).toEqual(['sendOnSyncDisabled']);
    expect(plan.disableConnection).toBe(true);
  });

  it('follows a reset with nothing, and a success with the success message', () => {
    expect(planEndedJob(job({ configType: 'reset_connection' }), 3)).toEqual({ disableConnection: false, notifications: [] });
    const success = planEndedJob(job({ status: 'succeeded', failure: null, consecutiveFailures: 0 }), 3);
    expect(settingsOf(success)).toEqual(['sendOnSuccess']);
    const body = success.notifications[0].payload as any;
    expect(body.data).toMatchObject({ success: true, durationInSeconds: 65, durationFormatted: '1 min 5 sec', bytesEmittedFormatted: '2 kB', bytesCommittedFormatted: '1 kB' });
  });
});
