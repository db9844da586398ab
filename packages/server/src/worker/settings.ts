// The worker's own settings from its environment, checked at startup so a typo stops the
// worker with the variable named instead of silently running one job at a time.
import { totalmem } from 'node:os';
import { parseMemoryQuantity } from '../shared/resource-limits';

export interface WorkerSettings {
  /** Jobs this process runs at once. */
  maxJobs: number;
  /** The memory limits of the running replication children add up to at most this. */
  memoryBudgetBytes: number;
}

/** Airbyte OSS runs 5 syncs at once per worker by default (MAX_SYNC_WORKERS). */
export const DEFAULT_MAX_JOBS = 5;
/** The rest of the machine is left to Postgres, S3, the server and the worker itself. */
export const DEFAULT_MEMORY_BUDGET_SHARE = 0.75;

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv, machineMemoryBytes = totalmem()): WorkerSettings {
  const maxJobs = env.WORKER_MAX_JOBS?.trim() ? Number(env.WORKER_MAX_JOBS) : DEFAULT_MAX_JOBS;
  if (!Number.isInteger(maxJobs) || maxJobs < 1) {
    throw new Error(`WORKER_MAX_JOBS must be a whole number of at least 1 (got "${env.WORKER_MAX_JOBS}")`);
  }
  let memoryBudgetBytes = Math.floor(machineMemoryBytes * DEFAULT_MEMORY_BUDGET_SHARE);
  if (env.WORKER_MEMORY_BUDGET?.trim()) {
    try {
      memoryBudgetBytes = parseMemoryQuantity(env.WORKER_MEMORY_BUDGET);
    } catch (err) {
      throw new Error(`WORKER_MEMORY_BUDGET: ${(err as Error).message}`);
    }
  }
  return { maxJobs, memoryBudgetBytes };
}
