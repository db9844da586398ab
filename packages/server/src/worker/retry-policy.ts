// What happens to a job after a failed attempt is decided by this table alone
// (design example 6), not by ifs spread through the worker: the connector framework's policy
// for each failure type, and a user's cancel.
import { FAILURE_RETRY_POLICY, type RetryRule } from '@platform/connectors';
import type { FailureType } from '@platform/protocol';
import { backoffDelayMs, type BackoffPolicy } from '../shared/backoff';

/** Failure types an attempt can end with: the connector ones plus a user's cancel. */
export type AttemptFailureType = FailureType | 'manual_cancellation';

export const RETRY_POLICY: Readonly<Record<AttemptFailureType, RetryRule>> = {
  ...FAILURE_RETRY_POLICY,
  manual_cancellation: { action: 'fail', reason: 'a user cancelled the job' },
};

/** Airbyte waits ~10 s before the first retry of a sync and grows from there. */
export const ATTEMPT_BACKOFF: BackoffPolicy = { initialMs: 10_000, factor: 3, maxMs: 5 * 60_000 };

export type JobDecision = { status: 'incomplete'; retryInMs: number; reason: string } | { status: 'failed'; reason: string };

/** `attemptNumber` is the 0-based number of the attempt that just failed. */
export function decideAfterFailure(failureType: AttemptFailureType, attemptNumber: number, maxAttempts: number, backoff: BackoffPolicy): JobDecision {
  const rule = RETRY_POLICY[failureType];
  if (rule.action === 'fail') return { status: 'failed', reason: rule.reason };
  const attemptsUsed = attemptNumber + 1;
  if (attemptsUsed >= maxAttempts) return { status: 'failed', reason: `all ${maxAttempts} attempts failed` };
  return { status: 'incomplete', retryInMs: backoffDelayMs(attemptsUsed, backoff), reason: rule.reason };
}

/** Of several failures (streams that failed alone), the one whose type decides: any retryable one retries the job. */
export function retryDecidingType(failures: Array<{ failureType: AttemptFailureType }>): AttemptFailureType {
  return (failures.find((f) => RETRY_POLICY[f.failureType].action === 'retry') ?? failures[0]).failureType;
}
