// The worker process: claims jobs from the Postgres queue and runs each attempt in a
// replication child; the one worker holding the leader lock also runs the scheduler.
//
// Environment:
//   PLATFORM_DATABASE_URL    the platform's Postgres (required)
//   PLATFORM_SECRET_KEY      decrypts connector secrets (required)
//   PLATFORM_STATE_DIR       replication children spill temporary files under <dir>/tmp, one
//                            directory per attempt, removed when it ends and swept at start
//                            (without it, under a fresh directory in the system's tmp)
//   PLATFORM_RESOURCES       JSON {source, destination, orchestrator: {memory_limit, ...}};
//                            see resource-limits.ts for how limits reach the child
//   JOB_MAIN_CONTAINER_{CPU,MEMORY}_{REQUEST,LIMIT}, REPLICATION_ORCHESTRATOR_*
//                            Airbyte's names for the same limits (each connector; the
//                            orchestrator); PLATFORM_RESOURCES's roles win over them
//   WORKER_ID                names this worker in attempts and logs (default host-pid)
//   WORKER_MAX_JOBS          jobs run at once by this process (default 5)
//   WORKER_MEMORY_BUDGET     the running children's memory limits (source + destination
//                            memory_limit each) add up to at most this, e.g. "8Gi"; jobs that
//                            do not fit wait (default 75% of the machine's memory)
//   MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE
//                            failed syncs in a row that disable a connection, with a warning
//                            notification one failure before (default 3; 0 never disables)
//   PLATFORM_CONNECTOR_HEARTBEAT_SECONDS, PLATFORM_CONNECTOR_SYNC_TIMEOUT_SECONDS
//                            an external connector's read or write silent this long (default
//                            1800), or running this long (default 259200, 3 days), is stopped
//                            and its attempt failed saying so
//   WORKER_SHUTDOWN_GRACE_MS on SIGTERM, how long running attempts may finish (default 20000)
//                            before they are stopped and failed as transient (then retried)
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createPlatform } from './app';
import { createLogger } from './shared/logger';
import { startScheduler } from './scheduler/scheduler';
import { migrate } from './store/db';
import { resourceLimitsFromEnv } from './worker/resources';
import { externalTimeoutsFromEnv, workerSettingsFromEnv } from './worker/settings';
import { Worker } from './worker/worker';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const workerId = process.env.WORKER_ID || `${hostname()}-${process.pid}`;
  const log = createLogger('worker', {}, { workerId });
  const settings = workerSettingsFromEnv(process.env);
  const externalTimeouts = externalTimeoutsFromEnv(process.env);
  const platform = createPlatform({ databaseUrl: requiredEnv('PLATFORM_DATABASE_URL'), secretKey: requiredEnv('PLATFORM_SECRET_KEY'), log });
  await migrate(platform.pool, { log });

  const worker = new Worker({
    workerId,
    jobStore: platform.jobStore,
    configStore: platform.configStore,
    log: log.child('jobs'),
    resources: resourceLimitsFromEnv(process.env),
    notifications: platform.services.notifications,
    schemaCheck: platform.services.schemaChanges,
    ...settings,
    externalTimeouts,
    tmpDir: process.env.PLATFORM_STATE_DIR ? join(process.env.PLATFORM_STATE_DIR, 'tmp') : undefined,
  });
  worker.start();
  const scheduler = startScheduler({ pool: platform.pool, jobStore: platform.jobStore, log: log.child('scheduler') });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    await scheduler.stop();
    await worker.stop(Number(process.env.WORKER_SHUTDOWN_GRACE_MS) || 20_000);
    await platform.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  createLogger('worker').error('worker failed to start', { error: err });
  process.exit(1);
});
