// Where the worker's resource limits come from: PLATFORM_RESOURCES (written by the launcher
// from config/config.yaml), Airbyte's JOB_MAIN_CONTAINER_* variables (the docker runtime's
// worker), and a connection's own resourceRequirements, which (as in Airbyte) apply to each
// of its connectors and win over the worker's. What they give a replication child:
// replicationChildLimits in ../resource-limits.ts.
import { configError, type ConnectorLimits } from '@platform/connectors';
import { parseResourceLimitsJson, parseResourceRequirements, type ResourceLimits, type ResourceRequirements } from '../shared/resource-limits';

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
export function resourceLimitsFromEnv(env: Record<string, string | undefined>): ResourceLimits {
  const fromPrefix = (prefix: string): ResourceRequirements | undefined => {
    const entries = AIRBYTE_SUFFIXES.filter(([suffix]) => env[`${prefix}_${suffix}`]).map(([suffix, key]) => [key, env[`${prefix}_${suffix}`]!]);
    return entries.length ? parseResourceRequirements(Object.fromEntries(entries), `${prefix}_*`) : undefined;
  };
  const connector = fromPrefix('JOB_MAIN_CONTAINER');
  const orchestrator = fromPrefix('REPLICATION_ORCHESTRATOR');
  const instanceWide: ResourceLimits = {
    ...(connector ? { source: connector, destination: connector } : {}),
    ...(orchestrator ? { orchestrator } : {}),
  };
  return { ...instanceWide, ...parseResourceLimitsJson(env.PLATFORM_RESOURCES) };
}

/** The worker's limits with a connection's own on top (they apply to each of its connectors). */
export function withConnectionRequirements(resources: ResourceLimits, connection: ResourceRequirements | null | undefined): ResourceLimits {
  if (!connection) return resources;
  let requirements: ResourceRequirements;
  try {
    requirements = parseResourceRequirements(connection, 'resourceRequirements');
  } catch (err) {
    // The connection's settings, not the platform, are wrong: the user fixes them.
    throw configError(`The connection's ${(err as Error).message}; fix it with connections/update`);
  }
  return { ...resources, source: { ...resources.source, ...requirements }, destination: { ...resources.destination, ...requirements } };
}
