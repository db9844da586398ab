// The docker runtime's postgres-init job: the embedded runtime's own database setup
// (postgres-setup.ts: `platform`, the demo `source_db`, `analytics_db`, the read-only role),
// run against the postgres container once it is healthy, on every `up` (it is idempotent).
import { createDatabase } from '@platform/services';
import { prepareDatabases } from '../postgres-setup';

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  sourceDb: { user: string; password: string };
}

/** The job's settings, from the environment the compose file gives it. */
export function postgresTargetFromEnv(env: NodeJS.ProcessEnv): PostgresTarget {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set (compose/docker-compose.yml sets it for postgres-init)`);
    return value;
  };
  const port = Number(required('PLATFORM_POSTGRES_PORT'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PLATFORM_POSTGRES_PORT: "${env.PLATFORM_POSTGRES_PORT}" is not a port number`);
  return {
    host: required('PLATFORM_POSTGRES_HOST'),
    port,
    user: required('POSTGRES_USER'),
    password: required('POSTGRES_PASSWORD'),
    sourceDb: { user: required('SOURCE_DB_USER'), password: required('SOURCE_DB_PASSWORD') },
  };
}

export async function initPostgres(target: PostgresTarget): Promise<void> {
  const url = (database = 'postgres') =>
    `postgresql://${encodeURIComponent(target.user)}:${encodeURIComponent(target.password)}@${target.host}:${target.port}/${encodeURIComponent(database)}`;
  await prepareDatabases(
    { connectionUrl: url, createDatabase: (name) => createDatabase(url(), name) },
    { postgres: { user: target.user, password: target.password, sourceDb: target.sourceDb } },
  );
}
