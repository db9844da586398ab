// What the API asks of jobs (Airbyte's SchedulerHandler): start a manual sync, reset a
// connection, cancel a job. Jobs are only enqueued and marked here; workers run them.
import type { StreamDescriptor } from '@platform/protocol';
import type { ConnectionService } from '../config/connections';
import { ConflictError, NotFoundError } from '../errors';
import { isActiveJobStatus } from '@platform/api-types';
import type { ConnectionRecord } from '../store/config-store';
import type { Job, JobStore } from '../store/job-store';
import { sleep } from '../worker/backoff';

export interface JobServiceOptions {
  /** How long a cancel (or a reset displacing a running sync) waits for the worker to stop it. */
  stopWaitMs?: number;
  pollMs?: number;
}

export class JobService {
  private readonly stopWaitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly jobStore: JobStore,
    private readonly connections: ConnectionService,
    options: JobServiceOptions = {},
  ) {
    this.stopWaitMs = options.stopWaitMs ?? 30_000;
    this.pollMs = options.pollMs ?? 250;
  }

  async getJob(jobId: number): Promise<Job> {
    const job = await this.jobStore.getJob(jobId);
    if (!job) throw new NotFoundError('job', jobId);
    return job;
  }

  /** A new sync job, or the sync already pending or running for the connection (as Airbyte answers). */
  async sync(connectionId: string): Promise<Job> {
    await this.usableConnection(connectionId);
    // Two tries: the unfinished job we collided with may end in between.
    for (let tries = 0; tries < 2; tries++) {
      const created = await this.jobStore.createJob(connectionId, 'sync');
      if (created) return created;
      const active = await this.jobStore.activeJob(connectionId);
      if (active?.configType === 'sync') return active;
      if (active) throw new ConflictError(`A reset of connection ${connectionId} is in progress (job ${active.id}); start the sync when it has finished.`);
    }
    throw new ConflictError(`Connection ${connectionId} is busy; try again.`);
  }

  /**
   * A reset job that empties the destination streams and forgets their state. A sync in
   * progress is cancelled first (Airbyte does the same); a reset already queued is returned.
   */
  async reset(connectionId: string, streams: StreamDescriptor[] | null = null): Promise<Job> {
    await this.usableConnection(connectionId);
    const deadline = Date.now() + this.stopWaitMs;
    for (;;) {
      const created = await this.jobStore.createJob(connectionId, 'reset_connection', streams);
      if (created) return created;
      const active = await this.jobStore.activeJob(connectionId);
      if (active?.configType === 'reset_connection') return active;
      if (active) await this.jobStore.requestCancel(active.id);
      if (Date.now() > deadline) {
        throw new ConflictError(`The running sync of connection ${connectionId} (job ${active?.id}) did not stop within ${this.stopWaitMs / 1000} s; try the reset again.`);
      }
      await sleep(this.pollMs);
    }
  }

  /** Cancels a job; a running one is stopped by its worker, which this waits for (bounded). */
  async cancel(jobId: number): Promise<Job> {
    let job = await this.jobStore.requestCancel(jobId);
    if (!job) throw new NotFoundError('job', jobId);
    const deadline = Date.now() + this.stopWaitMs;
    while (isActiveJobStatus(job.status) && Date.now() < deadline) {
      await sleep(this.pollMs);
      job = await this.getJob(jobId);
    }
    return job;
  }

  private async usableConnection(connectionId: string): Promise<ConnectionRecord> {
    const connection = await this.connections.get(connectionId);
    if (connection.status === 'deprecated') throw new ConflictError(`Connection ${connectionId} was deleted; it cannot run.`);
    return connection;
  }
}
