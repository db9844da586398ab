// The query service's tables in the platform's Postgres, in schema `lake_query` with its own
// migration record, applied in filename order under an advisory lock (several starters may race).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';

export const SCHEMA = 'lake_query';
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** "lake-query migrations"; distinct from the server's lock. */
const MIGRATION_LOCK_KEY = 727_009;

export function createPool(databaseUrl: string): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max: 4 });
}

/** Applies pending migrations; returns the files it applied. */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
      version TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: string }>(`SELECT version FROM ${SCHEMA}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const done: string[] = [];
    for (const file of files.filter((f) => !applied.has(f))) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, checksum) VALUES ($1, $2)`, [file, createHash('sha256').update(sql).digest('hex')]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`lake-query migration ${file} failed: ${(error as Error).message}`);
      }
      done.push(file);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
