// A real embedded Postgres loaded with fixture.sql, for this connector's tests.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService, type StartedPostgresService } from '@platform/services';

export const FIXTURES_DIR = new URL('.', import.meta.url).pathname;
export const FIXTURE_DATABASE = 'source_db';

export interface FixturePostgres {
  service: StartedPostgresService;
  /** Values for the config.json template. */
  vars: { HOST: string; PORT: number; DATABASE: string; USERNAME: string; PASSWORD: string };
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

/** `logicalReplication` starts the server with wal_level=logical (CDC tests); the fixture's default has it off. */
export async function startFixturePostgres(options: { logicalReplication?: boolean } = {}): Promise<FixturePostgres> {
  const root = await mkdtemp(join(tmpdir(), 'source-postgres-test-'));
  // As root, Postgres runs as the `postgres` user and must be able to traverse the directory.
  await chmod(root, 0o755);
  const service = await new PostgresService({ dataDir: join(root, 'data'), persistent: false, logicalReplication: options.logicalReplication ?? false }).start();
  const sql = async (text: string, params?: unknown[]) => {
    const client = new pg.Client({ connectionString: service.connectionUrl(FIXTURE_DATABASE) });
    await client.connect();
    try {
      return await client.query(text, params);
    } finally {
      await client.end();
    }
  };
  try {
    await service.createDatabase(FIXTURE_DATABASE);
    await sql(await readFile(join(FIXTURES_DIR, 'fixture.sql'), 'utf8'));
  } catch (err) {
    await service.stop();
    throw err;
  }
  return {
    service,
    vars: { HOST: service.host, PORT: service.port, DATABASE: FIXTURE_DATABASE, USERNAME: service.user, PASSWORD: service.password },
    sql,
    stop: async () => {
      await service.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
