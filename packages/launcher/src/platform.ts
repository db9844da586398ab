// The programmatic API behind `platform up|down|seed`, also used by e2e and the benchmark.
// `startPlatform` starts the same detached supervisor users get from the CLI.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createPlatformClient, seed, type Env, type PlatformClient, type SeededObject } from '@platform/api-client';
import { DremioClient } from '@platform/lake-query/client';
import { assertPortFree, findHttpfsExtension, findWeedBinary, isPidAlive, PortInUseError, stopPid, tail } from '@platform/services';
import { TSX_LOADER } from '@platform/services/tsx-loader';
import { DEFAULT_CONFIG_DIR, loadPlatformConfig, type ConfigOverrides, type PlatformConfig, type PortName, type Ports, type Runtime } from './config';
import { step, type ProgressListener } from './progress';
import { cleanStaleRun, readRunFile, type RunFile, type ServiceRecord } from './run-file';
import { statePaths, type StatePaths } from './state';
import type { SupervisorMessage, SupervisorOptions } from './supervisor';

const SUPERVISOR_ENTRY = fileURLToPath(new URL('./supervisor.ts', import.meta.url));
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

export interface PlatformOptions {
  /** Folder with platform.yaml, config.yaml and seeds/ (default: the repository's config/). */
  configDir?: string;
  /** Overrides platform.yaml's state_dir. */
  stateDir?: string;
  /** Override platform.yaml's ports. */
  ports?: Partial<Ports>;
  runtime?: Runtime;
  onProgress?: ProgressListener;
  /** Told about things worth a line that are not steps (e.g. a stale run file). */
  onNotice?: (message: string) => void;
}

export interface PlatformHandle {
  apiUrl: string;
  stateDir: string;
  configDir: string;
  /** True when `startPlatform` found the platform already running. */
  alreadyRunning: boolean;
  /** What `startPlatform` did to a running platform that was not whole; empty when it was. */
  repaired: string[];
  postgres: RunFile['postgres'] & { connectionUrl(database: string): string };
  s3: RunFile['s3'];
  run: RunFile;
  client: PlatformClient;
  /** Stops the supervisor and with it every service (`platform down`). */
  stop(): Promise<void>;
}

export class RuntimeNotAvailableError extends Error {
  override name = 'RuntimeNotAvailableError';
}

const PORT_FLAGS: Record<PortName, string> = { api: '--api-port', webapp: '--webapp-port', postgres: '--postgres-port', s3: '--s3-port', query: '--query-port', query_pg: '--query-pg-port' };

/** A taken port, named with the config key and flag that choose it. */
export class ConfiguredPortInUseError extends PortInUseError {
  constructor(port: number, host: string, readonly key: PortName) {
    super(port, host);
    this.message = `port ${port} (ports.${key} in config/platform.yaml) is already in use on ${host}: stop what holds it, or choose another port there or with ${PORT_FLAGS[key]} <port>`;
  }
}

export class PlatformStartError extends Error {
  override name = 'PlatformStartError';
}

/** Resolves the options into the config the supervisor will use. */
export function resolveConfig(options: PlatformOptions = {}): { config: PlatformConfig; configDir: string; paths: StatePaths } {
  const configDir = path.resolve(options.configDir ?? DEFAULT_CONFIG_DIR);
  const config = loadPlatformConfig(configDir, overridesOf(options));
  return { config, configDir, paths: statePaths(config.stateDir) };
}

export async function startPlatform(options: PlatformOptions = {}): Promise<PlatformHandle> {
  const { config, configDir, paths } = resolveConfig(options);
  if (config.runtime === 'docker') {
    // This is the embedded runtime's API; `auto` is resolved by the CLI before it gets here.
    throw new RuntimeNotAvailableError('startPlatform runs the embedded runtime: start the docker runtime with `pnpm platform up --runtime docker` (or startDockerPlatform from ./docker/runtime)');
  }
  mkdirSync(paths.runDir, { recursive: true });
  mkdirSync(paths.logsDir, { recursive: true });

  const existing = readRunFile(paths.runFile);
  if (existing && isPidAlive(existing.supervisorPid)) {
    const repaired = await repairRunning(existing, paths.runFile, options.onProgress);
    return handle(readRunFile(paths.runFile) ?? existing, configDir, true, repaired);
  }
  if (existing) {
    // Its services cannot be adopted: their output pipes went with the supervisor (SeaweedFS
    // dies of SIGPIPE on its next log line). Stop what is left and start everything again.
    const down = existing.services.filter((s) => !isPidAlive(s.pid)).map((s) => s.name);
    const leftovers = await cleanStaleRun(paths.runFile, existing);
    options.onNotice?.(
      `stale run file ${paths.runFile}: its supervisor (pid ${existing.supervisorPid}) is not running` +
        (down.length ? ` and ${down.join(', ')} ${down.length > 1 ? 'were' : 'was'} down` : '') +
        `; removed it` +
        (leftovers.length ? ` and stopped what it left running: ${leftovers.join(', ')}` : '') +
        '; starting the whole platform again',
    );
  }

  await step(options.onProgress, 'preflight (ports, SeaweedFS binary, DuckDB httpfs)', () => preflight(config));
  const run = await runSupervisor({ configDir, overrides: overridesOf(options) }, paths, options.onProgress);
  return handle(run, configDir, false, []);
}

/** The services of a run file that are not up: in another state, or their process is gone. */
export function servicesNotUp(run: RunFile): ServiceRecord[] {
  return run.services.filter((s) => s.state !== 'up' || !isPidAlive(s.pid));
}

/**
 * A running platform with a service down, restarting or failed: asks its supervisor to
 * repair (SIGUSR2) and waits until it has. Returns what it did; nothing when all were up.
 */
async function repairRunning(run: RunFile, runFile: string, onProgress?: ProgressListener): Promise<string[]> {
  const notUp = servicesNotUp(run);
  if (run.state !== 'running' || notUp.length === 0) return [];
  const before = run.repairs;
  if (before === undefined) {
    throw new PlatformStartError(`the running supervisor (pid ${run.supervisorPid}) cannot repair ${notUp.map((s) => s.name).join(', ')}: run \`platform down\`, then \`platform up\``);
  }
  return step(onProgress, `repair (${notUp.map((s) => s.name).join(', ')})`, async () => {
    process.kill(run.supervisorPid, 'SIGUSR2');
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const current = readRunFile(runFile);
      if (!current || !isPidAlive(run.supervisorPid)) throw new PlatformStartError(`the supervisor (pid ${run.supervisorPid}) stopped during the repair`);
      if ((current.repairs ?? 0) > before) return current.lastRepair?.actions ?? [];
      if (Date.now() > deadline) throw new PlatformStartError(`the supervisor did not finish the repair within ${START_TIMEOUT_MS / 1000} s; see \`platform logs supervisor\``);
      await sleep(200);
    }
  });
}

/** Stops the platform of this state folder. Returns false when it was not running. */
export async function stopPlatform(options: PlatformOptions = {}): Promise<boolean> {
  const { paths } = resolveConfig(options);
  const run = readRunFile(paths.runFile);
  if (!run) return false;
  if (!isPidAlive(run.supervisorPid)) {
    await cleanStaleRun(paths.runFile, run);
    return false;
  }
  // The supervisor stops the services in reverse order and removes the run file.
  await stopPid(run.supervisorPid, 'SIGTERM', STOP_TIMEOUT_MS);
  const leftover = readRunFile(paths.runFile);
  if (leftover) await cleanStaleRun(paths.runFile, leftover);
  return true;
}

/** Seeds the running platform from seed files (default: every config/seeds/*.yaml). */
export async function seedPlatform(platform: PlatformHandle, files = seedFiles(platform.configDir), env: Env = process.env): Promise<SeededObject[]> {
  const { url, user, password } = platform.run.query;
  return seed(platform.client, files, { ...env, ...seedEnvironment(platform.run) }, { query: () => DremioClient.login(url, user, password) });
}

export function seedFiles(configDir: string): string[] {
  const dir = path.join(configDir, 'seeds');
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/** The variables seed files use to reach the running services. */
export function seedEnvironment(run: RunFile): Env {
  return {
    PLATFORM_POSTGRES_HOST: run.postgres.host,
    PLATFORM_POSTGRES_PORT: String(run.postgres.port),
    // The analytics_db destination writes as the cluster's superuser (it creates schemas and tables).
    PLATFORM_POSTGRES_USER: run.postgres.user,
    PLATFORM_POSTGRES_PASSWORD: run.postgres.password,
    PLATFORM_S3_ENDPOINT: run.s3.endpoint,
    PLATFORM_S3_HOST_PORT: new URL(run.s3.endpoint).host,
    PLATFORM_S3_REGION: run.s3.region,
    PLATFORM_S3_BUCKET: run.s3.bucket,
    MINIO_ROOT_USER: run.s3.accessKeyId,
    MINIO_ROOT_PASSWORD: run.s3.secretAccessKey,
    SOURCE_DB_USER: run.sourceDb.user,
    SOURCE_DB_PASSWORD: run.sourceDb.password,
  };
}

/** The running platform of a state folder, or undefined. */
export function connectPlatform(options: PlatformOptions = {}): PlatformHandle | undefined {
  const { configDir, paths } = resolveConfig(options);
  const run = readRunFile(paths.runFile);
  return run && isPidAlive(run.supervisorPid) ? handle(run, configDir, true, []) : undefined;
}

function handle(run: RunFile, configDir: string, alreadyRunning: boolean, repaired: string[]): PlatformHandle {
  const { host, port, user, password } = run.postgres;
  return {
    apiUrl: run.apiUrl,
    stateDir: run.stateDir,
    configDir,
    alreadyRunning,
    repaired,
    postgres: {
      ...run.postgres,
      connectionUrl: (database) => `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`,
    },
    s3: run.s3,
    run,
    client: createPlatformClient(run.apiUrl, { credentials: run.apiCredentials }),
    stop: async () => {
      await stopPlatform({ configDir, stateDir: run.stateDir });
    },
  };
}

/** Fails before anything starts: a taken port (named with its config key), no `weed` or no httpfs extension. */
async function preflight(config: PlatformConfig): Promise<void> {
  for (const name of ['postgres', 's3', 'api', 'query', 'query_pg', 'webapp'] as const) {
    const port = config.ports[name];
    try {
      await assertPortFree(port);
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      throw new ConfiguredPortInUseError(port, error.host, name);
    }
  }
  findWeedBinary();
  findHttpfsExtension();
}

function runSupervisor(options: SupervisorOptions, paths: StatePaths, onProgress?: ProgressListener): Promise<RunFile> {
  const supervisorLog = path.join(paths.logsDir, 'supervisor.log');
  const out = openSync(supervisorLog, 'a');
  const child = spawn(process.execPath, ['--import', TSX_LOADER, SUPERVISOR_ENTRY, JSON.stringify(options)], {
    detached: true, // its own process group: it outlives this process and the terminal's Ctrl-C
    stdio: ['ignore', out, out, 'ipc'],
    cwd: paths.root,
  });
  closeSync(out);
  return new Promise<RunFile>((resolve, reject) => {
    let failure: string | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGTERM'); // it stops whatever it had started
      finish(new PlatformStartError(`the platform did not start within ${START_TIMEOUT_MS / 1000} s; see ${supervisorLog}`));
    }, START_TIMEOUT_MS);
    const finish = (result: RunFile | Error) => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    child.on('message', (message: SupervisorMessage) => {
      if (message.type === 'progress') onProgress?.(message.event);
      else if (message.type === 'ready') finish(message.run);
      else failure = message.message; // reported once it has stopped what it started
    });
    child.on('exit', (code, signal) =>
      finish(
        new PlatformStartError(
          failure ?? `the supervisor ${signal ? `was killed by ${signal}` : `exited with code ${code}`} while starting; last lines of ${supervisorLog}:\n${tail(supervisorLog)}`,
        ),
      ),
    );
  });
}

function overridesOf(options: PlatformOptions): ConfigOverrides {
  return { stateDir: options.stateDir, ports: options.ports, runtime: options.runtime };
}
