// CopyToFile against pg-copy-streams on a real Postgres: the same bytes and row count for many
// rows (so message headers and payloads split across socket reads), for values of several MB,
// and for an empty result; a server error mid-COPY and a cancel leave no hang and fail.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyToFile } from './copy-to-file';
import { startFixturePostgres, type FixturePostgres } from './test/postgres-fixture';

const SLOW = 120_000;
let db: FixturePostgres;
let client: pg.Client;
let dir: string;

beforeAll(async () => {
  db = await startFixturePostgres();
  client = new pg.Client({ connectionString: db.service.connectionUrl('source_db') });
  await client.connect();
  dir = await mkdtemp(join(tmpdir(), 'copy-to-file-'));
}, SLOW);

afterAll(async () => {
  await client?.end();
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, SLOW);

async function copyWithCopyToFile(sql: string, signal?: AbortSignal): Promise<{ rowCount: number; byteCount: number; bytes: Buffer }> {
  const path = join(dir, 'new.csv');
  const file = await open(path, 'w');
  try {
    const { rowCount, byteCount } = await client.query(new CopyToFile(`COPY (${sql}) TO STDOUT (FORMAT csv, HEADER)`, file, signal)).result;
    return { rowCount, byteCount, bytes: await readFile(path) };
  } finally {
    await file.close();
  }
}

async function copyWithPgCopyStreams(sql: string): Promise<{ rowCount: number; bytes: Buffer }> {
  const path = join(dir, 'old.csv');
  const copy = client.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT csv, HEADER)`));
  await pipeline(copy, createWriteStream(path));
  return { rowCount: copy.rowCount, bytes: await readFile(path) };
}

describe('CopyToFile', () => {
  it.each([
    ['many short rows of varying length', `SELECT g, repeat('é"x,' || chr(10), g % 7), CASE WHEN g % 3 = 0 THEN NULL ELSE '' END FROM generate_series(1, 300000) AS g`],
    ['values of several MB', `SELECT g, repeat(md5(g::text), 100000 + g) FROM generate_series(1, 5) AS g`],
    ['no rows', `SELECT 1 AS one WHERE false`],
  ])('writes exactly what pg-copy-streams writes: %s', async (_, sql) => {
    const expected = await copyWithPgCopyStreams(sql);
    const actual = await copyWithCopyToFile(sql);
    expect(actual.rowCount).toBe(expected.rowCount);
    expect(actual.byteCount).toBe(expected.bytes.length);
    expect(actual.bytes.equals(expected.bytes)).toBe(true);
    // The connection is back in pg's hands.
    expect((await client.query('SELECT 41 + 1 AS n')).rows).toEqual([{ n: 42 }]);
  }, SLOW);

  it('fails with the server error raised mid-COPY, and the connection stays usable', async () => {
    await expect(copyWithCopyToFile(`SELECT g, 1 / (g - 150000) FROM generate_series(1, 200000) AS g`)).rejects.toThrow(/division by zero/);
    expect((await client.query('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  }, SLOW);

  it('stops when its signal aborts, failing with an AbortError', async () => {
    const own = new pg.Client({ connectionString: db.service.connectionUrl('source_db') });
    own.on('error', () => {});
    await own.connect();
    const path = join(dir, 'aborted.csv');
    const file = await open(path, 'w');
    try {
      const controller = new AbortController();
      const copy = own.query(new CopyToFile(`COPY (SELECT g, pg_sleep(0.001) FROM generate_series(1, 100000) AS g) TO STDOUT (FORMAT csv)`, file, controller.signal));
      setTimeout(() => controller.abort(), 200);
      await expect(copy.result).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await file.close();
      await own.end().catch(() => {});
    }
  }, SLOW);
});
