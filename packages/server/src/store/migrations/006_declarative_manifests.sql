-- Declarative (low-code) source definitions, registered through Airbyte's Builder endpoints
-- (declarative_source_definitions/create_manifest, list_manifests, update_active_manifest).
-- Such a definition is a custom definition whose `declarative_manifest` is set: the active
-- version's manifest, run by airbyte-cdk's source-declarative-manifest (its `spec` column holds
-- the active version's spec). Every version stays in declarative_manifests.
ALTER TABLE custom_definitions ADD COLUMN declarative_manifest JSONB;
ALTER TABLE custom_definitions ADD COLUMN active_manifest_version BIGINT;

CREATE TABLE declarative_manifests (
  definition_id UUID NOT NULL REFERENCES custom_definitions (definition_id),
  version       BIGINT NOT NULL CHECK (version > 0),
  description   TEXT NOT NULL DEFAULT '',
  manifest      JSONB NOT NULL,
  spec          JSONB NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (definition_id, version)
);
