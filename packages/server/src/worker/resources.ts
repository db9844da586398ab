// PLATFORM_RESOURCES (written by the launcher from config/config.yaml) and Airbyte's
// JOB_MAIN_CONTAINER_* variables (the docker runtime's worker) → limits for the replication child. The child runs source and destination in one Node process, so:
//
//   node --max-old-space-size = source.memory_limit + destination.memory_limit   (V8 heap, MiB)
//   DUCKDB_MEMORY_LIMIT       = destination.memory_limit / 2                     (DuckDB's own
//                               native memory, outside the V8 heap; DuckDB spills past it;
//                               also set as DESTINATION_S3_DUCKDB_MEMORY_LIMIT, the name
//                               destination-s3 reads)
//
// When only one side has a limit the other counts as 1 GiB; with neither, Node's and
// DuckDB's defaults apply. CPU limits and requests are not
// enforceable on a local process and are ignored; orchestrator limits apply to the worker
// process itself, which the launcher starts.

export interface ResourceRequirements {
  cpu_request?: string;
  cpu_limit?: string;
  memory_request?: string;
  memory_limit?: string;
}

export interface PlatformResources {
  source?: ResourceRequirements;
  destination?: ResourceRequirements;
  orchestrator?: ResourceRequirements;
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** Kubernetes memory quantity ("512Mi", "1Gi", "2G", "1048576") → bytes. */
export function parseMemoryQuantity(quantity: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kMGT]i?)?\s*$/.exec(quantity);
  if (!m) throw new Error(`invalid memory quantity "${quantity}" (expected e.g. 512Mi, 1Gi, 2G)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? '']);
}

export function parsePlatformResources(json: string | undefined): PlatformResources {
  if (!json?.trim()) return {};
  try {
    return JSON.parse(json) as PlatformResources;
  } catch (err) {
    throw new Error(`PLATFORM_RESOURCES is not valid JSON: ${(err as Error).message}`);
  }
}

const AIRBYTE_SUFFIXES: [string, keyof ResourceRequirements][] = [
  ['CPU_REQUEST', 'cpu_request'],
  ['CPU_LIMIT', 'cpu_limit'],
  ['MEMORY_REQUEST', 'memory_request'],
  ['MEMORY_LIMIT', 'memory_limit'],
];

/**
 * The worker's limits from its environment: Airbyte's instance-wide variables
 * (JOB_MAIN_CONTAINER_* for every connector, source and destination alike;
 * REPLICATION_ORCHESTRATOR_* for the orchestrator), then PLATFORM_RESOURCES, whose roles win
 * (as Airbyte's connector-specific limits win over its instance-wide ones).
 */
export function platformResourcesFromEnv(env: Record<string, string | undefined>): PlatformResources {
  const fromPrefix = (prefix: string): ResourceRequirements | undefined => {
    const entries = AIRBYTE_SUFFIXES.filter(([suffix]) => env[`${prefix}_${suffix}`]).map(([suffix, key]) => [key, env[`${prefix}_${suffix}`]!]);
    return entries.length ? Object.fromEntries(entries) : undefined;
  };
  const connector = fromPrefix('JOB_MAIN_CONTAINER');
  const orchestrator = fromPrefix('REPLICATION_ORCHESTRATOR');
  const instanceWide: PlatformResources = {
    ...(connector ? { source: connector, destination: connector } : {}),
    ...(orchestrator ? { orchestrator } : {}),
  };
  for (const requirements of Object.values(instanceWide)) if (requirements?.memory_limit) parseMemoryQuantity(requirements.memory_limit);
  return { ...instanceWide, ...parsePlatformResources(env.PLATFORM_RESOURCES) };
}

export interface ChildLimits {
  execArgv: string[];
  env: Record<string, string>;
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
export function replicationChildMemoryBytes(resources: PlatformResources): number {
  const side = (r: ResourceRequirements | undefined) => (r?.memory_limit ? parseMemoryQuantity(r.memory_limit) : UNSET_SIDE_BYTES);
  return side(resources.source) + side(resources.destination);
}

export function replicationChildLimits(resources: PlatformResources): ChildLimits {
  const source = resources.source?.memory_limit ? parseMemoryQuantity(resources.source.memory_limit) : undefined;
  const destination = resources.destination?.memory_limit ? parseMemoryQuantity(resources.destination.memory_limit) : undefined;
  const limits: ChildLimits = { execArgv: [], env: {} };
  if (source !== undefined || destination !== undefined) {
    limits.heapMiB = Math.max(64, Math.floor(((source ?? UNSET_SIDE_BYTES) + (destination ?? UNSET_SIDE_BYTES)) / MiB));
    limits.execArgv.push(`--max-old-space-size=${limits.heapMiB}`);
  }
  if (destination !== undefined) {
    const duckdb = `${Math.max(64, Math.floor(destination / 2 / MiB))}MiB`;
    limits.env.DUCKDB_MEMORY_LIMIT = duckdb;
    limits.env.DESTINATION_S3_DUCKDB_MEMORY_LIMIT = duckdb;
  }
  return limits;
}
