// A real embedded Postgres with an empty analytics_db to write to, for this connector's tests.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService, type StartedPostgresService } from '@platform/services';

export const FIXTURES_DIR = new URL('.', import.meta.url).pathname;
export const FIXTURE_DATABASE = 'analytics_db';

export interface DestinationPostgres {
  service: StartedPostgresService;
  /** Values for the config.json template. */
  vars: { HOST: string; PORT: number; DATABASE: string; USERNAME: string; PASSWORD: string };
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  stop(): Promise<void>;
}

export async function startDestinationPostgres(): Promise<DestinationPostgres> {
  const root = await mkdtemp(join(tmpdir(), 'destination-postgres-test-'));
  // As root, Postgres runs as the `postgres` user and must be able to traverse the directory.
  await chmod(root, 0o755);
  const service = await new PostgresService({ dataDir: join(root, 'data'), persistent: false, logicalReplication: false }).start();
  try {
    await service.createDatabase(FIXTURE_DATABASE);
  } catch (err) {
    await service.stop();
    throw err;
  }
  return {
    service,
    vars: { HOST: service.host, PORT: service.port, DATABASE: FIXTURE_DATABASE, USERNAME: service.user, PASSWORD: service.password },
    async sql<R extends pg.QueryResultRow>(text: string, params?: unknown[]) {
      const client = new pg.Client({ connectionString: service.connectionUrl(FIXTURE_DATABASE) });
      await client.connect();
      try {
        await client.query("SET TimeZone = 'UTC'");
        return await client.query<R>(text, params);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      await service.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
