// The docker runtime's programmatic API (behind `platform up|down|status|logs --runtime docker`
// and the docker e2e): generate compose/, pull the pinned images (dockerode), build the
// platform image and start the stack (`docker compose` through execa), wait until every
// service is healthy and every setup job done (dockerode), seed it like the embedded runtime.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { createPlatformClient, seed, type Env, type SeededObject } from '@platform/api-client';
import { DremioClient } from '@platform/lake-query/client';
import { assertPortFree, PortInUseError } from '@platform/services';
import { apiClientUrl, apiCredentials } from '../api-access';
import { ConfigError, type PlatformConfig, type PortName } from '../config';
import { ConfiguredPortInUseError, resolveConfig, seedEnvironment, seedFiles, type PlatformHandle, type PlatformOptions } from '../platform';
import { step, type ProgressListener } from '../progress';
import type { RunFile } from '../run-file';
import type { StatePaths } from '../state';
import { CONTAINER_PORTS, type ComposeDocument } from './compose-file';
import { findComposeCli } from './compose-cli';
import { dremioPasswordProblem } from './dremio-bootstrap';
import { containerLogTail, dockerClient, projectContainers, pullMissingImages, requireEngine, type ProjectContainer } from './engine';
import { generateComposeFiles } from './generate';

/** The state folder's record that this platform runs in docker (for status, logs, down, seed…). */
export interface DockerRunRecord {
  runtime: 'docker';
  project: string;
  composeFile: string;
  composeDir: string;
  startedAt: string;
}

const READY_TIMEOUT_MS = 600_000;

export class DockerStartError extends Error {
  override name = 'DockerStartError';
}

export function dockerRunFile(paths: StatePaths): string {
  return path.join(paths.runDir, 'docker.json');
}

export function readDockerRun(paths: StatePaths): DockerRunRecord | undefined {
  try {
    return JSON.parse(readFileSync(dockerRunFile(paths), 'utf8')) as DockerRunRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface DockerStartOptions extends PlatformOptions {
  /** Told about what is worth a line: lowered CPU limits, services left out, images pulled. */
  onNotice?: (message: string) => void;
  /** Lines of `docker compose build` / `up`. */
  onOutput?: (line: string) => void;
}

/** Which host port of platform.yaml each service publishes (the key names it in errors). */
const PUBLISHED: Record<string, PortName[]> = { postgres: ['postgres'], minio: ['s3'], server: ['api'], dremio: ['query'], query: ['query', 'query_pg'], webapp: ['webapp'] };

/**
 * Starts (or completes) the compose project and resolves once every long-running service is
 * healthy and every setup job exited 0. The compose file is written first, so it is there to
 * read even when no engine answers.
 */
export async function startDockerPlatform(options: DockerStartOptions = {}): Promise<PlatformHandle> {
  const { config, configDir, paths } = resolveConfig({ ...options, runtime: 'docker' });
  const progress = options.onProgress;
  let files = await step(progress, 'generate compose/docker-compose.yml', async () => generateComposeFiles(config, configDir));
  const docker = dockerClient();
  const engine = await step(progress, 'Docker engine', () => requireEngine(docker));
  // Again with the engine's CPU count: Docker refuses a CPU limit above it.
  files = generateComposeFiles(config, configDir, { engineCpus: engine.cpus, composeDir: files.composeDir });
  for (const notice of files.generated.notices) options.onNotice?.(notice);
  const { compose } = files.generated;

  await step(progress, 'preflight (ports, Dremio password)', () => preflight(docker, config, compose));
  const cli = await findComposeCli(files.composeFile, files.composeDir);
  const thirdParty = [...new Set(Object.values(compose.services).filter((s) => !s.build).map((s) => s.image))];
  await step(progress, `images (${thirdParty.join(', ')})`, () => pullMissingImages(docker, thirdParty, (image) => options.onNotice?.(`pulling ${image}`)));
  await step(progress, 'build the platform image (Dockerfile)', () => cli.run(['build'], { onLine: options.onOutput }));
  mkdirSync(paths.runDir, { recursive: true });
  const record: DockerRunRecord = { runtime: 'docker', project: config.docker.project, composeFile: files.composeFile, composeDir: files.composeDir, startedAt: new Date().toISOString() };
  writeFileSync(dockerRunFile(paths), `${JSON.stringify(record, null, 2)}\n`);
  await step(progress, `start (${cli.command.join(' ')} up)`, () => cli.run(['up', '--detach', '--no-build', '--remove-orphans'], { onLine: options.onOutput }));
  await step(progress, 'healthy (every service) and done (every setup job)', () => waitUntilReady(docker, config.docker.project, compose));
  return dockerHandle(config, configDir, paths, false);
}

/** A taken host port fails here, named with its config key, unless this project's own container holds it. */
async function preflight(docker: Docker, config: PlatformConfig, compose: ComposeDocument): Promise<void> {
  if (config.docker.dremio) {
    const problem = dremioPasswordProblem(config.query.password);
    if (problem) {
      throw new ConfigError(`query.password in config/platform.yaml (DREMIO_PASSWORD) is Dremio's first user's password, and ${problem}: set DREMIO_PASSWORD, or switch Dremio off (PLATFORM_DOCKER_DREMIO=false) to use the query service`);
    }
  }
  const running = (await projectContainers(docker, config.docker.project)).filter((c) => c.state === 'running');
  for (const service of Object.keys(compose.services)) {
    if (running.some((c) => c.service === service)) continue;
    for (const key of PUBLISHED[service] ?? []) {
      const host = key === 'api' ? config.api.host : '127.0.0.1';
      try {
        await assertPortFree(config.ports[key], host);
      } catch (error) {
        if (!(error instanceof PortInUseError)) throw error;
        throw new ConfiguredPortInUseError(config.ports[key], error.host, key);
      }
    }
  }
}

/** Polls the project's containers until all are ready; a failed job or unhealthy service fails at once with its log. */
async function waitUntilReady(docker: Docker, project: string, compose: ComposeDocument): Promise<void> {
  const jobs = Object.entries(compose.services).filter(([, s]) => s.restart === 'no').map(([name]) => name);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const containers = await projectContainers(docker, project);
    const notReady: string[] = [];
    for (const service of Object.keys(compose.services)) {
      const container = containers.find((c) => c.service === service);
      const problem = container ? await readiness(docker, container, jobs.includes(service)) : 'not created yet';
      if (problem) notReady.push(`${service} (${problem})`);
    }
    if (notReady.length === 0) return;
    if (Date.now() > deadline) throw new DockerStartError(`not ready within ${READY_TIMEOUT_MS / 1000} s: ${notReady.join(', ')}; see \`pnpm platform logs <service>\``);
    await sleep(2_000);
  }
}

/** Why a container is not ready yet; throws when it never will be. */
async function readiness(docker: Docker, container: ProjectContainer, job: boolean): Promise<string | undefined> {
  if (job) {
    if (container.state !== 'exited') return container.state;
    if (container.exitCode === 0) return undefined;
    throw new DockerStartError(`setup job ${container.service} failed (exit ${container.exitCode}); its log:\n${await containerLogTail(docker, container.id)}`);
  }
  if (container.health === 'healthy') return undefined;
  if (container.health === 'unhealthy' || container.state === 'exited') {
    const why = container.health === 'unhealthy' ? `unhealthy${container.lastHealthOutput ? ` (${container.lastHealthOutput})` : ''}` : `exited with code ${container.exitCode}`;
    throw new DockerStartError(`${container.service} ${why}; its log:\n${await containerLogTail(docker, container.id)}`);
  }
  return `${container.state}, ${container.health}`;
}

/** `docker compose down`: containers and network go, volumes stay unless `volumes`. Returns false when nothing ran. */
export async function stopDockerPlatform(options: PlatformOptions = {}, { volumes = false }: { volumes?: boolean } = {}): Promise<boolean> {
  const { paths } = resolveConfig(options);
  const record = readDockerRun(paths);
  if (!record) return false;
  const cli = await findComposeCli(record.composeFile, record.composeDir);
  await cli.run(['down', '--remove-orphans', ...(volumes ? ['--volumes'] : [])]);
  rmSync(dockerRunFile(paths), { force: true });
  return true;
}

/** The running docker platform of this state folder, or undefined. */
export async function connectDockerPlatform(options: PlatformOptions = {}): Promise<PlatformHandle | undefined> {
  const { config, configDir, paths } = resolveConfig({ ...options, runtime: 'docker' });
  if (!readDockerRun(paths)) return undefined;
  return dockerHandle(config, configDir, paths, true);
}

/** The docker platform's endpoints from the config (the ports published on this machine), whether or not it runs yet. */
export function dockerPlatformHandle(options: PlatformOptions = {}): PlatformHandle {
  const { config, configDir, paths } = resolveConfig({ ...options, runtime: 'docker' });
  return dockerHandle(config, configDir, paths, true);
}

/** Endpoints as seen from this machine (the published ports). */
function dockerHandle(config: PlatformConfig, configDir: string, paths: StatePaths, alreadyRunning: boolean): PlatformHandle {
  const host = '127.0.0.1';
  const run: RunFile = {
    supervisorPid: 0,
    startedAt: readDockerRun(paths)?.startedAt ?? new Date().toISOString(),
    state: 'running',
    stateDir: config.stateDir,
    apiUrl: apiClientUrl(config.api, config.ports.api),
    apiCredentials: apiCredentials(config.api),
    postgres: { host, port: config.ports.postgres, user: config.postgres.user, password: config.postgres.password },
    sourceDb: config.postgres.sourceDb,
    s3: { endpoint: `http://${host}:${config.ports.s3}`, region: config.s3.region, bucket: config.s3.bucket, accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey },
    query: { url: `http://${host}:${config.ports.query}`, pgPort: config.ports.query_pg, user: config.query.user, password: config.query.password },
    services: [],
  };
  const { user, password } = run.postgres;
  return {
    apiUrl: run.apiUrl,
    stateDir: config.stateDir,
    configDir,
    alreadyRunning,
    repaired: [],
    postgres: {
      ...run.postgres,
      connectionUrl: (database) => `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${config.ports.postgres}/${encodeURIComponent(database)}`,
    },
    s3: run.s3,
    run,
    client: createPlatformClient(run.apiUrl, { credentials: run.apiCredentials }),
    stop: async () => {
      await stopDockerPlatform({ configDir, stateDir: config.stateDir });
    },
  };
}

/**
 * Seeds the docker platform from the seed files with the same api-client seeding as the
 * embedded runtime. The seeded objects are used inside the compose network, so they name the
 * services there: postgres:5432 for the source, http://minio:9000 for the destination,
 * minio:9000 as Dremio's fs.s3a.endpoint (Dremio adds the scheme itself).
 */
export async function seedDockerPlatform(platform: PlatformHandle, files = seedFiles(platform.configDir), env: Env = process.env): Promise<SeededObject[]> {
  const { run } = platform;
  // The same variables as the embedded runtime's, naming the compose network's services.
  const network: Env = {
    ...seedEnvironment(run),
    PLATFORM_POSTGRES_HOST: 'postgres',
    PLATFORM_POSTGRES_PORT: String(CONTAINER_PORTS.postgres),
    PLATFORM_S3_ENDPOINT: `http://minio:${CONTAINER_PORTS.minio}`,
    PLATFORM_S3_HOST_PORT: `minio:${CONTAINER_PORTS.minio}`,
  };
  const { url, user, password } = run.query;
  return seed(platform.client, files, { ...env, ...network }, { query: () => DremioClient.login(url, user, password) });
}
