// Process entry of the query service (started by `platform up`): configuration from the
// environment the launcher sets, logs as lines on stdout, clean stop on SIGTERM/SIGINT.
import path from 'node:path';
import { parseSecretKey } from './store/sealed';
import { startLakeQuery } from './service';

const env = process.env;
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

function required(name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (the launcher sets it; see packages/launcher/src/supervisor.ts)`);
  return value;
}

function number(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: "${raw}" is not a positive number`);
  return value;
}

try {
  const service = await startLakeQuery({
    databaseUrl: required('PLATFORM_DATABASE_URL'),
    secretKey: parseSecretKey(env.PLATFORM_SECRET_KEY),
    host: env.LAKE_QUERY_HOST ?? '127.0.0.1',
    restPort: number('LAKE_QUERY_PORT', 9047),
    pgPort: number('LAKE_QUERY_PG_PORT', 15432),
    user: required('LAKE_QUERY_USER'),
    password: required('LAKE_QUERY_PASSWORD'),
    memoryLimitMiB: number('LAKE_QUERY_DUCKDB_MEMORY_MIB', 512),
    queryTimeoutMs: number('LAKE_QUERY_TIMEOUT_SECONDS', 300) * 1000,
    maxConcurrentQueries: number('LAKE_QUERY_MAX_CONCURRENT', 4),
    tempDir: env.LAKE_QUERY_TEMP_DIR ?? path.join(process.cwd(), 'lake-query-spill'),
    log,
  });
  log('lake-query started');
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`stopping (${signal})`);
      service.stop().then(
        () => process.exit(0),
        (error) => {
          log(`stop failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  log(`lake-query failed to start: ${(error as Error).message}`);
  process.exit(1);
}
