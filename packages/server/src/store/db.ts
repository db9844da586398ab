// The platform's own Postgres: a pool, transactions, and versioned migrations.
// Migrations are the *.sql files of ./migrations, applied in filename order, each in its own
// transaction and recorded in schema_migrations. A session advisory lock serializes
// concurrent starters (server and workers may boot at once against one database).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from '../shared/logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Arbitrary constant, shared by every process of the platform: "airlock migrations". */
const MIGRATION_LOCK_KEY = 727_001;

// int8 (BIGSERIAL job ids, counts) as JS numbers: ids and byte counts stay far below 2^53.
// Set per pool, not on pg's global registry, which connectors running in-process share.
const platformTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createPool(databaseUrl: string, options: { max?: number } = {}): Pool {
  return new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10, types: platformTypes });
}

/** Runs `fn` in a transaction on one pooled client; rolls back when it throws. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface MigrateOptions {
  dir?: string;
  log?: Logger;
}

/** Applies pending migrations; returns the versions it applied. Safe to call from many processes at once. */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<string[]> {
  const dir = options.dir ?? MIGRATIONS_DIR;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    TEXT PRIMARY KEY,
      checksum   TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const newlyApplied: string[] = [];
    for (const file of files) {
      const sql = await readFile(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = applied.get(file);
      if (previous !== undefined) {
        // An edited, already-applied migration is not re-run; say so instead of drifting silently.
        if (previous !== checksum) options.log?.warn('applied migration changed on disk; add a new migration instead', { version: file });
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [file, checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`Migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      newlyApplied.push(file);
      options.log?.info('migration applied', { version: file });
    }
    return newlyApplied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
