import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError } from './errors.js';
import { PostgresService, type StartedPostgresService } from './postgres.js';
import { tempDir } from './test-dirs.js';

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('PostgresService', () => {
  let root: string;
  let started: StartedPostgresService | undefined;
  beforeAll(async () => {
    root = await tempDir('services-pg');
  });
  afterAll(async () => {
    await started?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('starts, creates a database, stops, and keeps the data across a restart', async () => {
    const dataDir = path.join(root, 'pg');
    started = await new PostgresService({ dataDir }).start();
    const { pid } = started;
    await started.createDatabase('app');
    await started.createDatabase('app'); // idempotent
    const url = started.connectionUrl('app');
    await query(url, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");
    expect((await query(url, 'SHOW wal_level')).rows[0].wal_level).toBe('logical');

    await started.stop();
    expect(isRunning(pid!)).toBe(false);

    started = await new PostgresService({ dataDir }).start();
    expect((await query(started.connectionUrl('app'), 'SELECT v FROM t')).rows).toEqual([{ v: 'kept' }]);
  });

  it('after a kill -9 of the postmaster, says how it ended, stops at once and starts again on the same data', async () => {
    const dataDir = path.join(root, 'pg');
    const crashed = started!;
    process.kill(crashed.pid!, 'SIGKILL');
    expect(await crashed.exited).toBe('killed by SIGKILL');
    await crashed.stop(); // nothing left to stop: must not wait for an exit that already happened

    // A supervisor restarts it on the same port after crash recovery; the committed rows are there.
    started = await new PostgresService({ dataDir, port: crashed.port }).start();
    expect((await query(started.connectionUrl('app'), 'SELECT v FROM t')).rows).toEqual([{ v: 'kept' }]);
  });

  it('refuses a port that is taken, naming it', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await expect(new PostgresService({ dataDir: path.join(root, 'unused'), port }).start()).rejects.toThrow(PortInUseError);
    } finally {
      server.close();
    }
  });
});
