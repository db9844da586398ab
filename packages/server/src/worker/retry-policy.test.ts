import { ConnectorError } from '@platform/connectors';
import type { FailureType } from '@platform/protocol';
import { describe, expect, it } from 'vitest';
import { runSynchronousJob } from '../services/connector-jobs';
import { createLogger } from '../shared/logger';
import { backoffDelayMs } from '../shared/backoff';
import { decideAfterFailure } from './retry-policy';

const backoff = { initialMs: 10, factor: 3, maxMs: 50 };

describe('decideAfterFailure', () => {
  it('retries transient and system errors with growing backoff until the attempts run out', () => {
    expect(decideAfterFailure('transient_error', 0, 3, backoff)).toMatchObject({ status: 'incomplete', retryInMs: 10 });
    expect(decideAfterFailure('system_error', 1, 3, backoff)).toMatchObject({ status: 'incomplete', retryInMs: 30 });
    expect(decideAfterFailure('transient_error', 2, 3, backoff)).toMatchObject({ status: 'failed', reason: 'all 3 attempts failed' });
  });

  it('never retries a config error or a cancel', () => {
    expect(decideAfterFailure('config_error', 0, 3, backoff).status).toBe('failed');
    expect(decideAfterFailure('manual_cancellation', 0, 3, backoff).status).toBe('failed');
  });
});

describe('backoffDelayMs', () => {
  it('is capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, backoff))).toEqual([10, 30, 50, 50]);
  });
});

describe('one retry policy', () => {
  it.each<FailureType>(['transient_error', 'system_error', 'config_error'])('check and discover report %s as retryable exactly when the worker retries it', async (failureType) => {
    const result = await runSynchronousJob(
      { configType: 'check_connection_source', configId: 'c', failureOrigin: 'source', timeoutMs: 10_000, secrets: [], log: createLogger('test', { write: () => {} }) },
      async () => {
        throw new ConnectorError('failed', failureType);
      },
    );
    const workerRetries = decideAfterFailure(failureType, 0, 3, backoff).status === 'incomplete';
    expect(result.jobInfo.failureReason?.retryable).toBe(workerRetries);
  });
});
