-- The query service's catalog: S3 sources, spaces and views (Dremio's VDS). Its own schema in
-- the platform's database, so it depends on no other package's tables.
CREATE TABLE lake_query.sources (
  id         UUID PRIMARY KEY,
  name       TEXT NOT NULL,
  type       TEXT NOT NULL,
  -- The Dremio source config; accessSecret sealed with PLATFORM_SECRET_KEY.
  config     JSONB NOT NULL,
  tag        UUID NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sources_name ON lake_query.sources (lower(name));

CREATE TABLE lake_query.spaces (
  id         UUID PRIMARY KEY,
  name       TEXT NOT NULL,
  tag        UUID NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX spaces_name ON lake_query.spaces (lower(name));

CREATE TABLE lake_query.views (
  id         UUID PRIMARY KEY,
  path       TEXT[] NOT NULL,
  -- Lower-cased path: names are case-insensitive.
  path_key   TEXT NOT NULL UNIQUE,
  sql        TEXT NOT NULL,
  context    TEXT[] NOT NULL DEFAULT '{}',
  tag        UUID NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
