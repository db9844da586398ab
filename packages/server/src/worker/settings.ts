// The worker's own settings from its environment, checked at startup so a typo stops the
// worker with the variable named instead of silently running one job at a time.
import { totalmem } from 'node:os';
import { DEFAULT_AUTO_DISABLE_AFTER_FAILURES } from '../services/notifications/notifications';
import { parseMemoryQuantity } from '../shared/resource-limits';
import { secondsFromEnv } from '../shared/seconds-setting';
import type { ExternalConnectorTimeouts } from './job-context';

export interface WorkerSettings {
  /** Jobs this process runs at once. */
  maxJobs: number;
  /** The memory limits of the running replication children add up to at most this. */
  memoryBudgetBytes: number;
  /** Failed sync jobs in a row that disable a connection (0: never). */
  autoDisableAfterFailures: number;
}

/** An external connector silent this long is stopped (Airbyte's heartbeat; 30 min). */
export const DEFAULT_CONNECTOR_HEARTBEAT_SECONDS = 30 * 60;
/** An external connector's read or write running this long is stopped (Airbyte's SYNC_JOB_MAX_TIMEOUT_DAYS default: 3 days). */
export const DEFAULT_CONNECTOR_SYNC_TIMEOUT_SECONDS = 3 * 24 * 3600;


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
  // Airbyte's variable for the same rule.
  const rawLimit = env.MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE?.trim();
  const autoDisableAfterFailures = rawLimit ? Number(rawLimit) : DEFAULT_AUTO_DISABLE_AFTER_FAILURES;
  if (!Number.isInteger(autoDisableAfterFailures) || autoDisableAfterFailures < 0) {
    throw new Error(
      `MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE must be a whole number, 0 to never disable (got "${env.MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE}")`,
    );
  }
  return { maxJobs, memoryBudgetBytes, autoDisableAfterFailures };
}

/** PLATFORM_CONNECTOR_HEARTBEAT_SECONDS and PLATFORM_CONNECTOR_SYNC_TIMEOUT_SECONDS: how long an external connector's read or write may stay silent, and run. */
export function externalTimeoutsFromEnv(env: NodeJS.ProcessEnv): ExternalConnectorTimeouts {
  return {
    heartbeatMs: secondsFromEnv(env, 'PLATFORM_CONNECTOR_HEARTBEAT_SECONDS', DEFAULT_CONNECTOR_HEARTBEAT_SECONDS) * 1000,
    timeoutMs: secondsFromEnv(env, 'PLATFORM_CONNECTOR_SYNC_TIMEOUT_SECONDS', DEFAULT_CONNECTOR_SYNC_TIMEOUT_SECONDS) * 1000,
  };
}
