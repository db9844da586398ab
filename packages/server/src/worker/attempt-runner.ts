// The worker's side of one attempt: start the replication child, persist what it reports
// (acknowledged STATE at once, stats, log lines), heartbeat, obey a cancel, and end the
// attempt and the job through the retry policy.
import { readLines, type StreamDescriptor } from '@platform/protocol';
import type { SchemaCheck } from '../services/schema-changes';
import type { Logger } from '../shared/logger';
import type { ConfigStore } from '../store/config-store';
import type { Attempt, Job, JobOutcome, JobStore } from '../store/job-store';
import { AttemptLog } from './attempt-log';
import { crashFailure, describeDecision, failureFrom, failureSummary, toProgress } from './attempt-outcome';
import type { BackoffPolicy } from '../shared/backoff';
import { createAttemptDir, removeAttemptDir } from './attempt-files';
import { parseChildReport, type AttemptFailure, type ReplicationInput } from './child-protocol';
import { loadJobContext, type ExternalConnectorTimeouts } from './job-context';
import { replicationSpec, spawnReplication, type ReplicationProcess } from './replication-process';
import type { WarmReplication } from './warm-replication';
import { replicationChildLimits, type ChildLimits, type ResourceLimits } from '../shared/resource-limits';
import { withConnectionRequirements } from './resources';
import { decideAfterFailure, retryDecidingType, type JobDecision } from './retry-policy';
import type { StatsSnapshot } from './sync-stats';

export interface AttemptRunnerConfig {
  workerId: string;
  jobStore: JobStore;
  configStore: ConfigStore;
  log: Logger;
  /** The worker's limits; a connection's own resourceRequirements win over them. */
  resources: ResourceLimits;
  /** Each attempt's child gets a directory of its own under this root as its TMPDIR. */
  tmpDir: string;
  maxAttempts: number;
  backoff: BackoffPolicy;
  heartbeatIntervalMs: number;
  /** An attempt whose heartbeat is older than this is failed by any live worker. */
  staleAfterMs: number;
  /** Between SIGTERM and SIGKILL of the child. */
  killGraceMs: number;
  /** Bounds on external connectors' reads and writes (the connectors' own defaults when absent). */
  externalTimeouts?: ExternalConnectorTimeouts;
  /** Checks a sync's source schema against the connection before it runs (schema evolution). */
  schemaCheck?: SchemaCheck;
  /** A child spawned ahead of time, taken when it fits the attempt; else the attempt spawns its own. */
  warmReplication?: WarmReplication;
}

/** Why the worker stopped the child itself. */
export type Interruption = 'cancelled' | 'shutdown' | 'lost';

/** A failed attempt: one failure of the whole attempt, or one per stream that failed alone. */
type Ending = { kind: 'succeeded' } | { kind: 'failed'; failures: AttemptFailure[]; completedStreams?: StreamDescriptor[] } | { kind: 'lost' };

const failedWith = (failure: AttemptFailure): Ending => ({ kind: 'failed', failures: [failure] });

const PROGRESS_SAVE_INTERVAL_MS = 1000;
const STDERR_TAIL_LINES = 30;

export class AttemptRunner {
  private process?: ReplicationProcess;
  private interruption?: Interruption;
  private stats?: StatsSnapshot;
  private result?: { type: 'succeeded' } | { type: 'failed'; failures: AttemptFailure[]; completedStreams: StreamDescriptor[] };
  private lastProgressSave = 0;
  private readonly log: AttemptLog;

  constructor(
    private readonly cfg: AttemptRunnerConfig,
    private readonly job: Job,
    private readonly attempt: Attempt,
  ) {
    this.log = new AttemptLog(cfg.jobStore, attempt.id, cfg.log);
  }

  async run(): Promise<void> {
    const { job, attempt, cfg } = this;
    this.log.write('worker', 'INFO', `attempt ${attempt.attemptNumber + 1} of ${job.configType} job ${job.id} started on worker ${cfg.workerId}`);
    const stopHeartbeat = this.startHeartbeat();
    try {
      const ending = await this.execute();
      await this.finish(ending);
    } catch (err) {
      // The database is unreachable: leave the attempt to be reaped and retried by a live worker.
      cfg.log.error('attempt could not be recorded', { jobId: job.id, attemptId: attempt.id, error: err });
      await this.process?.terminate(cfg.killGraceMs);
    } finally {
      stopHeartbeat();
      await this.log.close();
    }
  }

  /**
   * Stops the child; the attempt then ends according to the reason. A worker that lost its
   * attempt kills at once: another worker may already be writing the same streams.
   */
  interrupt(reason: Interruption): void {
    this.interruption ??= reason;
    void this.process?.terminate(reason === 'lost' ? 0 : this.cfg.killGraceMs);
  }

  private async execute(): Promise<Ending> {
    let context;
    let limits: ChildLimits;
    try {
      if (this.job.configType === 'sync' && this.cfg.schemaCheck) {
        const decision = await this.cfg.schemaCheck.beforeSync(this.job.connectionId);
        for (const line of decision.log) this.log.write('worker', decision.proceed ? 'INFO' : 'ERROR', line);
        if (!decision.proceed) return failedWith({ failureOrigin: 'source', failureType: 'config_error', externalMessage: decision.reason, timestamp: Date.now() });
      }
      context = await loadJobContext(this.job, this.cfg, this.attempt.attemptNumber);
      limits = replicationChildLimits(withConnectionRequirements(this.cfg.resources, context.resourceRequirements));
    } catch (err) {
      return failedWith(failureFrom('airbyte_platform', err));
    }
    this.log.addSecrets(context.secrets);
    if (context.alreadyCompleted.length > 0) {
      const names = context.alreadyCompleted.map((d) => (d.namespace ? `${d.namespace}.${d.name}` : d.name)).join(', ');
      this.log.write('worker', 'INFO', `not redone: ${names}, completed by an earlier attempt of this job`);
    }
    if (this.interruption) return this.interrupted();

    let tmpDir;
    try {
      tmpDir = await createAttemptDir(this.cfg.tmpDir, this.attempt.id);
    } catch (err) {
      return failedWith(failureFrom('airbyte_platform', err));
    }
    try {
      return await this.replicate({ ...context.input, limits: limits.connectors, tmpDir }, limits, context.resourceRequirements?.memory_limit !== undefined, tmpDir);
    } finally {
      // The child's spill files hold source rows: they go with the attempt, once the child is gone.
      await this.process?.terminate(this.cfg.killGraceMs);
      await removeAttemptDir(tmpDir);
    }
  }

  private async replicate(input: ReplicationInput, limits: ChildLimits, limitsFromConnection: boolean, tmpDir: string): Promise<Ending> {
    const spec = replicationSpec(limits.execArgv);
    const proc = (this.cfg.warmReplication?.take(spec) ?? spawnReplication(spec, tmpDir)).start(input);
    this.process = proc;
    if (!proc.entry.precompiled) this.cfg.log.info(`replication child runs from TypeScript through tsx: ${proc.entry.reason}`, { attemptId: this.attempt.id });
    const stderrTail: string[] = [];
    const stderrDone = (async () => {
      for await (const line of readLines(proc.stderr)) {
        stderrTail.push(line);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        this.log.write('replication', 'WARN', line);
      }
    })();
    let persistenceFailure: AttemptFailure | undefined;
    for await (const line of readLines(proc.stdout)) {
      if (persistenceFailure) continue;
      try {
        await this.handleLine(line);
      } catch (err) {
        // Without the database, acknowledged state cannot be recorded: stop the sync now.
        persistenceFailure = { ...failureFrom('persistence', err), failureType: 'transient_error' };
        void proc.terminate(this.cfg.killGraceMs);
      }
    }
    await stderrDone;
    const exit = await proc.exited;
    if (this.interruption === 'lost') return { kind: 'lost' };
    // A sync that completed before a cancel or shutdown reached it stays a success.
    if (this.result?.type === 'succeeded' && exit.code === 0 && !persistenceFailure) return { kind: 'succeeded' };
    if (this.interruption) return this.interrupted();
    if (persistenceFailure) return failedWith(persistenceFailure);
    if (this.result?.type === 'failed') return { kind: 'failed', failures: this.result.failures, completedStreams: this.result.completedStreams };
    return failedWith(crashFailure(exit, stderrTail, { MiB: limits.heapMiB, fromConnection: limitsFromConnection }));
  }

  private interrupted(): Ending {
    switch (this.interruption!) {
      case 'lost':
        return { kind: 'lost' };
      case 'cancelled':
        return failedWith({ failureOrigin: 'airbyte_platform', failureType: 'manual_cancellation', externalMessage: 'The job was cancelled.', timestamp: Date.now() });
      case 'shutdown':
        return failedWith({
          failureOrigin: 'airbyte_platform',
          failureType: 'transient_error',
          externalMessage: `Worker ${this.cfg.workerId} shut down during the attempt; it resumes from the last committed state.`,
          timestamp: Date.now(),
        });
    }
  }

  private async handleLine(line: string): Promise<void> {
    const report = parseChildReport(line);
    if (!report) {
      this.log.write('replication', 'INFO', line);
      return;
    }
    switch (report.type) {
      case 'log':
        this.log.write(report.origin, report.level, report.message, report.at);
        return;
      case 'state':
        // The destination has committed everything before this state: record it before anything else.
        if (!(await this.cfg.jobStore.saveAcknowledgedState(this.attempt.id, this.cfg.workerId, this.job.connectionId, report.state))) {
          this.interrupt('lost');
          return;
        }
        this.stats = report.stats;
        await this.saveProgress(true);
        return;
      case 'progress':
        this.stats = report.stats;
        await this.saveProgress(false);
        return;
      case 'succeeded':
        this.stats = report.stats;
        this.result = { type: 'succeeded' };
        return;
      case 'failed':
        this.stats = report.stats;
        this.result = { type: 'failed', failures: report.failures, completedStreams: report.completedStreams };
        return;
    }
  }

  private async saveProgress(force: boolean): Promise<void> {
    if (!this.stats || (!force && Date.now() - this.lastProgressSave < PROGRESS_SAVE_INTERVAL_MS)) return;
    this.lastProgressSave = Date.now();
    await this.cfg.jobStore.saveProgress(this.attempt.id, this.cfg.workerId, toProgress(this.stats));
  }

  private startHeartbeat(): () => void {
    const { jobStore, workerId, heartbeatIntervalMs, staleAfterMs } = this.cfg;
    let lastBeat = Date.now();
    let beating = false;
    const timer = setInterval(async () => {
      if (beating) return;
      beating = true;
      try {
        const beat = await jobStore.heartbeat(this.attempt.id, workerId);
        lastBeat = Date.now();
        if (!beat) this.interrupt('lost');
        else if (beat.cancelRequested) this.interrupt('cancelled');
      } catch {
        // Cut off from the database: stop writing well before another worker takes the attempt over.
        if (Date.now() - lastBeat > staleAfterMs / 2) this.interrupt('lost');
      } finally {
        beating = false;
      }
    }, heartbeatIntervalMs);
    return () => clearInterval(timer);
  }

  private async finish(ending: Ending): Promise<void> {
    const { job, attempt, cfg } = this;
    if (ending.kind === 'lost') {
      this.log.write('worker', 'WARN', 'this worker lost the attempt (heartbeat missed); another worker takes over from the last committed state');
      return;
    }
    const progress = this.stats && toProgress(this.stats);
    if (ending.kind === 'succeeded') {
      // A reset has emptied the destination: its streams start over on the next sync.
      if (job.configType === 'reset_connection') await cfg.jobStore.clearState(job.connectionId, job.resetStreams);
      const owned = await cfg.jobStore.finishAttempt(attempt.id, cfg.workerId, { status: 'succeeded', progress, decide: () => ({ status: 'succeeded' }) });
      this.log.write('worker', 'INFO', owned ? `${job.configType} succeeded: ${progress?.recordsSynced ?? 0} records, ${progress?.bytesSynced ?? 0} bytes` : 'attempt was taken over before it could be recorded');
      return;
    }
    const { failures, completedStreams } = ending;
    for (const f of failures) {
      const stream = f.streamDescriptor ? ` on stream ${f.streamDescriptor.namespace ? `${f.streamDescriptor.namespace}.` : ''}${f.streamDescriptor.name}` : '';
      this.log.write('worker', 'ERROR', `${f.failureOrigin} failed (${f.failureType})${stream}: ${f.externalMessage}`);
    }
    let decision: JobDecision | { status: 'cancelled' } | undefined;
    const owned = await cfg.jobStore.finishAttempt(attempt.id, cfg.workerId, {
      status: 'failed',
      failureSummary: failureSummary(failures, this.stats),
      progress,
      completedStreams,
      decide: (current): JobOutcome => {
        decision = current.cancelRequested ? { status: 'cancelled' } : decideAfterFailure(retryDecidingType(failures), attempt.attemptNumber, cfg.maxAttempts, cfg.backoff);
        return decision;
      },
    });
    if (!owned || !decision) return;
    this.log.write('worker', 'INFO', describeDecision(decision));
  }
}
