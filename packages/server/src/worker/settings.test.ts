import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JOBS, externalTimeoutsFromEnv, workerSettingsFromEnv } from './settings';

const GiB = 2 ** 30;

describe('workerSettingsFromEnv', () => {
  it('runs several jobs at once by default, within three quarters of the machine memory', () => {
    expect(workerSettingsFromEnv({}, 16 * GiB)).toEqual({ maxJobs: DEFAULT_MAX_JOBS, memoryBudgetBytes: 12 * GiB, autoDisableAfterFailures: 3 });
    expect(DEFAULT_MAX_JOBS).toBeGreaterThan(1);
  });

  it('takes WORKER_MAX_JOBS and WORKER_MEMORY_BUDGET', () => {
    expect(workerSettingsFromEnv({ WORKER_MAX_JOBS: '3', WORKER_MEMORY_BUDGET: '6Gi' }, 16 * GiB)).toEqual({ maxJobs: 3, memoryBudgetBytes: 6 * GiB, autoDisableAfterFailures: 3 });
  });

  it('takes the auto-disable threshold from Airbyte\'s MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE (0: never)', () => {
    expect(workerSettingsFromEnv({ MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE: '5' }, 16 * GiB).autoDisableAfterFailures).toBe(5);
    expect(workerSettingsFromEnv({ MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE: '0' }, 16 * GiB).autoDisableAfterFailures).toBe(0);
  });

  it.each([
    [{ MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE: 'three' }, 'MAX_FAILED_JOBS_IN_A_ROW_BEFORE_CONNECTION_DISABLE must be a whole number, 0 to never disable (got "three")'],
    [{ WORKER_MAX_JOBS: '0' }, 'WORKER_MAX_JOBS must be a whole number of at least 1 (got "0")'],
    [{ WORKER_MAX_JOBS: 'many' }, 'WORKER_MAX_JOBS must be a whole number of at least 1 (got "many")'],
    [{ WORKER_MAX_JOBS: '2.5' }, 'WORKER_MAX_JOBS must be a whole number of at least 1 (got "2.5")'],
    [{ WORKER_MEMORY_BUDGET: 'lots' }, 'WORKER_MEMORY_BUDGET: invalid memory quantity "lots" (expected e.g. 512Mi, 1Gi, 2G)'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => workerSettingsFromEnv(env, 16 * GiB)).toThrow(message);
  });
});

describe('externalTimeoutsFromEnv', () => {
  it("gives external connectors Airbyte's 30 min heartbeat and 3-day sync timeout, or the variables' seconds", () => {
    expect(externalTimeoutsFromEnv({})).toEqual({ heartbeatMs: 30 * 60_000, timeoutMs: 3 * 24 * 3600_000 });
    expect(externalTimeoutsFromEnv({ PLATFORM_CONNECTOR_HEARTBEAT_SECONDS: '90', PLATFORM_CONNECTOR_SYNC_TIMEOUT_SECONDS: '7200' })).toEqual({ heartbeatMs: 90_000, timeoutMs: 7_200_000 });
  });

  it('refuses a value that is not a number of seconds, naming the variable', () => {
    expect(() => externalTimeoutsFromEnv({ PLATFORM_CONNECTOR_HEARTBEAT_SECONDS: '30m' })).toThrow('PLATFORM_CONNECTOR_HEARTBEAT_SECONDS must be a number of seconds above 0 (got "30m")');
    expect(() => externalTimeoutsFromEnv({ PLATFORM_CONNECTOR_SYNC_TIMEOUT_SECONDS: '0' })).toThrow('PLATFORM_CONNECTOR_SYNC_TIMEOUT_SECONDS must be a number of seconds above 0 (got "0")');
  });
});
