// Connects the way source-postgres does (libpq's sslmode semantics, a session in UTC with ISO
// dates), under this connector's application name.
import type pg from 'pg';
import type { ConnectorContext } from '../framework/connector';
import { connect } from '../source-postgres/connection';
import type { ResolvedConfig } from './config';
import type { ErrorContext } from './errors';

export const CHECK_CONNECT_TIMEOUT_MS = 10_000;
export const WRITE_CONNECT_TIMEOUT_MS = 30_000;

export async function openConnection(config: ResolvedConfig, connectTimeoutMs: number, ctx?: ConnectorContext): Promise<pg.Client> {
  const client = await connect({ ...config, jdbc_url_params: 'ApplicationName=airlock-destination-postgres' }, { connectTimeoutMs, ctx });
  // The SQL built here quotes literals the standard way ('' for '), whatever the server's default.
  try {
    await client.query('SET standard_conforming_strings = on');
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}

export function errorContext(config: ResolvedConfig, table?: string): ErrorContext {
  return { host: config.host, port: config.port, database: config.database, username: config.username, table };
}
