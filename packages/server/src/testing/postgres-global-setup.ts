// Vitest global setup: one embedded Postgres for the whole test run. Test files get its
// URL through inject('postgresUrl') and create their own databases (./test-database.ts).
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresService } from '@platform/services';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://user:password@host:port/postgres of the run's embedded Postgres. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'server-tests-pg-'));
  // Running as root, Postgres runs as the `postgres` user, which must traverse the directory.
  await chmod(dataDir, 0o755);
  const postgres = await new PostgresService({ dataDir, persistent: false }).start();
  project.provide('postgresUrl', postgres.connectionUrl('postgres'));
  return async () => {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
