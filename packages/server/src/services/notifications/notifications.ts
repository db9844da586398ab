// Notifications as Airbyte sends them: after a sync job ends, the workspace's
// notificationSettings say which events go to which Slack-compatible webhook; repeated
// failures warn, then disable the connection. Nothing here runs inside a sync: the job-end
// follow-up and the deliveries run from the worker's own loop over the database (the outbox),
// so a slow or failing webhook never holds up or fails a job, and is retried with backoff.
import type { ApiSchemas } from '../../schemas/api-schemas';
import { backoffDelayMs, type BackoffPolicy } from '../../shared/backoff';
import type { Logger } from '../../shared/logger';
import type { EndedJob, EndedJobPlan, NotificationSettingKey, NotificationStore } from '../../store/notification-store';
import { jobMessage, textMessage, type JobMessageKind, type SyncSummary } from './slack-message';
import { postWebhook, redactWebhook, WebhookError, webhookProblem } from './webhook';

/** The guide's rule: a connection failing 3 syncs in a row is disabled (a warning comes at 2). */
export const DEFAULT_AUTO_DISABLE_AFTER_FAILURES = 3;

export interface NotificationPolicy {
  /** Waits between delivery attempts of one message. */
  deliveryBackoff: BackoffPolicy;
  /** Attempts of one message before it is given up (and logged as failed). */
  maxDeliveries: number;
  /** How long one POST may take. */
  timeoutMs: number;
}

export const DEFAULT_NOTIFICATION_POLICY: NotificationPolicy = {
  deliveryBackoff: { initialMs: 5_000, factor: 2, maxMs: 5 * 60_000 },
  maxDeliveries: 6,
  timeoutMs: 10_000,
};

type NotificationRead = ApiSchemas['NotificationRead'];
type NotificationTrigger = ApiSchemas['NotificationTrigger'];

const TEST_TAG = 'THIS IS A TEST NOTIFICATION';

/** Airbyte's test texts for the triggers it has no job message for. */
const TEST_TEXTS: Record<NotificationTrigger, string> = {
  sync_success: 'Hello World! This is a test from Airbyte to try slack notification settings for sync successes.',
  sync_failure: 'Hello World! This is a test from Airbyte to try slack notification settings for sync failures.',
  connection_update: 'Hello World! This is a test from Airbyte to try slack notification settings for connection update warning.',
  sync_disabled: 'Hello World! This is a test from Airbyte to try slack notification settings for sync disabled.',
  sync_disabled_warning: 'Hello World! This is a test from Airbyte to try slack notification settings for your sync is about to be disabled.',
  connection_update_action_required:
    'Hello World! This is a test from Airbyte to try slack notification settings about your connection has been updated and action is required.',
  breaking_change_warning: 'Hello World! This is a test from Airbyte to try slack notification settings for breaking change warnings.',
  breaking_change_syncs_disabled: 'Hello World! This is a test from Airbyte to try slack notification settings for syncs disabled by a breaking change.',
};

const TEST_JOB_MESSAGES: Partial<Record<NotificationTrigger, JobMessageKind>> = {
  sync_success: 'success',
  sync_failure: 'failure',
  sync_disabled_warning: 'disableWarning',
  sync_disabled: 'disabled',
};

function testSummary(success: boolean): SyncSummary {
  const named = (name: string) => ({ id: '00000000-0000-0000-0000-000000000000', name });
  const now = new Date();
  return {
    workspace: named('Workspace'),
    connection: named('Test Connection'),
    source: named('The Source'),
    destination: named('The Destination'),
    jobId: 10,
    isSuccess: success,
    startedAt: new Date(now.getTime() - 3_600_000),
    finishedAt: now,
    recordsEmitted: 10_000,
    bytesEmitted: 159_341_141,
    recordsCommitted: success ? 10_000 : 10,
    bytesCommitted: success ? 159_341_141 : 1_893_412,
    errorType: success ? null : 'transient_error',
    errorMessage: success ? null : 'This is test notification. Everything is fine! This is where the error message will show up when an actual sync fails.',
  };
}

/** The webhook a setting sends to, or null when it is off or not a Slack one. */
export function slackWebhookOf(settings: ApiSchemas['NotificationSettings'], key: NotificationSettingKey): string | null {
  const item = settings[key];
  if (!item?.notificationType?.includes('slack')) return null;
  return item.slackConfiguration?.webhook || null;
}

function summaryOf(job: EndedJob): SyncSummary {
  return {
    workspace: { id: job.workspace.id, name: job.workspace.name },
    connection: { id: job.connection.id, name: job.connection.name },
    source: job.source,
    destination: job.destination,
    jobId: job.jobId,
    isSuccess: job.status === 'succeeded',
    startedAt: job.startedAt,
    finishedAt: job.endedAt,
    ...job.stats,
    errorType: job.failure?.type ?? null,
    errorMessage: job.failure?.message ?? null,
  };
}

/** What follows a job's end: which notifications, and whether the connection is disabled. */
export function planEndedJob(job: EndedJob, autoDisableAfterFailures: number): EndedJobPlan {
  const plan: EndedJobPlan = { disableConnection: false, notifications: [] };
  if (job.configType !== 'sync') return plan;
  const settings = job.workspace.notificationSettings;
  const summary = summaryOf(job);
  const add = (setting: NotificationSettingKey, kind: JobMessageKind, extra?: string) => {
    if (slackWebhookOf(settings, setting)) plan.notifications.push({ setting, payload: jobMessage(kind, summary, { extra }) });
  };
  if (job.status === 'succeeded') {
    add('sendOnSuccess', 'success');
    return plan;
  }
  add('sendOnFailure', 'failure');
  const n = job.consecutiveFailures;
  const limit = autoDisableAfterFailures;
  if (limit > 0 && n >= limit && job.connection.status === 'active') {
    plan.disableConnection = true;
    add('sendOnSyncDisabled', 'disabled', `It was disabled after ${n} consecutive failed syncs (the limit is ${limit}); fix the cause, then enable it again.`);
  } else if (limit > 1 && n === limit - 1 && job.connection.status === 'active') {
    add('sendOnSyncDisabledWarning', 'disableWarning', `${n} consecutive syncs have failed; one more failure disables the connection (the limit is ${limit}).`);
  }
  return plan;
}

export class NotificationService {
  private readonly policy: NotificationPolicy;

  constructor(
    private readonly store: NotificationStore,
    private readonly log: Logger,
    policy: Partial<NotificationPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_NOTIFICATION_POLICY, ...policy };
  }

  /** notifications/try_webhook: sends the trigger's test message once, now. */
  async tryWebhook(slackConfiguration: ApiSchemas['SlackNotificationConfiguration'], trigger: NotificationTrigger): Promise<NotificationRead> {
    const kind = TEST_JOB_MESSAGES[trigger];
    const body = kind ? jobMessage(kind, testSummary(kind === 'success'), { tag: TEST_TAG }) : textMessage(TEST_TEXTS[trigger]);
    return this.sendNow(slackConfiguration?.webhook, body);
  }

  /** notifications/try: Airbyte's older form, a test text for the events the notification covers. */
  async tryNotification(notification: ApiSchemas['Notification']): Promise<NotificationRead> {
    if (notification.notificationType !== 'slack') {
      return { status: 'failed', message: `notificationType ${notification.notificationType} is not supported here; use slack (any Slack-compatible webhook)` };
    }
    const trigger: NotificationTrigger = notification.sendOnFailure === false && notification.sendOnSuccess ? 'sync_success' : 'sync_failure';
    return this.sendNow(notification.slackConfiguration?.webhook, textMessage(TEST_TEXTS[trigger]));
  }

  private async sendNow(webhook: string | undefined, body: unknown): Promise<NotificationRead> {
    const problem = webhookProblem(webhook);
    if (problem) return { status: 'failed', message: problem };
    try {
      await postWebhook(webhook!, body, this.policy.timeoutMs);
      return { status: 'succeeded' };
    } catch (err) {
      if (err instanceof WebhookError) return { status: 'failed', message: err.message };
      throw err;
    }
  }

  /**
   * Follows up every ended job not yet followed up; returns how many. A connection whose
   * sync failed `autoDisableAfterFailures` times in a row is disabled (0: never).
   */
  async handleEndedJobs(autoDisableAfterFailures = DEFAULT_AUTO_DISABLE_AFTER_FAILURES): Promise<number> {
    let handled = 0;
    while (
      await this.store.handleNextEndedJob((job) => {
        const plan = planEndedJob(job, autoDisableAfterFailures);
        if (plan.disableConnection) {
          this.log.warn('disabled a connection after repeated failed syncs', {
            connectionId: job.connection.id,
            jobId: job.jobId,
            consecutiveFailures: job.consecutiveFailures,
            limit: autoDisableAfterFailures,
          });
        }
        return plan;
      })
    ) {
      handled++;
    }
    return handled;
  }

  /**
   * Sends what is due in the outbox; a failure is retried later with backoff, then given up.
   * `signal` stops it between messages (a stopping worker): what it leased is retried later.
   */
  async deliverDue(signal?: AbortSignal, batch = 20): Promise<void> {
    const { deliveryBackoff, maxDeliveries, timeoutMs } = this.policy;
    for (;;) {
      const due = await this.store.claimDueDeliveries(batch, timeoutMs * 3);
      for (const d of due) {
        if (signal?.aborted) return;
        if (!d.webhook) {
          await this.store.markGivenUp(d.id, 'skipped', `${d.setting} no longer sends to a Slack webhook`);
          continue;
        }
        try {
          await postWebhook(d.webhook, d.payload, timeoutMs, signal);
          await this.store.markDelivered(d.id);
        } catch (err) {
          if (!(err instanceof WebhookError)) throw err;
          if (signal?.aborted) return;
          const attempt = d.deliveries + 1;
          const fields = { notificationId: d.id, setting: d.setting, webhook: redactWebhook(d.webhook), attempt, error: err.message };
          if (attempt >= maxDeliveries) {
            this.log.error('gave up delivering a notification', fields);
            await this.store.markGivenUp(d.id, 'failed', err.message);
          } else {
            const retryInMs = backoffDelayMs(attempt, deliveryBackoff);
            this.log.warn('notification delivery failed; retrying', { ...fields, retryInMs });
            await this.store.markRetry(d.id, err.message, retryInMs);
          }
        }
      }
      if (due.length < batch || signal?.aborted) return;
    }
  }
}
