// config/config.yaml's roles → each container's deploy.resources, and the worker's limits in
// the environment variables Airbyte uses (JOB_MAIN_CONTAINER_*, REPLICATION_ORCHESTRATOR_*).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseResourceRequirements } from '@platform/server/resource-limits';
import { CONTAINER_ROLES, ConfigError, loadResourceLimits, parseMemoryMiB, type ConfiguredResources, type RoleResources } from '../config';

export type ContainerRole = (typeof CONTAINER_ROLES)[number];

export type DockerResources = ConfiguredResources & Record<ContainerRole, RoleResources>;

/** A role in the units compose wants: CPUs as a decimal string, memory in MiB. */
interface Quantities {
  cpus: number;
  memoryMiB: number;
  cpusRequest?: number;
  memoryRequestMiB?: number;
}

export interface DeployResources {
  resources: {
    limits: { cpus: string; memory: string };
    reservations?: { cpus?: string; memory?: string };
  };
}

export function loadDockerResources(configDir: string): DockerResources {
  const limits = loadResourceLimits(configDir);
  const file = path.join(configDir, 'config.yaml');
  const raw = (parse(readFileSync(file, 'utf8')) as { resources?: Record<string, unknown> }).resources ?? {};
  const extra = {} as Record<ContainerRole, RoleResources>;
  for (const role of CONTAINER_ROLES) {
    let entry;
    try {
      entry = raw[role] === undefined ? {} : parseResourceRequirements(raw[role], `${file}: resources.${role}`);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    if (!entry.cpu_limit || !entry.memory_limit) {
      throw new ConfigError(`${file}: resources.${role} needs cpu_limit and memory_limit (the docker runtime sizes its ${role} container with them)`);
    }
    extra[role] = entry as RoleResources;
  }
  const resources = { ...limits, ...extra };
  for (const [role, entry] of Object.entries(resources)) quantities(entry, `${file}: resources.${role}`);
  return resources;
}

/** Parses one role; a request above its limit is refused (Docker would refuse the container). */
function quantities(role: RoleResources, where: string): Quantities {
  const cpu = (value: string, key: string) => {
    const cpus = Number(value);
    if (!Number.isFinite(cpus) || cpus <= 0) throw new ConfigError(`${where}.${key}: "${value}" is not a number of CPUs (e.g. "0.5")`);
    return cpus;
  };
  const parsed: Quantities = {
    cpus: cpu(role.cpu_limit, 'cpu_limit'),
    memoryMiB: parseMemoryMiB(role.memory_limit, `${where}.memory_limit`),
    cpusRequest: role.cpu_request === undefined ? undefined : cpu(role.cpu_request, 'cpu_request'),
    memoryRequestMiB: role.memory_request === undefined ? undefined : parseMemoryMiB(role.memory_request, `${where}.memory_request`),
  };
  if (parsed.cpusRequest !== undefined && parsed.cpusRequest > parsed.cpus) throw new ConfigError(`${where}: cpu_request ${role.cpu_request} is above cpu_limit ${role.cpu_limit}`);
  if (parsed.memoryRequestMiB !== undefined && parsed.memoryRequestMiB > parsed.memoryMiB) {
    throw new ConfigError(`${where}: memory_request ${role.memory_request} is above memory_limit ${role.memory_limit}`);
  }
  return parsed;
}

/** CPUs rounded to what Docker accepts (two decimals). */
const cpusText = (cpus: number) => String(Math.round(cpus * 100) / 100);

function deploy(q: Quantities): DeployResources {
  const reservations = {
    ...(q.cpusRequest !== undefined ? { cpus: cpusText(q.cpusRequest) } : {}),
    ...(q.memoryRequestMiB !== undefined ? { memory: `${q.memoryRequestMiB}m` } : {}),
  };
  return {
    resources: {
      limits: { cpus: cpusText(q.cpus), memory: `${q.memoryMiB}m` },
      ...(Object.keys(reservations).length ? { reservations } : {}),
    },
  };
}

/** deploy.resources of a container sized by one role. */
export function roleDeploy(resources: DockerResources, role: keyof DockerResources): DeployResources {
  return deploy(quantities(resources[role], `resources.${role}`));
}

/** MiB of a role's memory_limit (for heap flags). */
export function roleMemoryMiB(resources: DockerResources, role: keyof DockerResources): number {
  return quantities(resources[role], `resources.${role}`).memoryMiB;
}

/**
 * The worker's container runs the orchestrator (the worker process) and up to `maxJobs`
 * replication children, each with source + destination limits: its limits are the sum, its
 * reservations what one sync needs. A role without a request counts with its limit.
 */
export function workerDeploy(resources: DockerResources, maxJobs: number): DeployResources {
  const orchestrator = quantities(resources.orchestrator, 'resources.orchestrator');
  const source = quantities(resources.source, 'resources.source');
  const destination = quantities(resources.destination, 'resources.destination');
  const request = (q: Quantities) => ({ cpus: q.cpusRequest ?? q.cpus, memoryMiB: q.memoryRequestMiB ?? q.memoryMiB });
  const sum = (...parts: { cpus: number; memoryMiB: number }[]) => ({
    cpus: parts.reduce((total, q) => total + q.cpus, 0),
    memoryMiB: parts.reduce((total, q) => total + q.memoryMiB, 0),
  });
  const limits = sum(orchestrator, ...Array.from({ length: maxJobs }, () => sum(source, destination)));
  const reservations = sum(request(orchestrator), request(source), request(destination));
  return deploy({ cpus: limits.cpus, memoryMiB: limits.memoryMiB, cpusRequest: reservations.cpus, memoryRequestMiB: reservations.memoryMiB });
}

/** What the worker may give its replication children at once (WORKER_MEMORY_BUDGET). */
export function workerMemoryBudgetMiB(resources: DockerResources, maxJobs: number): number {
  return maxJobs * (parseMemoryMiB(resources.source.memory_limit, 'resources.source.memory_limit') + parseMemoryMiB(resources.destination.memory_limit, 'resources.destination.memory_limit'));
}

const AIRBYTE_FIELDS = [
  ['CPU_REQUEST', 'cpu_request'],
  ['CPU_LIMIT', 'cpu_limit'],
  ['MEMORY_REQUEST', 'memory_request'],
  ['MEMORY_LIMIT', 'memory_limit'],
] as const;

/**
 * The worker's connector limits as Airbyte names them. JOB_MAIN_CONTAINER_* apply to every
 * connector alike, so they carry config.yaml's source and destination roles when those are
 * equal; roles that differ go in PLATFORM_RESOURCES, which the worker reads first (as
 * Airbyte's connector-specific limits win over its instance-wide ones).
 */
export function workerResourceEnv(resources: DockerResources): Record<string, string> {
  const env: Record<string, string> = {};
  const same = AIRBYTE_FIELDS.every(([, key]) => resources.source[key] === resources.destination[key]);
  if (same) {
    for (const [suffix, key] of AIRBYTE_FIELDS) if (resources.source[key] !== undefined) env[`JOB_MAIN_CONTAINER_${suffix}`] = String(resources.source[key]);
  } else {
    env.PLATFORM_RESOURCES = JSON.stringify({ source: resources.source, destination: resources.destination });
  }
  for (const [suffix, key] of AIRBYTE_FIELDS) if (resources.orchestrator[key] !== undefined) env[`REPLICATION_ORCHESTRATOR_${suffix}`] = String(resources.orchestrator[key]);
  return env;
}

/** Lowers CPU limits and reservations above what the engine has (Docker refuses them); says which. */
export function clampCpus(deployment: DeployResources, engineCpus: number | undefined, service: string, notices: string[]): DeployResources {
  if (engineCpus === undefined) return deployment;
  const clamp = (value: string | undefined, what: string) => {
    if (value === undefined || Number(value) <= engineCpus) return value;
    notices.push(`${service}: ${what} of ${value} CPUs lowered to the engine's ${engineCpus}`);
    return String(engineCpus);
  };
  const { limits, reservations } = deployment.resources;
  return {
    resources: {
      limits: { ...limits, cpus: clamp(limits.cpus, 'cpu limit')! },
      ...(reservations ? { reservations: { ...reservations, ...(reservations.cpus ? { cpus: clamp(reservations.cpus, 'cpu reservation') } : {}) } } : {}),
    },
  };
}
