// The API server process: `tsx src/main-server.ts`. Configuration from the environment:
//   PLATFORM_DATABASE_URL (required)   the platform's own Postgres
//   PLATFORM_SECRET_KEY   (required)   32 bytes hex/base64; encrypts connector secrets
//   the API's bind address, port, allowed hosts and origins, authentication and limits:
//   see ./api/api-settings.ts (PLATFORM_API_*, BASIC_AUTH_USERNAME / BASIC_AUTH_PASSWORD)
//   PLATFORM_S3_ENDPOINT, PLATFORM_S3_REGION, PLATFORM_S3_BUCKET, PLATFORM_S3_ACCESS_KEY_ID,
//   PLATFORM_S3_SECRET_ACCESS_KEY   the platform's own S3 server, which /health checks
//                                   (all or none; the launcher sets them)
//   PLATFORM_API_CLIENT_ID, PLATFORM_API_CLIENT_SECRET   the public API's application (both or
//                                   none; the launcher sets them), registered at start
//   PLATFORM_CONNECTOR_CHECK_TIMEOUT_SECONDS, PLATFORM_CONNECTOR_DISCOVER_TIMEOUT_SECONDS
//                             how long check (default 60) and discover (default 300) may take
//   PLATFORM_CONNECTORS_DIR   virtualenvs of custom connectors (create_custom); default
//                             <PLATFORM_STATE_DIR>/connectors; neither: create_custom is refused
import { join } from 'node:path';
import { apiOptionsFromEnv } from './api/api-settings';
import { createApiServer } from './api/http-server';
import { createPlatform } from './app';
import { connectorTimeoutsFromEnv } from './services/actors';
import type { PlatformS3Settings } from './services/dependency-checks';
import { createLogger } from './shared/logger';
import { migrate } from './store/db';

const log = createLogger('server');

function requiredEnv(name: string, hint: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

const S3_ENV: Record<keyof PlatformS3Settings, string> = {
  endpoint: 'PLATFORM_S3_ENDPOINT',
  region: 'PLATFORM_S3_REGION',
  bucket: 'PLATFORM_S3_BUCKET',
  accessKeyId: 'PLATFORM_S3_ACCESS_KEY_ID',
  secretAccessKey: 'PLATFORM_S3_SECRET_ACCESS_KEY',
};

/** The platform's S3 settings from the environment: all of them, or none (no S3 check). */
function platformS3FromEnv(): PlatformS3Settings | undefined {
  const names = Object.values(S3_ENV);
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length === names.length) return undefined;
  if (missing.length) throw new Error(`${missing.join(', ')} not set: the platform's S3 settings come together (${names.join(', ')})`);
  return Object.fromEntries(Object.entries(S3_ENV).map(([key, name]) => [key, process.env[name]])) as unknown as PlatformS3Settings;
}

/** The public API's application from the environment: both settings, or none. */
function applicationFromEnv(): { clientId: string; clientSecret: string } | undefined {
  const clientId = process.env.PLATFORM_API_CLIENT_ID;
  const clientSecret = process.env.PLATFORM_API_CLIENT_SECRET;
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) throw new Error(`${clientId ? 'PLATFORM_API_CLIENT_SECRET' : 'PLATFORM_API_CLIENT_ID'} is not set: the public API's application needs both`);
  return { clientId, clientSecret };
}

async function main(): Promise<void> {
  // Settings first: a bad one must stop the process before it touches the database.
  const apiOptions = apiOptionsFromEnv(process.env);
  const application = applicationFromEnv();
  const connectorTimeouts = connectorTimeoutsFromEnv(process.env);
  const platform = createPlatform({
    databaseUrl: requiredEnv('PLATFORM_DATABASE_URL', 'the URL of the platform database, e.g. postgres://platform:secret@127.0.0.1:5432/platform'),
    secretKey: requiredEnv('PLATFORM_SECRET_KEY', 'generate one with `openssl rand -hex 32`'),
    log,
    platformS3: platformS3FromEnv(),
    connectorTimeouts,
    connectorsDir: process.env.PLATFORM_CONNECTORS_DIR ?? (process.env.PLATFORM_STATE_DIR ? join(process.env.PLATFORM_STATE_DIR, 'connectors') : undefined),
  });
  await migrate(platform.pool, { log: log.child('migrations') });
  // Registered on every start, so the credentials `platform credentials` prints always work.
  if (application) await platform.services.applications.ensure({ ...application, name: 'platform' });
  await platform.services.definitions.refresh();
  const api = createApiServer(platform.services, apiOptions);
  const url = await api.listen();
  log.info('api listening', { url, authentication: apiOptions.authenticators?.length ? 'basic' : 'none' });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await api.close();
    await platform.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  log.error('startup failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
