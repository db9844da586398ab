-- Configuration: workspaces, sources, destinations, discovered catalogs and connections.
-- Column meanings follow Airbyte's Config API; JSON columns hold API-shaped documents.

CREATE TABLE workspaces (
  workspace_id              UUID PRIMARY KEY,
  customer_id               UUID NOT NULL,
  name                      TEXT NOT NULL,
  slug                      TEXT NOT NULL UNIQUE,
  email                     TEXT,
  initial_setup_complete    BOOLEAN NOT NULL DEFAULT false,
  display_setup_wizard      BOOLEAN NOT NULL DEFAULT false,
  anonymous_data_collection BOOLEAN NOT NULL DEFAULT false,
  news                      BOOLEAN NOT NULL DEFAULT false,
  security_updates          BOOLEAN NOT NULL DEFAULT false,
  default_geography         TEXT NOT NULL DEFAULT 'auto' CHECK (default_geography IN ('auto', 'us', 'eu')),
  -- NotificationSettings: which events (sync failure, success, disabled...) go to which webhook.
  notification_settings     JSONB NOT NULL DEFAULT '{}',
  created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Airbyte has one default workspace; clients that never create one use it.
INSERT INTO workspaces (workspace_id, customer_id, name, slug, initial_setup_complete)
VALUES (gen_random_uuid(), gen_random_uuid(), 'default', 'default', true);

-- Sources and destinations share one shape. `configuration` is the connector config with
-- every airbyte_secret value replaced by {"_encrypted": "<AES-256-GCM token>"}.
-- Deleting one sets `tombstone`: jobs and connections keep referring to it.
CREATE TABLE sources (
  source_id            UUID PRIMARY KEY,
  workspace_id         UUID NOT NULL REFERENCES workspaces (workspace_id),
  source_definition_id UUID NOT NULL,
  name                 TEXT NOT NULL,
  configuration        JSONB NOT NULL,
  tombstone            BOOLEAN NOT NULL DEFAULT false,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sources_by_workspace ON sources (workspace_id, created_at) WHERE NOT tombstone;

CREATE TABLE destinations (
  destination_id            UUID PRIMARY KEY,
  workspace_id              UUID NOT NULL REFERENCES workspaces (workspace_id),
  destination_definition_id UUID NOT NULL,
  name                      TEXT NOT NULL,
  configuration             JSONB NOT NULL,
  tombstone                 BOOLEAN NOT NULL DEFAULT false,
  created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX destinations_by_workspace ON destinations (workspace_id, created_at) WHERE NOT tombstone;

-- Catalogs as the source's `discover` returned them (protocol shape). Identical discoveries
-- of one source share a row (same hash), as in Airbyte's actor_catalog.
CREATE TABLE catalogs (
  catalog_id   UUID PRIMARY KEY,
  source_id    UUID NOT NULL REFERENCES sources (source_id),
  catalog      JSONB NOT NULL,
  catalog_hash TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (source_id, catalog_hash)
);
CREATE INDEX catalogs_latest_by_source ON catalogs (source_id, created_at DESC);

CREATE TABLE connections (
  connection_id        UUID PRIMARY KEY,
  workspace_id         UUID NOT NULL REFERENCES workspaces (workspace_id),
  name                 TEXT NOT NULL,
  source_id            UUID NOT NULL REFERENCES sources (source_id),
  destination_id       UUID NOT NULL REFERENCES destinations (destination_id),
  namespace_definition TEXT NOT NULL DEFAULT 'source' CHECK (namespace_definition IN ('source', 'destination', 'customformat')),
  -- With 'customformat': e.g. production_${SOURCE_NAMESPACE}.
  namespace_format     TEXT,
  prefix               TEXT NOT NULL DEFAULT '',
  -- AirbyteCatalog in API shape: streams[{stream, config{syncMode, destinationSyncMode, ...}}].
  sync_catalog         JSONB NOT NULL,
  source_catalog_id    UUID REFERENCES catalogs (catalog_id),
  -- manual: no schedule. basic: every basic_units basic_time_unit. cron: cron_expression in cron_time_zone.
  schedule_type        TEXT NOT NULL DEFAULT 'manual' CHECK (schedule_type IN ('manual', 'basic', 'cron')),
  basic_units          BIGINT CHECK (basic_units > 0),
  basic_time_unit      TEXT CHECK (basic_time_unit IN ('minutes', 'hours', 'days', 'weeks', 'months')),
  cron_expression      TEXT,
  cron_time_zone       TEXT,
  status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'deprecated')),
  operation_ids        UUID[] NOT NULL DEFAULT '{}',
  geography            TEXT NOT NULL DEFAULT 'auto' CHECK (geography IN ('auto', 'us', 'eu')),
  non_breaking_changes_preference TEXT NOT NULL DEFAULT 'ignore'
                       CHECK (non_breaking_changes_preference IN ('ignore', 'disable', 'propagate_columns', 'propagate_fully')),
  notify_schema_changes BOOLEAN NOT NULL DEFAULT false,
  -- ResourceRequirements {cpu_request, cpu_limit, memory_request, memory_limit} for the sync.
  resource_requirements JSONB,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT connections_schedule_complete CHECK (
    (schedule_type = 'manual') OR
    (schedule_type = 'basic' AND basic_units IS NOT NULL AND basic_time_unit IS NOT NULL) OR
    (schedule_type = 'cron' AND cron_expression IS NOT NULL AND cron_time_zone IS NOT NULL)
  )
);
CREATE INDEX connections_by_workspace ON connections (workspace_id, created_at) WHERE status <> 'deprecated';
CREATE INDEX connections_by_source ON connections (source_id);
CREATE INDEX connections_by_destination ON connections (destination_id);
-- The scheduler's scan: active connections with a schedule.
CREATE INDEX connections_scheduled ON connections (connection_id) WHERE status = 'active' AND schedule_type <> 'manual';
