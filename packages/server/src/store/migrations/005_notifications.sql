-- Job-end follow-up (notifications, auto-disable) and the webhook outbox.
--
-- jobs.ended_at: when the job reached succeeded, failed or cancelled (metrics: duration,
-- freshness). jobs.end_handled_at: when the job-end follow-up ran; a worker picks up ended
-- jobs without it, so the follow-up survives a worker dying between the end and the hook.
ALTER TABLE jobs ADD COLUMN ended_at TIMESTAMPTZ;
ALTER TABLE jobs ADD COLUMN end_handled_at TIMESTAMPTZ;
UPDATE jobs j SET ended_at = COALESCE((SELECT max(a.ended_at) FROM attempts a WHERE a.job_id = j.id), j.updated_at),
                  end_handled_at = now()
 WHERE status IN ('succeeded', 'failed', 'cancelled');
CREATE INDEX jobs_end_unhandled ON jobs (id) WHERE end_handled_at IS NULL AND status IN ('succeeded', 'failed');

-- One webhook message to deliver. The webhook itself is not copied here: it is read from the
-- workspace's notification_settings[setting] at delivery time (one place holds it).
CREATE TABLE notification_outbox (
  id              BIGSERIAL PRIMARY KEY,
  workspace_id    UUID NOT NULL REFERENCES workspaces (workspace_id),
  -- A NotificationSettings key: sendOnFailure, sendOnSuccess, sendOnSyncDisabled, ...
  setting         TEXT NOT NULL,
  job_id          BIGINT REFERENCES jobs (id) ON DELETE CASCADE,
  -- The Slack-shaped body: { text, blocks, data }.
  payload         JSONB NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
  deliveries      INT NOT NULL DEFAULT 0,
  -- A pending row is tried at this time; a worker taking it pushes it on by a lease.
  next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_error      TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  delivered_at    TIMESTAMPTZ
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id) WHERE status = 'pending';
