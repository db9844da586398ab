// A worker process's job loop: claim the oldest due job from the Postgres queue, run one
// attempt of it, repeat. Any number of workers, on any machines, share one queue; the
// database guarantees one unfinished job per connection and SKIP LOCKED hands each job to
// one worker. Every worker also fails attempts whose worker stopped heartbeating.
import type { Logger } from '../logger';
import type { ConfigStore } from '../store/config-store';
import type { JobStore } from '../store/job-store';
import { describeDecision, failureSummary } from './attempt-outcome';
import { AttemptRunner, type AttemptRunnerConfig } from './attempt-runner';
import { ATTEMPT_BACKOFF, backoffDelayMs, sleep, type BackoffPolicy } from './backoff';
import { formatLogLine, type AttemptFailure } from './child-protocol';
import { replicationChildLimits, type PlatformResources } from './resources';
import { decideAfterFailure } from './retry-policy';

export interface WorkerOptions {
  workerId: string;
  jobStore: JobStore;
  configStore: ConfigStore;
  log: Logger;
  resources?: PlatformResources;
  /** Jobs this process runs at once (each in its own replication child). */
  concurrency?: number;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  staleAfterMs?: number;
  killGraceMs?: number;
}

/** Retrying the queue itself (the database restarting) backs off from 1 s to 30 s. */
const QUEUE_ERROR_BACKOFF: BackoffPolicy = { initialMs: 1000, factor: 2, maxMs: 30_000 };

export class Worker {
  private readonly running = new Set<AttemptRunner>();
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];
  private lastReap = 0;
  private readonly options: Required<Omit<WorkerOptions, 'resources'>>;
  private readonly runnerConfig: AttemptRunnerConfig;

  constructor(options: WorkerOptions) {
    this.options = {
      concurrency: 1,
      maxAttempts: 3,
      backoff: ATTEMPT_BACKOFF,
      pollIntervalMs: 1000,
      heartbeatIntervalMs: 2000,
      staleAfterMs: 15_000,
      killGraceMs: 8_000,
      ...options,
    };
    const o = this.options;
    this.runnerConfig = {
      workerId: o.workerId,
      jobStore: o.jobStore,
      configStore: o.configStore,
      log: o.log,
      limits: replicationChildLimits(options.resources ?? {}),
      maxAttempts: o.maxAttempts,
      backoff: o.backoff,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      staleAfterMs: o.staleAfterMs,
      killGraceMs: o.killGraceMs,
    };
  }

  start(): void {
    this.options.log.info('worker started', { workerId: this.options.workerId, concurrency: this.options.concurrency });
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop());
  }

  /**
   * Stops claiming; lets running attempts finish for up to `graceMs`, then stops their
   * children and fails those attempts as transient, so another worker retries them.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping.abort();
    const finished = Promise.all(this.loops);
    const timer = setTimeout(() => {
      for (const runner of this.running) runner.interrupt('shutdown');
    }, graceMs);
    await finished;
    clearTimeout(timer);
    this.options.log.info('worker stopped', { workerId: this.options.workerId });
  }

  private async loop(): Promise<void> {
    let queueErrors = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await this.reapStaleAttempts();
        const claim = await this.options.jobStore.claimNextJob(this.options.workerId);
        queueErrors = 0;
        if (!claim) {
          await sleep(this.options.pollIntervalMs, this.stopping.signal);
          continue;
        }
        this.options.log.info('attempt started', { jobId: claim.job.id, attempt: claim.attempt.attemptNumber, connectionId: claim.job.connectionId });
        const runner = new AttemptRunner(this.runnerConfig, claim.job, claim.attempt);
        this.running.add(runner);
        try {
          await runner.run();
        } finally {
          this.running.delete(runner);
        }
        this.options.log.info('attempt ended', { jobId: claim.job.id, attempt: claim.attempt.attemptNumber });
      } catch (err) {
        queueErrors++;
        this.options.log.error('job queue unavailable', { error: err, retry: queueErrors });
        await sleep(backoffDelayMs(queueErrors, QUEUE_ERROR_BACKOFF), this.stopping.signal);
      }
    }
  }

  /** At most every few seconds: attempts of dead workers fail as transient and their jobs retry. */
  private async reapStaleAttempts(): Promise<void> {
    const { jobStore, staleAfterMs, maxAttempts, backoff, log } = this.options;
    if (Date.now() - this.lastReap < staleAfterMs / 3) return;
    this.lastReap = Date.now();
    const failure = (): AttemptFailure => ({
      failureOrigin: 'airbyte_platform',
      failureType: 'transient_error',
      externalMessage: `The worker running this attempt stopped heartbeating for over ${Math.round(staleAfterMs / 1000)} s (it died or lost the database); the sync resumes from the last committed state.`,
      timestamp: Date.now(),
    });
    const decisions = new Map<number, string>();
    const reaped = await jobStore.failStaleAttempts(staleAfterMs, (attemptNumber) => ({
      status: 'failed',
      failureSummary: failureSummary(failure()),
      decide: (job) => {
        const decision = job.cancelRequested ? ({ status: 'cancelled' } as const) : decideAfterFailure('transient_error', attemptNumber, maxAttempts, backoff);
        decisions.set(job.id, describeDecision(decision));
        return decision;
      },
    }));
    for (const { jobId, attemptId } of reaped) {
      const outcome = decisions.get(jobId)!;
      log.warn('failed an attempt whose worker stopped heartbeating', { jobId, attemptId, outcome });
      await jobStore.appendLogs(attemptId, [
        formatLogLine(Date.now(), 'ERROR', 'worker', `${failure().externalMessage} (noticed by worker ${this.options.workerId})`),
        formatLogLine(Date.now(), 'INFO', 'worker', outcome),
      ]);
    }
  }
}
