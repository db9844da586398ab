// Resource limits, one shape everywhere: config/config.yaml's `resources:` (read by the
// launcher), PLATFORM_RESOURCES (the launcher's copy for the worker) and a connection's own
// `resourceRequirements` (Airbyte's ResourceRequirements). Quantities are Kubernetes'
// ("0.5" or "500m" CPUs, "512Mi" or "1G" of memory). Public: @platform/server/resource-limits.
//
// A replication child runs source and destination in one Node process, so:
//
//   node --max-old-space-size = source.memory_limit + destination.memory_limit   (V8 heap, MiB)
//   each connector's context  = limits: { memoryMiB: its memory_limit }          (a connector
//                               sizes its own native memory from it: destination-s3 gives
//                               DuckDB half, outside the V8 heap)
//
// When only one side has a limit the other counts as 1 GiB; with neither, Node's and the
// connectors' defaults apply. CPU limits and requests are not enforceable on a local process
// and are ignored; orchestrator limits apply to the worker process itself, which the
// launcher starts.
import type { components } from '@platform/api-types';
import type { ConnectorLimits } from '@platform/connectors';

/** Airbyte's ResourceRequirements of one role or connection: the API's schema, one type everywhere. */
export type ResourceRequirements = components['schemas']['ResourceRequirements'];

/** The roles the platform's own processes are sized by. */
export const RESOURCE_ROLES = ['source', 'destination', 'orchestrator', 'query'] as const;
export type ResourceRole = (typeof RESOURCE_ROLES)[number];

export type ResourceLimits = Partial<Record<ResourceRole, ResourceRequirements>>;

export class ResourceLimitsError extends Error {
  override name = 'ResourceLimitsError';
}

const REQUIREMENT_KEYS = ['cpu_request', 'cpu_limit', 'memory_request', 'memory_limit'] as const;

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** Kubernetes memory quantity ("512Mi", "1Gi", "2G", "1048576") → bytes. */
export function parseMemoryQuantity(quantity: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kMGT]i?)?\s*$/.exec(quantity);
  if (!m) throw new ResourceLimitsError(`invalid memory quantity "${quantity}" (expected e.g. 512Mi, 1Gi, 2G)`);
  return Math.round(Number(m[1]) * MEMORY_UNITS[m[2] ?? '']);
}

/** Kubernetes CPU quantity ("0.5", "2", "500m") → CPUs. */
export function parseCpuQuantity(quantity: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)(m?)\s*$/.exec(quantity);
  const cpus = m ? Number(m[1]) / (m[2] ? 1000 : 1) : NaN;
  if (!(cpus > 0)) throw new ResourceLimitsError(`invalid CPU quantity "${quantity}" (expected e.g. 0.5, 2, 500m)`);
  return cpus;
}

/** Validates one role's (or connection's) requirements; every error names the field at `where`. */
export function parseResourceRequirements(value: unknown, where: string): ResourceRequirements {
  if (!isPlainObject(value)) throw new ResourceLimitsError(`${where} must be an object with ${REQUIREMENT_KEYS.join(', ')}`);
  const requirements: ResourceRequirements = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!(REQUIREMENT_KEYS as readonly string[]).includes(key)) {
      throw new ResourceLimitsError(`${where}.${key} is not a resource setting (expected ${REQUIREMENT_KEYS.join(', ')})`);
    }
    if (raw === undefined || raw === null) continue;
    // YAML reads `cpu_limit: 1.0` as a number.
    if (typeof raw !== 'string' && typeof raw !== 'number') throw new ResourceLimitsError(`${where}.${key} must be a quantity such as "1Gi" or "0.5"`);
    const quantity = String(raw);
    try {
      if (key.startsWith('memory_')) parseMemoryQuantity(quantity);
      else parseCpuQuantity(quantity);
    } catch (err) {
      throw new ResourceLimitsError(`${where}.${key}: ${(err as Error).message}`);
    }
    requirements[key as keyof ResourceRequirements] = quantity;
  }
  return requirements;
}

/**
 * Validates a `resources` object: each of RESOURCE_ROLES it has, and no other key than
 * `otherRoles` (roles read elsewhere, e.g. the docker runtime's containers, left out here).
 */
export function parseResourceLimits(value: unknown, where = 'resources', otherRoles: readonly string[] = []): ResourceLimits {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ResourceLimitsError(`${where} must be an object keyed by role (${RESOURCE_ROLES.join(', ')})`);
  const limits: ResourceLimits = {};
  for (const [role, requirements] of Object.entries(value)) {
    if ((RESOURCE_ROLES as readonly string[]).includes(role)) limits[role as ResourceRole] = parseResourceRequirements(requirements, `${where}.${role}`);
    else if (!otherRoles.includes(role)) throw new ResourceLimitsError(`${where}.${role} is not a role (expected ${[...RESOURCE_ROLES, ...otherRoles].join(', ')})`);
  }
  return limits;
}

/** PLATFORM_RESOURCES: the JSON of a `resources` object. */
export function parseResourceLimitsJson(json: string | undefined, where = 'PLATFORM_RESOURCES'): ResourceLimits {
  if (!json?.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ResourceLimitsError(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  return parseResourceLimits(value, where);
}

export interface ChildLimits {
  execArgv: string[];
  /** Each connector's share, passed in its context. */
  connectors: { source?: ConnectorLimits; destination?: ConnectorLimits };
  /** For the message when the child runs out of memory. */
  heapMiB?: number;
}

const MiB = 2 ** 20;
const UNSET_SIDE_BYTES = 1024 * MiB;

/**
 * What one replication child may use, as the worker's memory budget counts it: source +
 * destination memory_limit, an unset side counting as 1 GiB (Node's and DuckDB's defaults
 * are of that order).
 */
export function replicationChildMemoryBytes(resources: ResourceLimits): number {
  const side = (r: ResourceRequirements | undefined) => (r?.memory_limit ? parseMemoryQuantity(r.memory_limit) : UNSET_SIDE_BYTES);
  return side(resources.source) + side(resources.destination);
}

export function replicationChildLimits(resources: ResourceLimits): ChildLimits {
  const source = resources.source?.memory_limit ? parseMemoryQuantity(resources.source.memory_limit) : undefined;
  const destination = resources.destination?.memory_limit ? parseMemoryQuantity(resources.destination.memory_limit) : undefined;
  const limits: ChildLimits = { execArgv: [], connectors: {} };
  if (source !== undefined || destination !== undefined) {
    limits.heapMiB = Math.max(64, Math.floor(((source ?? UNSET_SIDE_BYTES) + (destination ?? UNSET_SIDE_BYTES)) / MiB));
    limits.execArgv.push(`--max-old-space-size=${limits.heapMiB}`);
  }
  if (source !== undefined) limits.connectors.source = { memoryMiB: Math.floor(source / MiB) };
  if (destination !== undefined) limits.connectors.destination = { memoryMiB: Math.floor(destination / MiB) };
  return limits;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
