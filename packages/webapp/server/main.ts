// Process entry of the web UI's server (started by `platform up`): configuration from the
// environment the launcher sets, a log line once it listens, clean stop on SIGTERM/SIGINT.
import { ensureWebappBuilt, WEBAPP_DIST } from './build';
import { startWebappServer } from './static-server';

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the launcher sets it; see packages/launcher/src/supervisor.ts)`);
  return value;
}

try {
  const port = Number(required('WEBAPP_PORT'));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`WEBAPP_PORT: "${process.env.WEBAPP_PORT}" is not a port number`);
  if (!process.env.WEBAPP_DIST && (await ensureWebappBuilt()) === 'built') log(`built the web UI into ${WEBAPP_DIST} (it was missing)`);
  const server = await startWebappServer({
    distDir: process.env.WEBAPP_DIST ?? WEBAPP_DIST,
    apiUrl: required('WEBAPP_API_URL'),
    queryUrl: process.env.WEBAPP_QUERY_URL,
    host: process.env.WEBAPP_HOST ?? '127.0.0.1',
    port,
    log,
  });
  log(`webapp listening on ${server.url} (API ${process.env.WEBAPP_API_URL}, query service ${process.env.WEBAPP_QUERY_URL ?? 'none'})`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log(`stopping (${signal})`);
      void server.close().then(() => process.exit(0));
    });
  }
} catch (error) {
  log(`webapp failed to start: ${(error as Error).message}`);
  process.exit(1);
}
