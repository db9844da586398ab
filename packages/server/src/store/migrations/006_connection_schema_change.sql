-- Schema evolution: what the latest discovery found against the connection's saved catalog
-- (Airbyte's schemaChange; breakingChange is schema_change = 'breaking'), and why the platform
-- disabled the connection, kept until it is enabled again.
ALTER TABLE connections
  ADD COLUMN schema_change TEXT NOT NULL DEFAULT 'no_change' CHECK (schema_change IN ('no_change', 'non_breaking', 'breaking')),
  ADD COLUMN status_reason TEXT;
