// Waiting helpers every layer may use: the one backoff rule of the retry loops (worker,
// scheduler) — exponential, capped, deterministic (tests and operators can predict the next
// run time) — and an abortable sleep (the job service's polls, the leader's retries).

export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

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
