// The databases of the embedded cluster: `platform` (the control plane's store),
// `source_db` (the demo source, with a read-only role for the "PostgreSQL" source) and an
// empty `analytics_db` (for the guide's PostgreSQL destination).
import pg from 'pg';
import type { StartedPostgresService } from '@platform/services';
import type { PlatformConfig } from './config';
import { createDemoSchema } from './demo-data';

export const PLATFORM_DATABASE = 'platform';
export const SOURCE_DATABASE = 'source_db';
export const ANALYTICS_DATABASE = 'analytics_db';

/** Idempotent. Runs on the embedded cluster, and in the docker runtime's postgres-init job (docker/postgres-init.ts). */
export async function prepareDatabases(postgres: Pick<StartedPostgresService, 'createDatabase' | 'connectionUrl'>, config: Pick<PlatformConfig, 'postgres'>): Promise<void> {
  for (const name of [PLATFORM_DATABASE, SOURCE_DATABASE, ANALYTICS_DATABASE]) await postgres.createDatabase(name);
  const db = new pg.Client({ connectionString: postgres.connectionUrl(SOURCE_DATABASE) });
  await db.connect();
  try {
    // Only a source_db without any demo table gets the demo; user changes survive restarts.
    const { rows } = await db.query(
      "SELECT to_regclass('public.customers') IS NULL AND to_regclass('public.orders') IS NULL AND to_regclass('public.products') IS NULL AS empty",
    );
    if (rows[0].empty) await createDemoSchema(db);
    await ensureReadOnlyRole(db, config.postgres.sourceDb);
  } finally {
    await db.end();
  }
}

/** The source's login: SELECT on source_db's public schema, now and for tables made later. */
async function ensureReadOnlyRole(db: pg.Client, { user, password }: { user: string; password: string }): Promise<void> {
  const role = db.escapeIdentifier(user);
  const secret = db.escapeLiteral(password);
  const { rowCount } = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
  // Re-applying the password each start lets SOURCE_DB_PASSWORD change between runs.
  await db.query(rowCount ? `ALTER ROLE ${role} LOGIN PASSWORD ${secret}` : `CREATE ROLE ${role} LOGIN PASSWORD ${secret}`);
  await db.query(`GRANT CONNECT ON DATABASE ${SOURCE_DATABASE} TO ${role}`);
  await db.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await db.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
  await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${role}`);
}
