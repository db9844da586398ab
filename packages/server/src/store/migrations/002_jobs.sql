-- Jobs, attempts, their logs, and connection state: the worker's durable queue and output.

-- One job = one sync or reset of one connection. Status follows Airbyte's JobStatus:
-- pending -> running -> (incomplete -> running)* -> succeeded | failed | cancelled.
CREATE TABLE jobs (
  id                  BIGSERIAL PRIMARY KEY,
  config_type         TEXT NOT NULL CHECK (config_type IN ('sync', 'reset_connection')),
  connection_id       UUID NOT NULL REFERENCES connections (connection_id),
  status              TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'running', 'incomplete', 'succeeded', 'failed', 'cancelled')),
  -- Streams a reset applies to (source-side descriptors); NULL = every stream of the connection.
  reset_streams       JSONB,
  -- A pending/incomplete job is not claimed before this (retry backoff).
  run_after           TIMESTAMPTZ NOT NULL DEFAULT now(),
  cancel_requested_at TIMESTAMPTZ,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- When the first attempt began.
  started_at          TIMESTAMPTZ
);

-- At most one unfinished job per connection: this is what keeps one connection from ever
-- running twice at once, whichever worker or machine claims it, and what makes the
-- scheduler and connections/sync refuse to stack a second run.
CREATE UNIQUE INDEX jobs_one_active_per_connection
  ON jobs (connection_id) WHERE status IN ('pending', 'running', 'incomplete');
CREATE INDEX jobs_claimable ON jobs (run_after, id) WHERE status IN ('pending', 'incomplete');
CREATE INDEX jobs_by_connection ON jobs (connection_id, created_at DESC);

-- One attempt = one run of the replication child for a job. attempt_number starts at 0
-- (Airbyte's AttemptRead.id).
CREATE TABLE attempts (
  id              BIGSERIAL PRIMARY KEY,
  job_id          BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt_number  INT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'failed', 'succeeded')),
  worker_id       TEXT NOT NULL,
  heartbeat_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  records_synced  BIGINT NOT NULL DEFAULT 0,
  bytes_synced    BIGINT NOT NULL DEFAULT 0,
  -- AttemptStats and AttemptStreamStats[] as the API returns them.
  total_stats     JSONB NOT NULL DEFAULT '{}',
  stream_stats    JSONB NOT NULL DEFAULT '[]',
  -- AttemptFailureSummary: { failures: FailureReason[], partialSuccess }.
  failure_summary JSONB,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  ended_at        TIMESTAMPTZ,
  UNIQUE (job_id, attempt_number)
);
CREATE UNIQUE INDEX attempts_one_running_per_job ON attempts (job_id) WHERE status = 'running';
CREATE INDEX attempts_running_heartbeat ON attempts (heartbeat_at) WHERE status = 'running';

-- Attempt logs live in the database so any server, on any machine, can return them.
CREATE TABLE attempt_logs (
  id         BIGSERIAL PRIMARY KEY,
  attempt_id BIGINT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
  line       TEXT NOT NULL
);
CREATE INDEX attempt_logs_by_attempt ON attempt_logs (attempt_id, id);

-- Last committed state of each connection, keyed by SOURCE-side stream descriptors.
-- STREAM: one row per stream. GLOBAL: one row with empty stream_name holding shared_state
-- plus one row per stream. LEGACY: one row with empty stream_name. A NULL namespace is ''.
CREATE TABLE connection_state (
  connection_id    UUID NOT NULL REFERENCES connections (connection_id),
  state_type       TEXT NOT NULL CHECK (state_type IN ('STREAM', 'GLOBAL', 'LEGACY')),
  stream_namespace TEXT NOT NULL DEFAULT '',
  stream_name      TEXT NOT NULL DEFAULT '',
  state            JSONB,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, stream_namespace, stream_name)
);
