// compose/docker-compose.yml and compose/.env from config/platform.yaml and config/config.yaml:
// Postgres, MinIO and Dremio from their pinned images, the platform's server, worker, web UI
// (and the query service where Dremio is switched off) from the repository's Dockerfile, the
// one-shot jobs that prepare them, every container's deploy.resources from a config.yaml role.
// Secrets stay in .env (0600); the compose file refers to them as ${NAME}.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { images, versions } from '@platform/services';
import type { PlatformConfig } from '../config';
import { PLATFORM_DATABASE } from '../postgres-setup';
import { clampCpus, roleDeploy, roleMemoryMiB, workerDeploy, workerMemoryBudgetMiB, workerResourceEnv, type DeployResources, type DockerResources } from './container-resources';
import { envFileText, writeEnvFile } from './env-file';

export const COMPOSE_FILE = 'docker-compose.yml';
export const ENV_FILE = '.env';

/**
 * Where each service listens inside the compose network (the host ports come from platform.yaml).
 * The API server is the exception: it listens on ports.api inside too, because its Host check
 * compares the port a client named with the one it listens on.
 */
export const CONTAINER_PORTS = { postgres: 5432, minio: 9000, dremio: 9047, query: 9047, query_pg: 15432, webapp: 8000 } as const;

/** Long-running services, in start order. */
export type LongRunningService = 'postgres' | 'minio' | 'dremio' | 'server' | 'worker' | 'query' | 'webapp';
/** One-shot jobs: they prepare a service and exit 0; what needs them waits for that. */
export type SetupJob = 'postgres-init' | 'minio-setup' | 'dremio-init';

export interface ComposeInput {
  config: PlatformConfig;
  resources: DockerResources;
  /** PLATFORM_SECRET_KEY (the state folder's secret.key). */
  secretKey: string;
  /** The repository: the platform image's build context. */
  repoRoot: string;
  /** Where the files are written (the build context is given relative to it). */
  composeDir: string;
  /** package.json's pnpm version (packageManager), installed in the platform image. */
  pnpmVersion: string;
  /** packages/webapp exists: the web UI's service is included. */
  webapp: boolean;
  /** The engine's CPU count, when known: CPU limits above it are lowered (Docker refuses them). */
  engineCpus?: number;
}

export interface GeneratedCompose {
  /** The compose document (Compose Specification). */
  compose: ComposeDocument;
  /** .env: name → value and where the value comes from (for errors). */
  env: Record<string, { value: string; from: string }>;
  /** Things worth telling the user (lowered CPU limits, what is left out). */
  notices: string[];
}

export interface ComposeService {
  image: string;
  build?: { context: string; dockerfile: string; target: string; args: Record<string, string> };
  working_dir?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: 'service_healthy' | 'service_completed_successfully' }>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period: string };
  restart: 'unless-stopped' | 'no';
  stop_grace_period?: string;
  deploy: DeployResources;
}

export interface ComposeDocument {
  services: Record<string, ComposeService>;
  volumes: Record<string, Record<string, never>>;
}

/** Where the platform image keeps what its services write (named volumes, owned by its user). */
const WORKER_STATE_DIR = '/var/lib/airlock/worker';
const QUERY_SPILL_DIR = '/var/lib/airlock/query-spill';
/** The monorepo inside the platform image. */
const APP_DIR = '/app';
const HEALTHCHECK = `${APP_DIR}/packages/launcher/src/docker/healthcheck.mjs`;

/** A reference compose resolves from .env; the message shows when .env lacks it. */
const fromEnvFile = (name: string) => `\${${name}:?${name} is missing from compose/.env: run pnpm platform up --runtime docker}`;

export function generateCompose(input: ComposeInput): GeneratedCompose {
  const { config, resources, webapp } = input;
  const notices: string[] = [];
  const env: GeneratedCompose['env'] = {};
  /** Puts a secret in .env and returns the reference to it. */
  const secret = (name: string, value: string, from: string) => {
    env[name] = { value, from };
    return fromEnvFile(name);
  };
  const project = config.docker.project;
  env.COMPOSE_PROJECT_NAME = { value: project, from: 'config/platform.yaml docker.project' };

  const { user: pgUser, password: pgPassword, sourceDb } = config.postgres;
  const postgresPassword = secret('POSTGRES_PASSWORD', pgPassword, 'config/platform.yaml postgres.password (PLATFORM_POSTGRES_PASSWORD)');
  const sourceDbPassword = secret('SOURCE_DB_PASSWORD', sourceDb.password, 'config/platform.yaml postgres.source_db.password (SOURCE_DB_PASSWORD)');
  const s3Secret = secret('MINIO_ROOT_PASSWORD', config.s3.secretAccessKey, 'config/platform.yaml s3.secret_access_key (MINIO_ROOT_PASSWORD)');
  const mcHost = secret(
    'MC_HOST_LOCAL',
    `http://${encodeURIComponent(config.s3.accessKeyId)}:${encodeURIComponent(config.s3.secretAccessKey)}@minio:${CONTAINER_PORTS.minio}`,
    'config/platform.yaml s3.access_key_id and s3.secret_access_key',
  );
  const queryPassword = secret('DREMIO_PASSWORD', config.query.password, 'config/platform.yaml query.password (DREMIO_PASSWORD)');
  const databaseUrl = secret(
    'PLATFORM_DATABASE_URL',
    `postgresql://${encodeURIComponent(pgUser)}:${encodeURIComponent(pgPassword)}@postgres:${CONTAINER_PORTS.postgres}/${PLATFORM_DATABASE}`,
    'config/platform.yaml postgres.user and postgres.password',
  );
  const secretKey = secret('PLATFORM_SECRET_KEY', input.secretKey, 'the state folder’s secret.key (PLATFORM_SECRET_KEY)');
  const platformEnv = { PLATFORM_DATABASE_URL: databaseUrl, PLATFORM_SECRET_KEY: secretKey };

  const sized = (service: string, deployment: DeployResources) => clampCpus(deployment, input.engineCpus, service, notices);
  const build = {
    context: path.relative(input.composeDir, input.repoRoot) || '.',
    dockerfile: 'Dockerfile',
    // The pins live in versions.ts and package.json; the Dockerfile's defaults equal them.
    args: { NODE_IMAGE: images.node, PNPM_VERSION: input.pnpmVersion, DUCKDB_HTTPFS_VERSION: versions.duckdbHttpfs },
  };
  const platformImage = (target: 'platform' | 'webapp') => ({
    image: `${project}-${target}:local`,
    build: { ...build, target },
  });
  /** A TypeScript entry of the monorepo, run by Node with tsx from its package folder. */
  const nodeEntry = (pkg: string, entry: string, heapMiB?: number, ...args: string[]) => ({
    working_dir: `${APP_DIR}/packages/${pkg}`,
    command: ['node', ...(heapMiB ? [`--max-old-space-size=${heapMiB}`] : []), '--import', 'tsx', entry, ...args],
  });
  const healthcheck = (test: string[], startPeriod = '30s') => ({ test, interval: '10s', timeout: '5s', retries: 6, start_period: startPeriod });
  const httpHealth = (url: string, ...okStatuses: number[]) => healthcheck(['CMD', 'node', HEALTHCHECK, 'http', url, ...okStatuses.map(String)]);
  const healthy = { condition: 'service_healthy' } as const;
  const completed = { condition: 'service_completed_successfully' } as const;
  /** Published on the host's loopback unless the API's bind says otherwise (as the embedded runtime listens). */
  const publish = (hostPort: number, containerPort: number, host = '127.0.0.1') => `${host.includes(':') ? `[${host}]` : host}:${hostPort}:${containerPort}`;
  const halfQueryMiB = Math.floor(roleMemoryMiB(resources, 'query') / 2);
  const dremio = config.docker.dremio;
  const queryUrl = dremio ? `http://dremio:${CONTAINER_PORTS.dremio}` : `http://query:${CONTAINER_PORTS.query}`;

  const services: Record<string, ComposeService> = {
    postgres: {
      image: images.postgres,
      // Logical decoding for CDC sources, as the embedded cluster is configured.
      command: ['postgres', '-c', 'wal_level=logical', '-c', 'max_wal_senders=10', '-c', 'max_replication_slots=10'],
      environment: { POSTGRES_USER: pgUser, POSTGRES_PASSWORD: postgresPassword },
      ports: [publish(config.ports.postgres, CONTAINER_PORTS.postgres)],
      volumes: ['postgres-data:/var/lib/postgresql'],
      // Over TCP: the image's first-start initialisation listens on its socket only.
      healthcheck: healthcheck(['CMD', 'pg_isready', '-h', '127.0.0.1', '-p', String(CONTAINER_PORTS.postgres), '-U', pgUser]),
      restart: 'unless-stopped',
      deploy: sized('postgres', roleDeploy(resources, 'postgres')),
    },
    'postgres-init': {
      ...platformImage('platform'),
      // The embedded runtime's setup (postgres-setup.ts): databases, demo source_db, read-only role.
      ...nodeEntry('launcher', 'src/docker/job.ts', undefined, 'postgres-init'),
      environment: {
        PLATFORM_POSTGRES_HOST: 'postgres',
        PLATFORM_POSTGRES_PORT: String(CONTAINER_PORTS.postgres),
        POSTGRES_USER: pgUser,
        POSTGRES_PASSWORD: postgresPassword,
        SOURCE_DB_USER: sourceDb.user,
        SOURCE_DB_PASSWORD: sourceDbPassword,
      },
      depends_on: { postgres: healthy },
      restart: 'no',
      deploy: sized('postgres-init', roleDeploy(resources, 'init')),
    },
    minio: {
      image: images.minio,
      command: ['server', '/data', '--address', `:${CONTAINER_PORTS.minio}`, '--console-address', ':9001'],
      environment: { MINIO_ROOT_USER: config.s3.accessKeyId, MINIO_ROOT_PASSWORD: s3Secret, MINIO_SITE_REGION: config.s3.region },
      ports: [publish(config.ports.s3, CONTAINER_PORTS.minio)],
      volumes: ['minio-data:/data'],
      healthcheck: healthcheck(['CMD', 'mc', 'ready', 'local']),
      restart: 'unless-stopped',
      deploy: sized('minio', roleDeploy(resources, 's3')),
    },
    'minio-setup': {
      image: images.mc,
      // mc reads the alias `local` from MC_HOST_local: no shell, no credentials on a command line.
      command: ['mb', '--ignore-existing', '--region', config.s3.region, `local/${config.s3.bucket}`],
      environment: { MC_HOST_local: mcHost },
      depends_on: { minio: healthy },
      restart: 'no',
      deploy: sized('minio-setup', roleDeploy(resources, 'init')),
    },
  };

  if (dremio) {
    const dremioMiB = roleMemoryMiB(resources, 'dremio');
    services.dremio = {
      image: images.dremio,
      // Heap and direct memory inside the container's limit, with room for the JVM's own.
      environment: { DREMIO_MAX_MEMORY_SIZE_MB: String(Math.floor(dremioMiB * 0.8)) },
      ports: [publish(config.ports.query, CONTAINER_PORTS.dremio)],
      volumes: ['dremio-data:/opt/dremio/data'],
      // The image has bash but no HTTP client: /apiv2/server_status answers 200 once Dremio serves.
      healthcheck: healthcheck(
        ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${CONTAINER_PORTS.dremio} && printf 'GET /apiv2/server_status HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`],
        '180s',
      ),
      restart: 'unless-stopped',
      deploy: sized('dremio', roleDeploy(resources, 'dremio')),
    };
    services['dremio-init'] = {
      ...platformImage('platform'),
      // Dremio's first user: query.user of platform.yaml (the guide's dremio_user).
      ...nodeEntry('launcher', 'src/docker/job.ts', undefined, 'dremio-init'),
      environment: { DREMIO_URL: `http://dremio:${CONTAINER_PORTS.dremio}`, DREMIO_USER: config.query.user, DREMIO_PASSWORD: queryPassword },
      depends_on: { dremio: healthy },
      restart: 'no',
      deploy: sized('dremio-init', roleDeploy(resources, 'init')),
    };
  } else {
    notices.push(`Dremio is switched off (docker.dremio: false): the query service answers Dremio's API on port ${config.ports.query}`);
  }

  const apiAuth = config.api.auth;
  services.server = {
    ...platformImage('platform'),
    ...nodeEntry('server', 'src/main-server.ts', Math.floor(roleMemoryMiB(resources, 'server') * 0.75)),
    environment: {
      ...platformEnv,
      // Inside its container the API listens on every interface; who reaches it is decided by
      // where the port is published (api.host) and by the auth mode resolved for api.host.
      PLATFORM_API_HOST: '0.0.0.0',
      PLATFORM_API_PORT: String(config.ports.api),
      PLATFORM_API_ALLOWED_HOSTS: ['server', ...config.api.allowedHosts].join(','),
      PLATFORM_API_ALLOWED_ORIGINS: config.api.allowedOrigins.join(','),
      PLATFORM_API_AUTH: apiAuth.mode,
      BASIC_AUTH_USERNAME: apiAuth.mode === 'basic' ? apiAuth.username : '',
      BASIC_AUTH_PASSWORD: apiAuth.mode === 'basic' ? secret('BASIC_AUTH_PASSWORD', apiAuth.password, 'config/platform.yaml api.auth.password (BASIC_AUTH_PASSWORD)') : '',
      // What /health checks besides the database.
      PLATFORM_S3_ENDPOINT: `http://minio:${CONTAINER_PORTS.minio}`,
      PLATFORM_S3_REGION: config.s3.region,
      PLATFORM_S3_BUCKET: config.s3.bucket,
      PLATFORM_S3_ACCESS_KEY_ID: config.s3.accessKeyId,
      PLATFORM_S3_SECRET_ACCESS_KEY: s3Secret,
    },
    ports: [publish(config.ports.api, config.ports.api, config.api.host)],
    depends_on: { 'postgres-init': completed },
    // Up once /health answers at all: 503 names a dependency that is down, which the server reports.
    healthcheck: httpHealth(`http://127.0.0.1:${config.ports.api}/api/v1/health`, 200, 503),
    restart: 'unless-stopped',
    deploy: sized('server', roleDeploy(resources, 'server')),
  };

  const maxJobs = config.docker.workerMaxJobs;
  services.worker = {
    ...platformImage('platform'),
    // The worker is the orchestrator: its heap gets the orchestrator's memory limit.
    ...nodeEntry('server', 'src/main-worker.ts', roleMemoryMiB(resources, 'orchestrator')),
    environment: {
      ...platformEnv,
      PLATFORM_STATE_DIR: WORKER_STATE_DIR,
      WORKER_ID: 'worker-1',
      WORKER_MAX_JOBS: String(maxJobs),
      WORKER_MEMORY_BUDGET: `${workerMemoryBudgetMiB(resources, maxJobs)}Mi`,
      ...workerResourceEnv(resources),
    },
    volumes: [`worker-data:${WORKER_STATE_DIR}`],
    depends_on: { 'postgres-init': completed, 'minio-setup': completed },
    healthcheck: healthcheck(['CMD', 'node', HEALTHCHECK, 'postgres']),
    restart: 'unless-stopped',
    // A running attempt may finish for 20 s on SIGTERM (WORKER_SHUTDOWN_GRACE_MS).
    stop_grace_period: '30s',
    deploy: sized('worker', workerDeploy(resources, maxJobs)),
  };

  if (!dremio) {
    services.query = {
      ...platformImage('platform'),
      // Half the role's memory for DuckDB (it spills beyond it), half for the V8 heap.
      ...nodeEntry('lake-query', 'src/main.ts', halfQueryMiB),
      environment: {
        ...platformEnv,
        LAKE_QUERY_HOST: '0.0.0.0',
        LAKE_QUERY_PORT: String(CONTAINER_PORTS.query),
        LAKE_QUERY_PG_PORT: String(CONTAINER_PORTS.query_pg),
        LAKE_QUERY_USER: config.query.user,
        LAKE_QUERY_PASSWORD: queryPassword,
        LAKE_QUERY_DUCKDB_MEMORY_MIB: String(halfQueryMiB),
        LAKE_QUERY_TIMEOUT_SECONDS: String(config.query.queryTimeoutSeconds),
        LAKE_QUERY_MAX_CONCURRENT: String(config.query.maxConcurrentQueries),
        LAKE_QUERY_TEMP_DIR: QUERY_SPILL_DIR,
      },
      ports: [publish(config.ports.query, CONTAINER_PORTS.query), publish(config.ports.query_pg, CONTAINER_PORTS.query_pg)],
      volumes: [`query-spill:${QUERY_SPILL_DIR}`],
      depends_on: { 'postgres-init': completed, 'minio-setup': completed },
      healthcheck: httpHealth(`http://127.0.0.1:${CONTAINER_PORTS.query}/apiv2/server_status`),
      restart: 'unless-stopped',
      deploy: sized('query', roleDeploy(resources, 'query')),
    };
  }

  if (webapp) {
    services.webapp = {
      ...platformImage('webapp'),
      ...nodeEntry('webapp', 'server/main.ts', Math.floor(roleMemoryMiB(resources, 'webapp') * 0.75)),
      environment: {
        WEBAPP_HOST: '0.0.0.0',
        WEBAPP_PORT: String(CONTAINER_PORTS.webapp),
        WEBAPP_API_URL: `http://server:${config.ports.api}`,
        WEBAPP_QUERY_URL: queryUrl,
      },
      ports: [publish(config.ports.webapp, CONTAINER_PORTS.webapp)],
      depends_on: { server: healthy },
      healthcheck: httpHealth(`http://127.0.0.1:${CONTAINER_PORTS.webapp}/`),
      restart: 'unless-stopped',
      deploy: sized('webapp', roleDeploy(resources, 'webapp')),
    };
  } else {
    notices.push(`no web UI service: packages/webapp is not in this checkout (port ${config.ports.webapp} stays free)`);
  }

  const volumes = ['postgres-data', 'minio-data', ...(dremio ? ['dremio-data'] : ['query-spill']), 'worker-data'];
  return { compose: escapeLiterals({ services, volumes: Object.fromEntries(volumes.map((v) => [v, {}])) }), env, notices };
}

const ENV_REFERENCE = /^\$\{[A-Z_]+:\?[^}]*\}$/;

/** Compose substitutes `$` everywhere: a literal one (in a user name, a bucket…) is written `$$`; .env references stay. */
function escapeLiterals<T>(value: T): T {
  if (typeof value === 'string') return (ENV_REFERENCE.test(value) ? value : value.replaceAll('$', '$$$$')) as T;
  if (Array.isArray(value)) return value.map(escapeLiterals) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeLiterals(v)])) as T;
  return value;
}

const COMPOSE_HEADER = `# Generated by \`pnpm platform up --runtime docker\` from config/platform.yaml and
# config/config.yaml; regenerated on every \`up\`, so edit those instead. Secrets are in .env
# beside this file (mode 0600), referred to here as \${NAME}.
#
#   docker compose -f compose/docker-compose.yml ps     (the launcher runs up, down, status, logs)
`;

const ENV_HEADER = `Written by \`pnpm platform up --runtime docker\`: the secrets docker-compose.yml refers to.
Mode 0600; keep it out of version control. Regenerated on every \`up\`.`;

/** Writes docker-compose.yml and .env into `composeDir`; returns their paths. */
export function writeCompose(generated: GeneratedCompose, composeDir: string): { composeFile: string; envFile: string } {
  mkdirSync(composeDir, { recursive: true });
  // The .env first: a value it cannot carry must fail before a compose file refers to it.
  const envText = envFileText(generated.env, ENV_HEADER);
  const envFile = path.join(composeDir, ENV_FILE);
  writeEnvFile(envFile, envText);
  const composeFile = path.join(composeDir, COMPOSE_FILE);
  writeFileSync(composeFile, COMPOSE_HEADER + stringify(generated.compose, { lineWidth: 0, version: '1.1' }));
  return { composeFile, envFile };
}
