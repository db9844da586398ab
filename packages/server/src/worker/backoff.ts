// The one backoff helper every retry loop in the worker and scheduler uses: exponential,
// capped, deterministic (tests and operators can predict the next run time).

export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

/** Airbyte waits ~10 s before the first retry of a sync and grows from there. */
export const ATTEMPT_BACKOFF: BackoffPolicy = { initialMs: 10_000, factor: 3, maxMs: 5 * 60_000 };

/** Delay before retry number `retry` (1 = first retry). */
export function backoffDelayMs(retry: number, policy: BackoffPolicy): number {
  if (retry <= 0) return 0;
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** (retry - 1));
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
