// The platform containers' healthchecks (compose/docker-compose.yml), plain JavaScript so that
// each check starts in a fraction of a second, without the TypeScript loader:
//   node healthcheck.mjs http <url> [ok status...]   the URL answers one of the statuses (default 200)
//   node healthcheck.mjs postgres                    PLATFORM_DATABASE_URL answers SELECT 1
// Exit 0 when healthy; 1 with the reason on stderr.
import pg from 'pg';

const TIMEOUT_MS = 4_000;

async function check([kind, ...args]) {
  if (kind === 'http') {
    const [url, ...statuses] = args;
    const ok = statuses.length ? statuses.map(Number) : [200];
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!ok.includes(response.status)) throw new Error(`${url} answered ${response.status}`);
    return;
  }
  if (kind === 'postgres') {
    const connectionString = process.env.PLATFORM_DATABASE_URL;
    if (!connectionString) throw new Error('PLATFORM_DATABASE_URL is not set');
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
    return;
  }
  throw new Error(`usage: healthcheck.mjs http <url> [status...] | postgres`);
}

try {
  await check(process.argv.slice(2));
  process.exit(0);
} catch (error) {
  process.stderr.write(`unhealthy: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
