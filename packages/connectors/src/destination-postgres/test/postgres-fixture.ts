// A real embedded Postgres with an empty analytics_db to write to, for this connector's tests.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { PostgresService, type StartedPostgresService } from '@platform/services';

export const FIXTURES_DIR = new URL('.', import.meta.url).pathname;
export const FIXTURE_DATABASE = 'analytics_db';
const MAIN = new URL('../../main.ts', import.meta.url).pathname;

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

export interface CliWriter {
  child: ChildProcessByStdio<Writable, null, null>;
  running(): boolean;
  exited: Promise<unknown>;
}

/**
 * The connector's CLI `write` with `config` and `catalog` written to `dir`, straight through tsx's
 * loader: one process, so a SIGKILL hits the writer itself. Its stdin is left to the caller.
 */
export async function spawnCliWriter(dir: string, config: unknown, catalog: unknown): Promise<CliWriter> {
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  await writeFile(join(dir, 'catalog.json'), JSON.stringify(catalog));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'destination-postgres', 'write', '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  let running = true;
  const exited = new Promise((resolve) => child.once('close', resolve)).finally(() => (running = false));
  return { child, running: () => running, exited };
}
