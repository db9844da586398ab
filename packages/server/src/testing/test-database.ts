// A fresh database in the test run's Postgres for one test file, migrated unless it stands
// for someone else's database (a source's).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool, migrate, type Pool } from '../store/db';

export async function createTestDatabase(prefix = 'test', options: { migrate?: boolean } = {}): Promise<{ url: string; pool: Pool; drop(): Promise<void> }> {
  const adminUrl = inject('postgresUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), { max: 2 });
  // pool.end() resolves before its connections have closed; DROP ... WITH (FORCE) then terminates
  // them, and a pool without an error listener would throw that out of the test run.
  pool.on('error', () => undefined);
  if (options.migrate !== false) await migrate(pool);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
