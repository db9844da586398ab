import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database';
import { createPool, migrate, MIGRATIONS_DIR, type Pool } from './db';
import { readdir } from 'node:fs/promises';

describe('migrate', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const pools: Pool[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('migrations', { migrate: false });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db.drop();
  });

  it('applies every migration once, in order, when several processes start at once', async () => {
    for (let i = 0; i < 4; i++) pools.push(createPool(db.url, { max: 1 }));
    const applied = await Promise.all(pools.map((pool) => migrate(pool)));
    const expected = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
    expect(applied.flat()).toEqual(expected);
    const { rows } = await db.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(expected);
    const workspaces = await db.pool.query(`SELECT name, slug FROM workspaces`);
    expect(workspaces.rows).toEqual([{ name: 'default', slug: 'default' }]);
  });

  it('rolls back a failing migration and names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(dir, '900_ok.sql'), 'CREATE TABLE kept_table (id int);');
    await writeFile(join(dir, '901_broken.sql'), 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    await expect(migrate(db.pool, { dir })).rejects.toThrow(/^Migration 901_broken.sql failed: function no_such_function\(\) does not exist/);
    const tables = await db.pool.query(`SELECT to_regclass('kept_table') AS kept, to_regclass('half_done') AS half`);
    expect(tables.rows[0]).toEqual({ kept: 'kept_table', half: null });
  });
});
