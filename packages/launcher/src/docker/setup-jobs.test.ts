// The platform image's own commands in the compose file, run here as the containers run them
// (a Node process with the compose file's environment) against a real Postgres: the
// postgres-init job and the healthchecks.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort, PostgresService, type StartedPostgresService } from '@platform/services';
import { TSX_LOADER } from '@platform/services/tsx-loader';

const JOB = fileURLToPath(new URL('./job.ts', import.meta.url));
const HEALTHCHECK = fileURLToPath(new URL('./healthcheck.mjs', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'setup-jobs-'));
let postgres: StartedPostgresService;

beforeAll(async () => {
  postgres = await new PostgresService({ dataDir: path.join(root, 'pg'), user: 'postgres', password: 'pg-secret-1' }).start();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

async function run(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

const jobEnv = (sourcePassword: string) => ({
  PLATFORM_POSTGRES_HOST: '127.0.0.1',
  PLATFORM_POSTGRES_PORT: String(postgres.port),
  POSTGRES_USER: 'postgres',
  POSTGRES_PASSWORD: 'pg-secret-1',
  SOURCE_DB_USER: 'readonly_user',
  SOURCE_DB_PASSWORD: sourcePassword,
});

async function asReadOnly(password: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ host: '127.0.0.1', port: postgres.port, user: 'readonly_user', password, database: 'source_db' });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

test('postgres-init creates the databases, the demo source_db and its read-only role, and runs again without harm', async () => {
  const first = await run(['--import', TSX_LOADER, JOB, 'postgres-init'], jobEnv('ro-pass-1'));
  expect(first).toMatchObject({ code: 0, output: expect.stringContaining('databases ready') });
  const admin = new pg.Client({ connectionString: postgres.connectionUrl('postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname IN ('platform', 'source_db', 'analytics_db') ORDER BY 1");
    expect(rows.map((r) => r.datname)).toEqual(['analytics_db', 'platform', 'source_db']);
  } finally {
    await admin.end();
  }
  expect(await asReadOnly('ro-pass-1', 'SELECT count(*)::int AS n FROM customers')).toEqual([{ n: 200 }]);
  await expect(asReadOnly('ro-pass-1', "INSERT INTO customers (name, contact) VALUES ('x', '{}')")).rejects.toThrow(/permission denied/);

  // Every `up` runs it again: nothing is duplicated and a changed SOURCE_DB_PASSWORD applies.
  expect((await run(['--import', TSX_LOADER, JOB, 'postgres-init'], jobEnv('ro-pass-2'))).code).toBe(0);
  expect(await asReadOnly('ro-pass-2', 'SELECT count(*)::int AS n FROM customers')).toEqual([{ n: 200 }]);
  await expect(asReadOnly('ro-pass-1', 'SELECT 1')).rejects.toThrow(/password authentication failed/);
});

test('a setup job without its settings exits 1 with one line naming what is missing', async () => {
  const { PLATFORM_POSTGRES_HOST: _, ...incomplete } = jobEnv('x');
  const result = await run(['--import', TSX_LOADER, JOB, 'postgres-init'], incomplete);
  expect(result.code).toBe(1);
  expect(result.output).toMatch(/postgres-init failed: PLATFORM_POSTGRES_HOST is not set/);
  expect((await run(['--import', TSX_LOADER, JOB, 'dremio-init'], {})).output).toMatch(/dremio-init failed: DREMIO_URL, DREMIO_USER and DREMIO_PASSWORD must be set/);
});

test('the worker’s healthcheck passes while its database answers, and fails with the reason when not', async () => {
  const healthy = await run([HEALTHCHECK, 'postgres'], { PLATFORM_DATABASE_URL: postgres.connectionUrl('postgres') });
  expect(healthy.code).toBe(0);
  const closed = await freePort();
  const down = await run([HEALTHCHECK, 'postgres'], { PLATFORM_DATABASE_URL: `postgresql://postgres:x@127.0.0.1:${closed}/platform` });
  expect(down).toMatchObject({ code: 1, output: expect.stringMatching(/^unhealthy: .*ECONNREFUSED/) });
});

test('the HTTP healthcheck accepts only the statuses it is given', async () => {
  let status = 503;
  const server = createServer((_, res) => res.writeHead(status).end()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/health`;
  try {
    expect((await run([HEALTHCHECK, 'http', url, '200', '503'], {})).code).toBe(0);
    expect(await run([HEALTHCHECK, 'http', url], {})).toMatchObject({ code: 1, output: `unhealthy: ${url} answered 503\n` });
    status = 200;
    expect((await run([HEALTHCHECK, 'http', url], {})).code).toBe(0);
  } finally {
    server.close();
  }
});
