// Reads config/platform.yaml and config/config.yaml into typed objects. Command-line port
// overrides win over the file; `${env:...}` references are resolved first.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { interpolateDeep, type Env } from '@platform/api-client';
import { parseMemoryQuantity, parseResourceLimits, RESOURCE_ROLES, type ResourceLimits, type ResourceRequirements, type ResourceRole } from '@platform/server/resource-limits';
import { parseApiAccess, type ApiAccess } from './api-access';
import { parseDockerSettings, type DockerSettings } from './docker/settings';

/** `auto`: docker when a Docker engine answers, else embedded (docker/runtime-choice.ts). */
export type Runtime = 'embedded' | 'docker' | 'auto';
export type PortName = 'api' | 'webapp' | 'postgres' | 's3' | 'query' | 'query_pg';
export type Ports = Record<PortName, number>;

export const PORT_NAMES: PortName[] = ['api', 'webapp', 'postgres', 's3', 'query', 'query_pg'];

export interface PlatformConfig {
  runtime: Runtime;
  /** Absolute path of the state folder. */
  stateDir: string;
  ports: Ports;
  /** The Config API's bind address, allowed hosts and origins, login. */
  api: ApiAccess;
  postgres: { user: string; password: string; sourceDb: { user: string; password: string } };
  s3: { accessKeyId: string; secretAccessKey: string; region: string; bucket: string };
  /** The query service (Dremio's part): its one user and its limits. */
  query: { user: string; password: string; queryTimeoutSeconds: number; maxConcurrentQueries: number };
  /** The docker runtime's settings (`docker:`). */
  docker: DockerSettings;
}

export type { ResourceLimits } from '@platform/server/resource-limits';

/** A role as config.yaml gives it: the guide requires its cpu_limit and memory_limit. */
export type RoleResources = ResourceRequirements & Required<Pick<ResourceRequirements, 'cpu_limit' | 'memory_limit'>>;

/**
 * config.yaml's resources: every role of the platform's processes (`query`: the query
 * service, whose DuckDB gets half of memory_limit), each with its limits.
 */
export type ConfiguredResources = ResourceLimits & Record<ResourceRole, RoleResources>;

/** The roles only the docker runtime reads, besides RESOURCE_ROLES (docker/container-resources.ts). */
export const CONTAINER_ROLES = ['postgres', 's3', 'dremio', 'server', 'webapp', 'init'] as const;

export interface ConfigOverrides {
  stateDir?: string;
  runtime?: Runtime;
  ports?: Partial<Ports>;
}

/** The repository's config/ folder: the default when no --config-dir is given. */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL('../../../config/', import.meta.url));

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadPlatformConfig(configDir: string, overrides: ConfigOverrides = {}, env: Env = process.env): PlatformConfig {
  const file = path.join(configDir, 'platform.yaml');
  const raw = interpolateDeep(readYaml(file), env, 'platform.yaml') as Record<string, any>;
  const runtime = overrides.runtime ?? raw.runtime ?? 'embedded';
  if (!['embedded', 'docker', 'auto'].includes(runtime)) throw new ConfigError(`${file}: runtime must be embedded, docker or auto, got ${runtime}`);
  const ports = {} as Ports;
  for (const name of PORT_NAMES) {
    ports[name] = overrides.ports?.[name] ?? toPort(raw.ports?.[name], `${file}: ports.${name}`);
  }
  // Relative state folders are taken from the project root (config/'s parent), so the
  // CLI finds the same state from any working directory.
  const stateDir = path.resolve(path.dirname(path.resolve(configDir)), overrides.stateDir ?? raw.state_dir ?? '.platform');
  let api: ApiAccess;
  try {
    api = parseApiAccess(raw.api, ports.webapp, file);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return {
    runtime,
    stateDir,
    ports,
    api,
    postgres: {
      user: required(raw.postgres?.user, file, 'postgres.user'),
      password: required(raw.postgres?.password, file, 'postgres.password'),
      sourceDb: {
        user: required(raw.postgres?.source_db?.user, file, 'postgres.source_db.user'),
        password: required(raw.postgres?.source_db?.password, file, 'postgres.source_db.password'),
      },
    },
    s3: {
      accessKeyId: required(raw.s3?.access_key_id, file, 's3.access_key_id'),
      secretAccessKey: required(raw.s3?.secret_access_key, file, 's3.secret_access_key'),
      region: required(raw.s3?.region, file, 's3.region'),
      bucket: required(raw.s3?.bucket, file, 's3.bucket'),
    },
    query: {
      user: required(raw.query?.user, file, 'query.user'),
      password: required(raw.query?.password, file, 'query.password'),
      queryTimeoutSeconds: positive(raw.query?.query_timeout_seconds ?? 300, `${file}: query.query_timeout_seconds`),
      maxConcurrentQueries: positive(raw.query?.max_concurrent_queries ?? 4, `${file}: query.max_concurrent_queries`),
    },
    docker: parseDockerSettings(raw.docker, file),
  };
}

export function loadResourceLimits(configDir: string): ConfiguredResources {
  const file = path.join(configDir, 'config.yaml');
  let resources: ResourceLimits;
  try {
    resources = parseResourceLimits((readYaml(file) as { resources?: unknown }).resources, `${file}: resources`, CONTAINER_ROLES);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  for (const role of RESOURCE_ROLES) {
    const limits = resources[role];
    if (!limits?.cpu_limit || !limits.memory_limit) throw new ConfigError(`${file}: resources.${role} needs cpu_limit and memory_limit`);
  }
  return resources as ConfiguredResources;
}

/** Kubernetes memory quantity ("512Mi", "1Gi", "1G") → MiB, with the config key in the error. */
export function parseMemoryMiB(quantity: string, where: string): number {
  try {
    return Math.round(parseMemoryQuantity(String(quantity)) / 2 ** 20);
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`);
  }
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`cannot read ${file} (pass --config-dir to point at the config folder)`);
  }
  return parse(text) ?? {};
}

function toPort(value: unknown, where: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`${where}: "${value}" is not a port number`);
  return port;
}

function positive(value: unknown, where: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new ConfigError(`${where}: "${value}" is not a whole number of at least 1`);
  return number;
}

function required(value: unknown, file: string, key: string): string {
  if (value === undefined || value === null || value === '') throw new ConfigError(`${file}: ${key} is required`);
  return String(value);
}
