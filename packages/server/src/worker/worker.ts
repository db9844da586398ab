// A worker process's job loops: claim the oldest due job from the Postgres queue, run one
// attempt of it, repeat. Between claims it sleeps until the queue announces a job (LISTEN) or
// the poll interval passes. Any number of workers, on any machines, share one queue; the
// database guarantees one unfinished job per connection and SKIP LOCKED hands each job to
// one worker. A worker runs up to `maxJobs` attempts at once, each in its own replication
// child, and claims a job only when that child's memory limits fit in its memory budget.
// Every worker also fails attempts whose worker stopped heartbeating, and sweeps its tmp
// root of spill files no running attempt owns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotificationService } from '../services/notifications/notifications';
import type { SchemaCheck } from '../services/schema-changes';
import type { Logger } from '../shared/logger';
import type { ConfigStore } from '../store/config-store';
import type { Attempt, Job, JobStore } from '../store/job-store';
import { sweepTmpRoot } from './attempt-files';
import { describeDecision, failureSummary } from './attempt-outcome';
import { AttemptRunner, type AttemptRunnerConfig } from './attempt-runner';
import { backoffDelayMs, sleep, type BackoffPolicy } from '../shared/backoff';
import { formatLogLine, type AttemptFailure } from './child-protocol';
import type { ExternalConnectorTimeouts } from './job-context';
import { JobSlots } from './job-slots';
import { QueueWakeup } from './queue-wakeup';
import { replicationChildLimits, replicationChildMemoryBytes, type ResourceLimits } from '../shared/resource-limits';
import { replicationSpec } from './replication-process';
import { WarmReplication } from './warm-replication';
import { ATTEMPT_BACKOFF, decideAfterFailure } from './retry-policy';
import { DEFAULT_AUTO_DISABLE_AFTER_FAILURES } from '../services/notifications/notifications';
import { DEFAULT_MAX_JOBS } from './settings';

export interface WorkerOptions {
  workerId: string;
  jobStore: JobStore;
  configStore: ConfigStore;
  log: Logger;
  resources?: ResourceLimits;
  /** Jobs this process runs at once (each in its own replication child). */
  maxJobs?: number;
  /** Bound on the sum of the running children's memory limits; unbounded by default. */
  memoryBudgetBytes?: number;
  /**
   * Root of the attempts' tmp directories, swept of anything no running attempt owns: give
   * each platform its own (PLATFORM_STATE_DIR/tmp). By default a fresh directory of this worker.
   */
  tmpDir?: string;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  staleAfterMs?: number;
  killGraceMs?: number;
  /**
   * Follows up ended jobs (notifications, auto-disable) and delivers the webhook outbox, after
   * each attempt and every `notificationIntervalMs`, never inside a job.
   */
  notifications?: NotificationService;
  notificationIntervalMs?: number;
  /** Failed sync jobs in a row that disable a connection (0: never). */
  autoDisableAfterFailures?: number;
  /** Heartbeat and timeout of external connectors' reads and writes. */
  externalTimeouts?: ExternalConnectorTimeouts;
  /** Discovers the source at the start of each sync attempt and applies the connection's schema-change rules (off without it). */
  schemaCheck?: SchemaCheck;
  /** Keep one replication child spawned ahead of time for the next attempt (./warm-replication.ts); on by default. */
  warmReplication?: boolean;
}

/** Retrying the queue itself (the database restarting) backs off from 1 s to 30 s. */
const QUEUE_ERROR_BACKOFF: BackoffPolicy = { initialMs: 1000, factor: 2, maxMs: 30_000 };

export class Worker {
  private readonly running = new Set<AttemptRunner>();
  private readonly stopping = new AbortController();
  private dispatcher?: Promise<void>;
  private listener?: Promise<void>;
  private readonly wakeup = new QueueWakeup();
  private maintenanceTimer?: NodeJS.Timeout;
  private maintenance?: Promise<void>;
  private readonly options: Required<Omit<WorkerOptions, 'resources' | 'tmpDir' | 'notifications' | 'externalTimeouts' | 'schemaCheck' | 'warmReplication'>>;
  private readonly warmReplication?: WarmReplication;
  private readonly notifications?: NotificationService;
  private notificationTimer?: NodeJS.Timeout;
  private notifying?: Promise<void>;
  private notifyAgain = false;
  private readonly runnerConfig: AttemptRunnerConfig;
  private readonly slots: JobSlots;
  private readonly childMemoryBytes: number;
  /** Set when the tmp root is this worker's own, removed at stop. */
  private readonly ownTmpDir?: string;

  constructor(options: WorkerOptions) {
    this.options = {
      maxJobs: DEFAULT_MAX_JOBS,
      memoryBudgetBytes: Number.POSITIVE_INFINITY,
      maxAttempts: 3,
      backoff: ATTEMPT_BACKOFF,
      // A fallback only: the queue's notification wakes the worker for every new job at once.
      pollIntervalMs: 5000,
      heartbeatIntervalMs: 2000,
      staleAfterMs: 15_000,
      killGraceMs: 8_000,
      notificationIntervalMs: 2_000,
      autoDisableAfterFailures: DEFAULT_AUTO_DISABLE_AFTER_FAILURES,
      ...options,
    };
    this.notifications = options.notifications;
    const o = this.options;
    if (!options.tmpDir) this.ownTmpDir = mkdtempSync(join(tmpdir(), 'airlock-worker-'));
    this.slots = new JobSlots(o.maxJobs, o.memoryBudgetBytes);
    this.childMemoryBytes = replicationChildMemoryBytes(options.resources ?? {});
    const usualExecArgv = replicationChildLimits(options.resources ?? {}).execArgv;
    if (options.warmReplication ?? true) this.warmReplication = new WarmReplication(() => replicationSpec(usualExecArgv), o.log);
    this.runnerConfig = {
      workerId: o.workerId,
      jobStore: o.jobStore,
      configStore: o.configStore,
      log: o.log,
      resources: options.resources ?? {},
      tmpDir: options.tmpDir ?? this.ownTmpDir!,
      maxAttempts: o.maxAttempts,
      backoff: o.backoff,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      staleAfterMs: o.staleAfterMs,
      killGraceMs: o.killGraceMs,
      externalTimeouts: options.externalTimeouts,
      schemaCheck: options.schemaCheck,
      warmReplication: this.warmReplication,
    };
  }

  start(): void {
    const { workerId, maxJobs, memoryBudgetBytes, staleAfterMs, log } = this.options;
    const fitInMemory = Math.max(1, Math.floor(memoryBudgetBytes / this.childMemoryBytes));
    log.info('worker started', {
      workerId,
      maxJobs,
      memoryBudgetMiB: Number.isFinite(memoryBudgetBytes) ? Math.floor(memoryBudgetBytes / 2 ** 20) : null,
      childMemoryMiB: Math.floor(this.childMemoryBytes / 2 ** 20),
      jobsAtOnce: Math.min(maxJobs, fitInMemory),
    });
    const maintain = () => {
      this.maintenance ??= this.maintain().finally(() => (this.maintenance = undefined));
    };
    maintain();
    this.maintenanceTimer = setInterval(maintain, staleAfterMs / 3);
    this.listener = this.listen();
    this.dispatcher = this.dispatch();
    this.warmReplication?.replenish();
    if (this.notifications) {
      this.notificationTimer = setInterval(() => this.notify(), this.options.notificationIntervalMs);
      this.notify();
    }
  }

  /**
   * Runs the job-end follow-up and the due deliveries in the background; a call while they
   * run makes them run once more after. Errors are logged: notifications never stop the worker.
   */
  private notify(): void {
    const notifications = this.notifications;
    if (!notifications || this.stopping.signal.aborted) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = (async () => {
      do {
        this.notifyAgain = false;
        try {
          await notifications.handleEndedJobs(this.options.autoDisableAfterFailures);
          await notifications.deliverDue(this.stopping.signal);
        } catch (err) {
          this.options.log.warn('could not follow up ended jobs or deliver notifications; trying again soon', { error: err });
        }
      } while (this.notifyAgain && !this.stopping.signal.aborted);
    })().finally(() => (this.notifying = undefined));
  }

  /**
   * Stops claiming; lets running attempts finish for up to `graceMs`, then stops their
   * children and fails those attempts as transient, so another worker retries them.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping.abort();
    clearInterval(this.maintenanceTimer);
    clearInterval(this.notificationTimer);
    const timer = setTimeout(() => {
      for (const runner of this.running) runner.interrupt('shutdown');
    }, graceMs);
    await Promise.all([this.dispatcher, this.maintenance, this.listener, this.notifying, this.warmReplication?.stop()]);
    clearTimeout(timer);
    if (this.ownTmpDir) rmSync(this.ownTmpDir, { recursive: true, force: true });
    this.options.log.info('worker stopped', { workerId: this.options.workerId });
  }

  /** Claims a job whenever a slot is free, runs its attempt without waiting for it, repeats. */
  private async dispatch(): Promise<void> {
    const { jobStore, workerId, pollIntervalMs, log } = this.options;
    const attempts = new Set<Promise<void>>();
    let queueErrors = 0;
    // Claim only what this worker can run now: an unclaimed job stays free for another worker.
    while (await this.slots.acquire(this.childMemoryBytes, this.stopping.signal)) {
      let claim;
      try {
        this.wakeup.clear();
        claim = await jobStore.claimNextJob(workerId);
        queueErrors = 0;
      } catch (err) {
        this.slots.release(this.childMemoryBytes);
        queueErrors++;
        log.error('job queue unavailable', { error: err, retry: queueErrors });
        await sleep(backoffDelayMs(queueErrors, QUEUE_ERROR_BACKOFF), this.stopping.signal);
        continue;
      }
      if (!claim) {
        this.slots.release(this.childMemoryBytes);
        await this.wakeup.wait(pollIntervalMs, this.stopping.signal);
        continue;
      }
      const attempt: Promise<void> = this.runAttempt(claim).finally(() => {
        this.slots.release(this.childMemoryBytes);
        attempts.delete(attempt);
      });
      attempts.add(attempt);
    }
    await Promise.all(attempts);
  }

  /**
   * Keeps a LISTEN session on the queue while the worker runs, reconnecting with backoff when
   * it is lost; meanwhile the poll interval alone paces the claims.
   */
  private async listen(): Promise<void> {
    const { jobStore, log } = this.options;
    const signal = this.stopping.signal;
    const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    let failures = 0;
    while (!signal.aborted) {
      let lostWith: Error | undefined;
      try {
        let onLost!: () => void;
        const lost = new Promise<void>((resolve) => (onLost = resolve));
        const unlisten = await jobStore.listenForJobs(
          () => this.wakeup.notify(),
          (err) => {
            lostWith = err;
            onLost();
          },
        );
        failures = 0;
        // A job enqueued while no session listened is claimed now, not at the next poll.
        this.wakeup.notify();
        await Promise.race([lost, stopped]);
        if (!lostWith) return await unlisten();
      } catch (err) {
        lostWith = err as Error;
      }
      if (signal.aborted) return;
      failures++;
      log.warn('lost the job queue notifications; polling until they are back', { error: lostWith, retry: failures });
      await sleep(backoffDelayMs(failures, QUEUE_ERROR_BACKOFF), signal);
    }
  }

  private async runAttempt({ job, attempt }: { job: Job; attempt: Attempt }): Promise<void> {
    const { log } = this.options;
    log.info('attempt started', { jobId: job.id, attempt: attempt.attemptNumber, connectionId: job.connectionId });
    const runner = new AttemptRunner(this.runnerConfig, job, attempt);
    this.running.add(runner);
    try {
      await runner.run();
    } catch (err) {
      log.error('attempt runner failed', { jobId: job.id, attempt: attempt.attemptNumber, error: err });
    } finally {
      this.running.delete(runner);
    }
    log.info('attempt ended', { jobId: job.id, attempt: attempt.attemptNumber });
    this.warmReplication?.replenish();
    this.notify();
  }

  /** Every few seconds: reap dead workers' attempts, then sweep spill files no running attempt owns. */
  private async maintain(): Promise<void> {
    const { jobStore, log } = this.options;
    try {
      await this.reapStaleAttempts();
      const removed = await sweepTmpRoot(this.runnerConfig.tmpDir, (ids) => jobStore.runningAttemptIds(ids));
      if (removed.length > 0) log.info('removed spill files of attempts that are no longer running', { entries: removed });
    } catch (err) {
      log.warn('could not reap stale attempts or sweep spill files; trying again soon', { error: err });
    }
  }

  /** Attempts of dead workers fail as transient and their jobs retry. */
  private async reapStaleAttempts(): Promise<void> {
    const { jobStore, staleAfterMs, maxAttempts, backoff, log } = this.options;
    const failure = (): AttemptFailure => ({
      failureOrigin: 'airbyte_platform',
      failureType: 'transient_error',
      externalMessage: `The worker running this attempt stopped heartbeating for over ${Math.round(staleAfterMs / 1000)} s (it died or lost the database); the sync resumes from the last committed state.`,
      timestamp: Date.now(),
    });
    const decisions = new Map<number, string>();
    const reaped = await jobStore.failStaleAttempts(staleAfterMs, (attemptNumber) => ({
      status: 'failed',
      failureSummary: failureSummary([failure()]),
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
