// What the API asks of jobs (Airbyte's SchedulerHandler and JobHistoryHandler): start a
// manual sync, reset a connection, cancel a job; list jobs with their attempts, read attempt
// logs and a connection's state. Jobs are only enqueued and marked here; workers run them.
import type { AirbyteStateMessage, StreamDescriptor } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import { sleep } from '../shared/backoff';
import { ConflictError, invalidField, NotFoundError } from '../shared/errors';
import { isActiveJobStatus, type JobStatus } from '@platform/api-types';
import type { ConnectionRecord } from '../store/config-store';
import type { Attempt, Job, JobConfigType, JobStore, StoredState } from '../store/job-store';
import type { ConnectionService } from './connections';

const DEFAULT_PAGE_SIZE = 200;
const DEFAULT_LOG_PAGE_LINES = 1000;
const JOB_CONFIG_TYPES: readonly string[] = ['sync', 'reset_connection'] satisfies JobConfigType[];

/** A job as the API shows it: for a reset, the streams it empties. */
export interface JobView {
  job: Job;
  /** Only for a reset: the streams it names, or all the connection's selected streams. */
  streamsToReset?: StreamDescriptor[];
}

export interface JobWithAttempts extends JobView {
  attempts: Attempt[];
}

export interface JobDetails extends JobView {
  attempts: Array<{ attempt: Attempt; logLines: string[] }>;
}

export interface JobListQuery {
  /** The API's config types; those that never become jobs here (check, discover...) match nothing. */
  configTypes: readonly ApiSchemas['JobConfigType'][];
  connectionId?: string;
  statuses?: JobStatus[];
  limit?: number;
  offset?: number;
}

/** How many recent jobs connections/status looks at per connection. */
const STATUS_JOB_LOOKBACK = 20;

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

  /** A job with every attempt and its log lines (Airbyte's JobInfoRead). */
  async details(job: Job): Promise<JobDetails> {
    const attempts = await this.jobStore.attemptsOf([job.id]);
    return {
      ...(await this.view(job)),
      attempts: await Promise.all(attempts.map(async (attempt) => ({ attempt, logLines: await this.jobStore.attemptLogs(attempt.id) }))),
    };
  }

  async list(query: JobListQuery): Promise<{ jobs: JobWithAttempts[]; total: number }> {
    const configTypes = query.configTypes.filter((t) => JOB_CONFIG_TYPES.includes(t)) as JobConfigType[];
    const { jobs, total } = await this.jobStore.listJobs({
      configTypes,
      connectionId: query.connectionId,
      statuses: query.statuses,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      offset: query.offset ?? 0,
    });
    const attempts = await this.jobStore.attemptsOf(jobs.map((j) => j.id));
    return {
      jobs: await Promise.all(jobs.map(async (job) => ({ ...(await this.view(job)), attempts: attempts.filter((a) => a.jobId === job.id) }))),
      total,
    };
  }

  /** A page of an attempt's log lines, or a 404 naming the attempt. */
  async attemptLogPage(jobId: number, attemptNumber: number, offset?: number, limit?: number): Promise<{ lines: string[]; total: number }> {
    const page = await this.jobStore.attemptLogPage(jobId, attemptNumber, offset ?? 0, limit ?? DEFAULT_LOG_PAGE_LINES);
    if (!page) throw new NotFoundError('attempt', `${jobId}/${attemptNumber}`, `Could not find attempt ${attemptNumber} of job ${jobId}`);
    return page;
  }

  /** One attempt of a job, by its number (AttemptRead.id), with its log lines (Airbyte's AttemptInfoRead). */
  async attempt(jobId: number, attemptNumber: number): Promise<{ attempt: Attempt; logLines: string[] }> {
    const job = await this.getJob(jobId);
    const found = (await this.jobStore.attemptsOf([job.id])).find((a) => a.attemptNumber === attemptNumber);
    if (!found) throw new NotFoundError('attempt', `${jobId}/${attemptNumber}`, `Could not find attempt ${attemptNumber} of job ${jobId}`);
    return { attempt: found, logLines: await this.jobStore.attemptLogs(found.id) };
  }

  /**
   * Each connection with its latest jobs (syncs and resets, newest first), from which connections/status
   * derives its answer as Airbyte does (which looks back over a bounded number of jobs too).
   */
  async connectionStatuses(connectionIds: string[]): Promise<Array<{ connection: ConnectionRecord; jobs: JobWithAttempts[] }>> {
    return Promise.all(
      connectionIds.map(async (connectionId) => ({
        connection: await this.connections.get(connectionId),
        jobs: (await this.list({ configTypes: ['sync', 'reset_connection'], connectionId, limit: STATUS_JOB_LOOKBACK })).jobs,
      })),
    );
  }

  /** Airbyte's state/create_or_update: the connection's state replaced whole (refused while a job runs). */
  async replaceState(connectionId: string, state: ApiSchemas['ConnectionState']): Promise<StoredState[]> {
    if (state.connectionId !== connectionId) {
      throw invalidField('connectionState.connectionId', `is ${state.connectionId}, not the connection ${connectionId} whose state is being replaced`);
    }
    await this.connections.get(connectionId);
    if (!(await this.jobStore.replaceState(connectionId, toStateMessages(state)))) {
      throw new ConflictError(`connection ${connectionId} has a pending or running job; cancel it or wait for it to end before changing its state`);
    }
    return this.jobStore.getState(connectionId);
  }

  /** The state the connection's syncs left (a 404 for an unknown connection). */
  async state(connectionId: string): Promise<StoredState[]> {
    await this.connections.get(connectionId);
    return this.jobStore.getState(connectionId);
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

  /** A job without its attempts (Airbyte's JobInfoLightRead). */
  async view(job: Job): Promise<JobView> {
    return job.configType === 'reset_connection' ? { job, streamsToReset: await this.streamsToReset(job) } : { job };
  }

  /** A reset of "all streams" lists the connection's selected streams, as Airbyte's resetConfig does. */
  private async streamsToReset(job: Job): Promise<StreamDescriptor[]> {
    if (job.resetStreams) return job.resetStreams;
    const connection = await this.connections.find(job.connectionId);
    return (connection?.syncCatalog.streams ?? []).filter((s) => s.config.selected !== false).map((s) => ({ name: s.stream.name, namespace: s.stream.namespace ?? null }));
  }

  private async usableConnection(connectionId: string): Promise<ConnectionRecord> {
    const connection = await this.connections.get(connectionId);
    if (connection.status === 'deprecated') throw new ConflictError(`Connection ${connectionId} was deleted; it cannot run.`);
    return connection;
  }
}

/** The API's ConnectionState as the STATE messages the store keeps (not_set: none). */
function toStateMessages(state: ApiSchemas['ConnectionState']): AirbyteStateMessage[] {
  const descriptor = (d: StreamDescriptor): StreamDescriptor => ({ name: d.name, namespace: d.namespace ?? null });
  switch (state.stateType) {
    case 'not_set':
      return [];
    case 'stream':
      return (state.streamState ?? []).map((s) => ({ type: 'STREAM', stream: { stream_descriptor: descriptor(s.streamDescriptor), stream_state: s.streamState ?? null } }));
    case 'global':
      return [
        {
          type: 'GLOBAL',
          global: {
            shared_state: state.globalState?.shared_state ?? null,
            stream_states: (state.globalState?.streamStates ?? []).map((s) => ({ stream_descriptor: descriptor(s.streamDescriptor), stream_state: s.streamState ?? null })),
          },
        },
      ];
    case 'legacy':
      return [{ type: 'LEGACY', data: state.state ?? {} }];
  }
}
