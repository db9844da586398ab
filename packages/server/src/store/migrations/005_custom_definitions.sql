-- Connector definitions registered through source_definitions/create_custom and
-- destination_definitions/create_custom. `command` and `args` start the installed executable
-- (a console script in the definition's own virtualenv); `spec` is what it answered to `spec`
-- at registration, so reading the spec never starts a process. Deleting one sets `tombstone`:
-- sources and destinations keep referring to it.
CREATE TABLE custom_definitions (
  definition_id     UUID PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('source', 'destination')),
  workspace_id      UUID NOT NULL REFERENCES workspaces (workspace_id),
  name              TEXT NOT NULL,
  docker_repository TEXT NOT NULL,
  docker_image_tag  TEXT NOT NULL,
  documentation_url TEXT NOT NULL DEFAULT '',
  command           TEXT NOT NULL,
  args              JSONB NOT NULL DEFAULT '[]',
  spec              JSONB NOT NULL,
  tombstone         BOOLEAN NOT NULL DEFAULT false,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
