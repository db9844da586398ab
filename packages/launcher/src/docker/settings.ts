// The `docker:` section of config/platform.yaml: what only the docker runtime uses.
import { ConfigError } from '../config';

export interface DockerSettings {
  /** The compose project name: containers, network and volumes are named after it. */
  project: string;
  /** Dremio answers on ports.query (true), or the platform's query service does (false). */
  dremio: boolean;
  /** Syncs the worker container runs at once; its resource limits are sized for them. */
  workerMaxJobs: number;
}

/** Parses `docker:`; a missing section or key takes the default. `file` names platform.yaml in errors. */
export function parseDockerSettings(raw: Record<string, unknown> | undefined, file: string): DockerSettings {
  const project = String(raw?.project ?? 'airlock');
  // Compose's own rule for project names.
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) {
    throw new ConfigError(`${file}: docker.project "${project}" must be lowercase letters, digits, "-" and "_", starting with a letter or digit`);
  }
  const dremio = String(raw?.dremio ?? 'true');
  if (dremio !== 'true' && dremio !== 'false') throw new ConfigError(`${file}: docker.dremio must be true or false, got "${dremio}"`);
  const workerMaxJobs = Number(raw?.worker_max_jobs ?? 2);
  if (!Number.isInteger(workerMaxJobs) || workerMaxJobs < 1) {
    throw new ConfigError(`${file}: docker.worker_max_jobs "${raw?.worker_max_jobs}" is not a whole number of at least 1`);
  }
  return { project, dremio: dremio === 'true', workerMaxJobs };
}
