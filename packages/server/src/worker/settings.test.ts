import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JOBS, workerSettingsFromEnv } from './settings';

const GiB = 2 ** 30;

describe('workerSettingsFromEnv', () => {
  it('runs several jobs at once by default, within three quarters of the machine memory', () => {
    expect(workerSettingsFromEnv({}, 16 * GiB)).toEqual({ maxJobs: DEFAULT_MAX_JOBS, memoryBudgetBytes: 12 * GiB });
    expect(DEFAULT_MAX_JOBS).toBeGreaterThan(1);
  });

  it('takes WORKER_MAX_JOBS and WORKER_MEMORY_BUDGET', () => {
    expect(workerSettingsFromEnv({ WORKER_MAX_JOBS: '3', WORKER_MEMORY_BUDGET: '6Gi' }, 16 * GiB)).toEqual({ maxJobs: 3, memoryBudgetBytes: 6 * GiB });
  });

  it.each([
    [{ WORKER_MAX_JOBS: '0' }, 'WORKER_MAX_JOBS must be a whole number of at least 1 (got "0")'],
    [{ WORKER_MAX_JOBS: 'many' }, 'WORKER_MAX_JOBS must be a whole number of at least 1 (got "many")'],
    [{ WORKER_MAX_JOBS: '2.5' }, 'WORKER_MAX_JOBS must be a whole number of at least 1 (got "2.5")'],
    [{ WORKER_MEMORY_BUDGET: 'lots' }, 'WORKER_MEMORY_BUDGET: invalid memory quantity "lots" (expected e.g. 512Mi, 1Gi, 2G)'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => workerSettingsFromEnv(env, 16 * GiB)).toThrow(message);
  });
});
