// Pure helpers turning what an attempt produced into what the store and the API record:
// failure reasons, the failure summary, stats in API shape, the log line of a decision.
import { asConnectorError } from '@platform/connectors';
import type { AttemptFailureSummary, AttemptProgress } from '../store/job-store';
import type { AttemptFailure, FailureOrigin } from './child-protocol';
import { RETRY_POLICY, type JobDecision } from './retry-policy';
import { safeText, TEXT_LIMITS } from './safe-text';
import type { StatsSnapshot } from './sync-stats';

export function failureFrom(origin: FailureOrigin, err: unknown): AttemptFailure {
  const e = asConnectorError(err);
  return { failureOrigin: origin, failureType: e.failureType, externalMessage: e.message, internalMessage: e.internalMessage, stacktrace: e.stack, timestamp: Date.now() };
}

/** What the store keeps (and the API serves) of an attempt's failures, each through safeText. */
export function failureSummary(failures: AttemptFailure[], stats?: StatsSnapshot): AttemptFailureSummary {
  const detail = (text: string | undefined) => (text === undefined ? undefined : safeText(text, TEXT_LIMITS.detail));
  return {
    failures: failures.map((failure) => ({
      ...failure,
      externalMessage: safeText(failure.externalMessage, TEXT_LIMITS.message),
      internalMessage: detail(failure.internalMessage),
      stacktrace: detail(failure.stacktrace),
      retryable: RETRY_POLICY[failure.failureType].action === 'retry',
    })),
    partialSuccess: (stats?.streams ?? []).some((s) => s.recordsCommitted > 0),
  };
}

export function toProgress(stats: StatsSnapshot): AttemptProgress {
  const sum = (key: 'recordsEmitted' | 'bytesEmitted' | 'recordsCommitted' | 'bytesCommitted') => stats.streams.reduce((n, s) => n + s[key], 0);
  const totalStats = {
    recordsEmitted: sum('recordsEmitted'),
    bytesEmitted: sum('bytesEmitted'),
    recordsCommitted: sum('recordsCommitted'),
    bytesCommitted: sum('bytesCommitted'),
    stateMessagesEmitted: stats.stateMessagesEmitted,
  };
  return {
    recordsSynced: totalStats.recordsCommitted,
    bytesSynced: totalStats.bytesCommitted,
    totalStats,
    streamStats: stats.streams.map((s) => ({
      streamName: s.name,
      streamNamespace: s.namespace,
      stats: { recordsEmitted: s.recordsEmitted, bytesEmitted: s.bytesEmitted, recordsCommitted: s.recordsCommitted, bytesCommitted: s.bytesCommitted },
    })),
  };
}

/**
 * The message for a child that died without reporting, naming the memory limit on OOM.
 * `heap`: the child's heap limit, and whether the connection's own resourceRequirements set it.
 */
export function crashFailure(exit: { code: number | null; signal: NodeJS.Signals | null }, stderrTail: string[], heap: { MiB?: number; fromConnection: boolean }): AttemptFailure {
  const tail = stderrTail.join('\n');
  const outOfMemory = /heap out of memory|Reached heap limit|Allocation failed/i.test(tail);
  const [origin, setting] = heap.fromConnection
    ? ["the connection's resourceRequirements.memory_limit, for each of its connectors", "the connection's resourceRequirements.memory_limit"]
    : ['the source and destination memory_limit in config/config.yaml', 'the source/destination memory_limit'];
  const externalMessage = outOfMemory
    ? `The sync ran out of memory${heap.MiB ? ` (heap limit ${heap.MiB} MiB, from ${origin})` : ''}. Raise ${setting}, or sync fewer or smaller streams at once.`
    : `The replication process exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}).`;
  return { failureOrigin: 'replication', failureType: 'system_error', externalMessage, internalMessage: tail || undefined, timestamp: Date.now() };
}

export function describeDecision(decision: JobDecision | { status: 'cancelled' }): string {
  switch (decision.status) {
    case 'cancelled':
      return 'job cancelled';
    case 'failed':
      return `job failed, not retried: ${decision.reason}`;
    case 'incomplete':
      return `job will be retried in ${Math.round(decision.retryInMs / 1000)} s: ${decision.reason}`;
  }
}
