// Whether a failure is worth another attempt is decided by this table alone (design example 6),
// from the failure type a connector's error table gave: the worker's retries and the
// `retryable` flag the API reports (attempts, check and discover) both read it.
import type { FailureType } from '@platform/protocol';

export interface RetryRule {
  action: 'retry' | 'fail';
  /** Why, in words an operator reads in the job's log. */
  reason: string;
}

export const FAILURE_RETRY_POLICY: Readonly<Record<FailureType, RetryRule>> = {
  transient_error: { action: 'retry', reason: 'transient errors (network, a service restarting, a dead worker) usually pass' },
  system_error: { action: 'retry', reason: 'an unexpected error may not recur on a fresh attempt' },
  config_error: { action: 'fail', reason: 'a wrong configuration fails the same way until a user fixes it' },
};

export const isRetryable = (failureType: FailureType): boolean => FAILURE_RETRY_POLICY[failureType].action === 'retry';
