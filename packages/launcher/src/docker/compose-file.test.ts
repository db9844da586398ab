// The generated compose file, checked without a Docker engine: by Debian's docker-compose and
// by the Compose Specification's JSON Schema, against config/config.yaml read independently,
// and for secrets written in clear.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { images, versions } from '@platform/services';
import { DEFAULT_CONFIG_DIR, loadPlatformConfig } from '../config';
import { generateCompose, writeCompose, type ComposeInput, type GeneratedCompose } from './compose-file';
import { composeSchemaErrors, dockerComposeConfig } from './compose-validation';
import { loadDockerResources } from './container-resources';
import { REPO_ROOT, rootPnpmVersion } from './generate';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  dirs.push(mkdtempSync(path.join(tmpdir(), 'compose-test-')));
  return dirs.at(-1)!;
};

// Distinctive values, so that finding one in the compose file can only mean it leaked there.
const SECRETS = {
  PLATFORM_POSTGRES_PASSWORD: 'pg-S3cret-$HOME-#1',
  SOURCE_DB_PASSWORD: 'src-S3cret-"quoted"',
  MINIO_ROOT_PASSWORD: 'minio-S3cret-&amp;',
  DREMIO_PASSWORD: 'dremio-S3cret-9 with spaces',
  BASIC_AUTH_PASSWORD: 'api-S3cret-7',
};
const SECRET_KEY = 'ab'.repeat(32);

function input(env: Record<string, string> = {}, overrides: Partial<ComposeInput> = {}): ComposeInput {
  const composeDir = tempDir();
  return {
    config: loadPlatformConfig(DEFAULT_CONFIG_DIR, {}, { ...SECRETS, ...env }),
    resources: loadDockerResources(DEFAULT_CONFIG_DIR),
    secretKey: SECRET_KEY,
    repoRoot: REPO_ROOT,
    composeDir,
    pnpmVersion: rootPnpmVersion(),
    webapp: false,
    ...overrides,
  };
}

function written(generated: GeneratedCompose, composeDir: string) {
  const files = writeCompose(generated, composeDir);
  return { ...files, text: readFileSync(files.composeFile, 'utf8') };
}

/** docker-compose's `config` writes a literal `$` as `$$`. */
const unescape = (value: string) => value.replaceAll('$$', '$');

/** config.yaml's roles, read here without the launcher's code. */
const roles = (parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, 'config.yaml'), 'utf8')) as { resources: Record<string, Record<string, string>> }).resources;
const MiB = (quantity: string) => {
  const [, amount, unit] = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(quantity)!;
  return Number(amount) * (unit === 'Gi' ? 1024 : 1);
};

describe('the default config (Dremio on)', () => {
  const settings = input({ PLATFORM_API_HOST: '0.0.0.0', PLATFORM_API_AUTH: 'basic' });
  const generated = generateCompose(settings);
  const { composeFile, envFile, text } = written(generated, settings.composeDir);
  const services = generated.compose.services;

  test('validates with Debian’s docker-compose, which resolves every ${NAME} from .env to the configured value', async () => {
    const resolved = await dockerComposeConfig(composeFile);
    expect(Object.keys(resolved.services).sort()).toEqual(['dremio', 'dremio-init', 'minio', 'minio-setup', 'postgres', 'postgres-init', 'server', 'worker']);
    const env = (service: string) => Object.fromEntries(Object.entries(resolved.services[service].environment as Record<string, string>).map(([k, v]) => [k, unescape(String(v))]));
    expect(env('postgres').POSTGRES_PASSWORD).toBe(SECRETS.PLATFORM_POSTGRES_PASSWORD);
    expect(env('postgres-init').SOURCE_DB_PASSWORD).toBe(SECRETS.SOURCE_DB_PASSWORD);
    expect(env('minio').MINIO_ROOT_PASSWORD).toBe(SECRETS.MINIO_ROOT_PASSWORD);
    expect(env('server').PLATFORM_S3_SECRET_ACCESS_KEY).toBe(SECRETS.MINIO_ROOT_PASSWORD);
    expect(env('server').BASIC_AUTH_PASSWORD).toBe(SECRETS.BASIC_AUTH_PASSWORD);
    expect(env('dremio-init').DREMIO_PASSWORD).toBe(SECRETS.DREMIO_PASSWORD);
    expect(env('worker').PLATFORM_SECRET_KEY).toBe(SECRET_KEY);
    expect(new URL(env('worker').PLATFORM_DATABASE_URL).password).toBe(encodeURIComponent(SECRETS.PLATFORM_POSTGRES_PASSWORD));
    expect(new URL(env('minio-setup').MC_HOST_local).password).toBe(encodeURIComponent(SECRETS.MINIO_ROOT_PASSWORD));
  });

  test('validates against the Compose Specification’s JSON Schema', () => {
    expect(composeSchemaErrors(parse(text))).toEqual([]);
    // The schema does reject what compose would: a misspelt key.
    const broken = structuredClone(generated.compose) as any;
    broken.services.server.healthchek = broken.services.server.healthcheck;
    expect(composeSchemaErrors(broken).map((e) => e.params)).toContainEqual({ additionalProperty: 'healthchek' });
  });

  test('no secret is written into the compose file; they are in .env, mode 0600', () => {
    for (const value of [...Object.values(SECRETS), SECRET_KEY, encodeURIComponent(SECRETS.PLATFORM_POSTGRES_PASSWORD)]) expect(text).not.toContain(value);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const envText = readFileSync(envFile, 'utf8');
    for (const value of [...Object.values(SECRETS), SECRET_KEY]) expect(envText).toContain(`'${value}'`);
  });

  test('every container’s limits and reservations come from its config.yaml role', () => {
    const expected = (role: Record<string, string>) => ({
      limits: { cpus: String(Number(role.cpu_limit)), memory: `${MiB(role.memory_limit)}m` },
      ...(role.cpu_request ? { reservations: { cpus: String(Number(role.cpu_request)), memory: `${MiB(role.memory_request)}m` } } : {}),
    });
    const byRole: Record<string, string> = { postgres: 'postgres', minio: 's3', dremio: 'dremio', server: 'server', 'postgres-init': 'init', 'minio-setup': 'init', 'dremio-init': 'init' };
    for (const [service, role] of Object.entries(byRole)) expect(services[service].deploy.resources, service).toEqual(expected(roles[role]));
    // The worker: the orchestrator plus worker_max_jobs (2) syncs of source + destination; reserved: one sync.
    const { source, destination, orchestrator } = roles;
    expect(services.worker.deploy.resources).toEqual({
      limits: {
        cpus: String(Number(orchestrator.cpu_limit) + 2 * (Number(source.cpu_limit) + Number(destination.cpu_limit))),
        memory: `${MiB(orchestrator.memory_limit) + 2 * (MiB(source.memory_limit) + MiB(destination.memory_limit))}m`,
      },
      reservations: {
        cpus: String(Number(orchestrator.cpu_limit) + Number(source.cpu_request) + Number(destination.cpu_request)),
        memory: `${MiB(orchestrator.memory_limit) + MiB(source.memory_request) + MiB(destination.memory_request)}m`,
      },
    });
    expect(services.worker.environment).toMatchObject({ WORKER_MAX_JOBS: '2', WORKER_MEMORY_BUDGET: `${2 * (MiB(source.memory_limit) + MiB(destination.memory_limit))}Mi` });
    expect(services.worker.command).toContain(`--max-old-space-size=${MiB(orchestrator.memory_limit)}`);
    expect(services.dremio.environment).toEqual({ DREMIO_MAX_MEMORY_SIZE_MB: String(Math.floor(MiB(roles.dremio.memory_limit) * 0.8)) });
  });

  test('the worker gets the connector limits in Airbyte’s variables', () => {
    const { source, orchestrator } = roles;
    expect(services.worker.environment).toMatchObject({
      JOB_MAIN_CONTAINER_CPU_REQUEST: source.cpu_request,
      JOB_MAIN_CONTAINER_CPU_LIMIT: source.cpu_limit,
      JOB_MAIN_CONTAINER_MEMORY_REQUEST: source.memory_request,
      JOB_MAIN_CONTAINER_MEMORY_LIMIT: source.memory_limit,
      REPLICATION_ORCHESTRATOR_CPU_LIMIT: orchestrator.cpu_limit,
      REPLICATION_ORCHESTRATOR_MEMORY_LIMIT: orchestrator.memory_limit,
    });
    expect(services.worker.environment).not.toHaveProperty('PLATFORM_RESOURCES');
  });

  test('every image is pinned in versions.ts; the platform’s own are built from the Dockerfile', () => {
    const pinned: string[] = Object.values(images);
    for (const [name, service] of Object.entries(services)) {
      if (service.build) {
        expect(service.build, name).toMatchObject({ dockerfile: 'Dockerfile', target: 'platform', args: { NODE_IMAGE: images.node, DUCKDB_HTTPFS_VERSION: versions.duckdbHttpfs } });
        expect(path.resolve(settings.composeDir, service.build.context)).toBe(path.resolve(REPO_ROOT));
      } else {
        expect(pinned, name).toContain(service.image);
        expect(service.image, name).toMatch(/:[^:/]+$/);
        expect(service.image, name).not.toMatch(/:latest$/);
      }
    }
    expect(services.postgres.image).toBe(`postgres:${versions.postgresMajor}.${versions.embeddedPostgres.split('.')[1]}-trixie`);
    expect(services.minio.image.startsWith('quay.io/minio/minio:')).toBe(true);
  });

  test('long-running services have healthchecks and start after what they need is healthy or done', () => {
    const jobs = ['postgres-init', 'minio-setup', 'dremio-init'];
    for (const [name, service] of Object.entries(services)) {
      if (jobs.includes(name)) {
        expect(service.restart, name).toBe('no');
      } else {
        expect(service.healthcheck?.test.length, name).toBeGreaterThan(1);
        expect(service.restart, name).toBe('unless-stopped');
      }
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} → ${dependency}`).toBe(jobs.includes(dependency) ? 'service_completed_successfully' : 'service_healthy');
      }
    }
    expect(services.server.depends_on).toEqual({ 'postgres-init': { condition: 'service_completed_successfully' } });
    expect(services.worker.depends_on).toMatchObject({ 'postgres-init': {}, 'minio-setup': {} });
    expect(services['postgres-init'].depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  test('Postgres runs with wal_level=logical; ports and volumes are as configured', () => {
    expect(services.postgres.command?.join(' ')).toContain('-c wal_level=logical');
    expect(services.postgres.ports).toEqual(['127.0.0.1:5432:5432']);
    expect(services.minio.ports).toEqual(['127.0.0.1:9000:9000']);
    expect(services.dremio.ports).toEqual(['127.0.0.1:9047:9047']);
    // api.host 0.0.0.0: published on every interface, with basic auth.
    expect(services.server.ports).toEqual(['0.0.0.0:8001:8001']);
    expect(services.server.environment).toMatchObject({ PLATFORM_API_AUTH: 'basic', BASIC_AUTH_USERNAME: 'airbyte' });
    expect(Object.keys(generated.compose.volumes).sort()).toEqual(['dremio-data', 'minio-data', 'postgres-data', 'worker-data']);
    expect(services['minio-setup'].command).toEqual(['mb', '--ignore-existing', '--region', 'us-east-1', 'local/datalake']);
  });
});

test('ports come from platform.yaml, and a literal $ in a configured name survives compose’s substitution', async () => {
  const settings = input({ PLATFORM_API_PORT: '18001', PLATFORM_POSTGRES_PORT: '15433', PLATFORM_S3_PORT: '19000', PLATFORM_QUERY_PORT: '19047', PLATFORM_POSTGRES_USER: 'pg$user' });
  const { composeFile } = written(generateCompose(settings), settings.composeDir);
  const resolved = await dockerComposeConfig(composeFile);
  // The API listens on ports.api inside too: its Host check compares the port clients name (127.0.0.1:18001).
  expect(resolved.services.server.ports).toEqual(['127.0.0.1:18001:18001/tcp']);
  expect(resolved.services.server.environment.PLATFORM_API_PORT).toBe('18001');
  expect(resolved.services.server.healthcheck.test).toContain('http://127.0.0.1:18001/api/v1/health');
  expect(resolved.services.postgres.ports).toEqual(['127.0.0.1:15433:5432/tcp']);
  expect(resolved.services.minio.ports).toEqual(['127.0.0.1:19000:9000/tcp']);
  expect(resolved.services.dremio.ports).toEqual(['127.0.0.1:19047:9047/tcp']);
  expect(unescape(resolved.services.postgres.environment.POSTGRES_USER)).toBe('pg$user');
});

test('with Dremio switched off the query service answers on ports.query and ports.query_pg', async () => {
  const settings = input({ PLATFORM_DOCKER_DREMIO: 'false' });
  const generated = generateCompose(settings);
  const { composeFile, text } = written(generated, settings.composeDir);
  const { services } = generated.compose;
  expect(services.dremio).toBeUndefined();
  expect(services['dremio-init']).toBeUndefined();
  expect(services.query.ports).toEqual(['127.0.0.1:9047:9047', '127.0.0.1:15432:15432']);
  const halfMiB = MiB(roles.query.memory_limit) / 2;
  expect(services.query.environment).toMatchObject({ LAKE_QUERY_DUCKDB_MEMORY_MIB: String(halfMiB), LAKE_QUERY_HOST: '0.0.0.0' });
  expect(services.query.command).toContain(`--max-old-space-size=${halfMiB}`);
  expect(services.query.deploy.resources.limits).toEqual({ cpus: String(Number(roles.query.cpu_limit)), memory: `${MiB(roles.query.memory_limit)}m` });
  expect(text).not.toContain(SECRETS.DREMIO_PASSWORD);
  expect(composeSchemaErrors(parse(text))).toEqual([]);
  expect(Object.keys((await dockerComposeConfig(composeFile)).services)).toContain('query');
});

test('the web UI’s service is included once packages/webapp exists, after the server, built from the webapp target', () => {
  const { services } = generateCompose(input({}, { webapp: true })).compose;
  expect(services.webapp).toMatchObject({
    build: { target: 'webapp' },
    ports: ['127.0.0.1:8000:8000'],
    depends_on: { server: { condition: 'service_healthy' } },
    environment: { WEBAPP_API_URL: 'http://server:8001', WEBAPP_QUERY_URL: 'http://dremio:9047' },
  });
  expect(services.webapp.deploy.resources.limits).toEqual({ cpus: String(Number(roles.webapp.cpu_limit)), memory: `${MiB(roles.webapp.memory_limit)}m` });
  expect(generateCompose(input()).notices).toContain('no web UI service: packages/webapp is not in this checkout (port 8000 stays free)');
});

test('source and destination roles that differ reach the worker per role (PLATFORM_RESOURCES)', () => {
  const configDir = tempDir();
  writeFileSync(path.join(configDir, 'platform.yaml'), readFileSync(path.join(DEFAULT_CONFIG_DIR, 'platform.yaml')));
  const yaml = readFileSync(path.join(DEFAULT_CONFIG_DIR, 'config.yaml'), 'utf8').replace(/destination:\n {4}cpu_limit: "1.0"\n {4}memory_limit: "1Gi"/, 'destination:\n    cpu_limit: "1.0"\n    memory_limit: "2Gi"');
  writeFileSync(path.join(configDir, 'config.yaml'), yaml);
  const resources = loadDockerResources(configDir);
  expect(resources.destination.memory_limit).toBe('2Gi');
  const { worker } = generateCompose(input({}, { resources })).compose.services;
  expect(JSON.parse(worker.environment!.PLATFORM_RESOURCES)).toEqual({ source: resources.source, destination: resources.destination });
  expect(worker.environment).not.toHaveProperty('JOB_MAIN_CONTAINER_MEMORY_LIMIT');
  expect(worker.deploy.resources.limits.memory).toBe(`${512 + 2 * (1024 + 2048)}m`);
});

test('CPU limits above the engine’s count are lowered, and said', () => {
  const generated = generateCompose(input({}, { engineCpus: 2 }));
  expect(generated.compose.services.worker.deploy.resources.limits.cpus).toBe('2');
  expect(generated.notices).toContain("worker: cpu limit of 4.5 CPUs lowered to the engine's 2");
  expect(generated.compose.services.dremio.deploy.resources.limits.cpus).toBe('2');
});

test('a secret .env cannot carry is refused, naming where it comes from, before any file is written', () => {
  const settings = input({ MINIO_ROOT_PASSWORD: "it's" });
  expect(() => writeCompose(generateCompose(settings), settings.composeDir)).toThrow(/s3\.secret_access_key \(MINIO_ROOT_PASSWORD\) contains a quote/);
  expect(() => statSync(path.join(settings.composeDir, 'docker-compose.yml'))).toThrow();
});

test('a role the docker runtime needs is required, naming it', () => {
  const configDir = tempDir();
  const yaml = readFileSync(path.join(DEFAULT_CONFIG_DIR, 'config.yaml'), 'utf8').replace(/\n {2}dremio:\n(?: {4}.*\n)+/, '\n');
  writeFileSync(path.join(configDir, 'config.yaml'), yaml);
  expect(() => loadDockerResources(configDir)).toThrow(/resources\.dremio needs cpu_limit and memory_limit/);
});

test('the Dockerfile’s pins equal versions.ts and package.json; it runs as a non-root user and has both targets', () => {
  const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
  expect(dockerfile).toContain(`ARG NODE_IMAGE=${images.node}`);
  expect(images.node).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
  expect(dockerfile).toContain(`ARG PNPM_VERSION=${rootPnpmVersion()}`);
  expect(dockerfile).toContain(`ARG DUCKDB_HTTPFS_VERSION=${versions.duckdbHttpfs}`);
  expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS base$/m);
  expect(dockerfile).toMatch(/^FROM base AS platform$[\s\S]*^USER node$/m);
  expect(dockerfile).toMatch(/^FROM platform AS webapp$/m);
  const dockerignore = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
  for (const excluded of ['compose', '.platform', '**/node_modules']) expect(dockerignore).toContain(excluded);
});
