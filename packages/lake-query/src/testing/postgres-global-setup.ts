// Vitest global setup: one embedded Postgres for the run; files create their own databases.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresService } from '@platform/services';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lake-query-tests-pg-'));
  await chmod(dataDir, 0o755); // as root, Postgres runs as `postgres`, which must traverse it
  const postgres = await new PostgresService({ dataDir, persistent: false }).start();
  project.provide('postgresUrl', postgres.connectionUrl('postgres'));
  return async () => {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
