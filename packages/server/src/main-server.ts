// The API server process: `tsx src/main-server.ts`. Configuration from the environment:
//   PLATFORM_DATABASE_URL (required)   the platform's own Postgres
//   PLATFORM_SECRET_KEY   (required)   32 bytes hex/base64; encrypts connector secrets
//   PLATFORM_API_HOST     (127.0.0.1)  PLATFORM_API_PORT (8001)  PLATFORM_CORS_ORIGIN (*)
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
  const services = createPlatformServices({
    databaseUrl: requiredEnv('PLATFORM_DATABASE_URL', 'the URL of the platform database, e.g. postgres://platform:secret@127.0.0.1:5432/platform'),
    secretKey: requiredEnv('PLATFORM_SECRET_KEY', 'generate one with `openssl rand -hex 32`'),
    log,
  });
  await migrate(services.pool, { log: log.child('migrations') });
  const api = createApiServer(services, {
    host: process.env.PLATFORM_API_HOST ?? '127.0.0.1',
    port: Number(process.env.PLATFORM_API_PORT ?? 8001),
    corsOrigin: process.env.PLATFORM_CORS_ORIGIN,
  });
  const url = await api.listen();
  log.info('api listening', { url });

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
