// Opens a pg connection the way libpq's sslmode would, and sets the session up so that
// every value renders the same way whatever the server's defaults are.
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { ConnectorContext } from '../framework/connector';
import type { PostgresSourceConfig, SslModeConfig } from './config';
import { refusedPlainConnection, refusedSsl, toConnectorError, type ErrorContext } from './errors';

/** check must answer quickly; a read may wait longer for a busy server. */
export const CHECK_CONNECT_TIMEOUT_MS = 10_000;
export const READ_CONNECT_TIMEOUT_MS = 30_000;

type SslOption = false | ConnectionOptions;

interface SslAttempt {
  ssl: SslOption;
  /** Whether a failure of this attempt should fall through to the next one. */
  fallBackOn?: (err: Error) => boolean;
}

function verifiedTls(mode: SslModeConfig, verifyHostName: boolean): ConnectionOptions {
  return {
    rejectUnauthorized: true,
    ca: mode.ca_certificate,
    cert: mode.client_certificate,
    key: mode.client_key,
    passphrase: mode.client_key_password,
    ...(verifyHostName ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** The connection attempts, in order, that libpq would make for this sslmode. */
function sslAttempts(mode: SslModeConfig): SslAttempt[] {
  const encryptedUnverified: ConnectionOptions = { rejectUnauthorized: false };
  switch (mode.mode) {
    case 'disable':
      return [{ ssl: false }];
    case 'allow':
      // Plain first; SSL only when the server's pg_hba.conf refuses plain connections.
      return [{ ssl: false, fallBackOn: refusedPlainConnection }, { ssl: encryptedUnverified }];
    case 'prefer':
      return [{ ssl: encryptedUnverified, fallBackOn: refusedSsl }, { ssl: false }];
    case 'require':
      return [{ ssl: encryptedUnverified }];
    case 'verify-ca':
      return [{ ssl: verifiedTls(mode, false) }];
    case 'verify-full':
      return [{ ssl: verifiedTls(mode, true) }];
  }
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray '%' is meant literally
  }
};

/** `key1=value1&key2=value2` → map; only keys node-postgres can honour are used. */
function jdbcParams(config: PostgresSourceConfig, ctx?: ConnectorContext): Partial<pg.ClientConfig> {
  const out: Partial<pg.ClientConfig> = {};
  const ignored: string[] = [];
  for (const pair of (config.jdbc_url_params ?? '').split('&').filter(Boolean)) {
    const [key, ...rest] = pair.split('=');
    const value = safeDecode(rest.join('='));
    if (key === 'ApplicationName' || key === 'applicationName') out.application_name = value;
    else if (key === 'connectTimeout' && Number(value) > 0) out.connectionTimeoutMillis = Number(value) * 1000;
    else if (key === 'options') out.options = value;
    else ignored.push(key);
  }
  // Names only: values may hold secrets.
  if (ignored.length > 0) ctx?.log('WARN', `Ignoring unsupported jdbc_url_params keys: ${ignored.join(', ')}`);
  return out;
}

export function errorContext(config: PostgresSourceConfig, stream?: string): ErrorContext {
  return { host: config.host, port: config.port, database: config.database, username: config.username, stream };
}

// Every output setting a value's text depends on, whatever the server's or role's defaults:
// timestamps may reach a destination as PostgreSQL writes them (CsvFileBatch.postgresTimestamps),
// floats in their shortest exact form (3 also before PostgreSQL 12), bytea inside arrays as hex.
const SESSION_SETUP =
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex'";

/** Connects (trying SSL variants per ssl_mode) and prepares the session; throws a mapped ConnectorError. */
export async function connect(
  config: PostgresSourceConfig & { ssl_mode: SslModeConfig },
  options: { connectTimeoutMs: number; ctx?: ConnectorContext },
): Promise<pg.Client> {
  return (await connectWithSettings(config, options)).client;
}

/**
 * connect, also returning the client settings that worked (the SSL variant included), so a
 * replication connection to the same server can be opened the same way.
 */
export async function connectWithSettings(
  config: PostgresSourceConfig & { ssl_mode: SslModeConfig },
  options: { connectTimeoutMs: number; ctx?: ConnectorContext },
): Promise<{ client: pg.Client; settings: pg.ClientConfig }> {
  const base: pg.ClientConfig = {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password ?? '',
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
    application_name: 'airlock-source-postgres',
    ...jdbcParams(config, options.ctx),
  };
  const attempts = sslAttempts(config.ssl_mode);
  for (let i = 0; ; i++) {
    const settings = { ...base, ssl: attempts[i].ssl };
    const client = new pg.Client(settings);
    // An idle connection that dies emits 'error'; the next query rejects with it anyway.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(SESSION_SETUP);
      return { client, settings };
    } catch (err) {
      await client.end().catch(() => {});
      const isLast = i === attempts.length - 1;
      if (isLast || !attempts[i].fallBackOn?.(err as Error)) throw toConnectorError(err, errorContext(config));
    }
  }
}
