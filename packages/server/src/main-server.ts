// The API server process: `tsx src/main-server.ts`. Configuration from the environment:
//   PLATFORM_DATABASE_URL (required)   the platform's own Postgres
//   PLATFORM_SECRET_KEY   (required)   32 bytes hex/base64; encrypts connector secrets
//   the API's bind address, port, allowed hosts and origins, authentication and limits:
//   see ./api/api-settings.ts (PLATFORM_API_*, BASIC_AUTH_USERNAME / BASIC_AUTH_PASSWORD)
import { apiOptionsFromEnv } from './api/api-settings';
import { createApiServer } from './api/http-server';
import { createPlatformServices } from './app';
import { createLogger } from './logger';
import { migrate } from './store/db';

const log = createLogger('server');

function requiredEnv(name: string, hint: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

async function main(): Promise<void> {
  // Settings first: a bad one must stop the process before it touches the database.
  const apiOptions = apiOptionsFromEnv(process.env);
  const services = createPlatformServices({
    databaseUrl: requiredEnv('PLATFORM_DATABASE_URL', 'the URL of the platform database, e.g. postgres://platform:secret@127.0.0.1:5432/platform'),
    secretKey: requiredEnv('PLATFORM_SECRET_KEY', 'generate one with `openssl rand -hex 32`'),
    log,
  });
  await migrate(services.pool, { log: log.child('migrations') });
  const api = createApiServer(services, apiOptions);
  const url = await api.listen();
  log.info('api listening', { url, authentication: apiOptions.authenticators?.length ? 'basic' : 'none' });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await api.close();
    await services.close();
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
