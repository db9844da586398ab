// connections/sync|reset, jobs/list|get|cancel, attempt/get_logs and state/get: thin translations between the
// API's shapes and the job service and store.
import type { StreamDescriptor } from '@platform/protocol';
import type { PlatformServices } from '../../app';
import { epochSeconds } from '../../shared/epoch-seconds';
import type { Attempt, Job, JobConfigType, StoredState } from '../../store/job-store';
import { NotFoundError } from '../../shared/errors';
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { RouteModule } from '../route';

const DEFAULT_PAGE_SIZE = 200;
const DEFAULT_LOG_PAGE_LINES = 1000;
const JOB_CONFIG_TYPES: readonly string[] = ['sync', 'reset_connection'] satisfies JobConfigType[];

/** A reset of "all streams" lists the connection's selected streams, as Airbyte's resetConfig does. */
async function streamsToReset(job: Job, services: PlatformServices): Promise<StreamDescriptor[]> {
  if (job.resetStreams) return job.resetStreams;
  const connection = await services.configStore.getConnection(job.connectionId);
  return (connection?.syncCatalog.streams ?? []).filter((s) => s.config.selected !== false).map((s) => ({ name: s.stream.name, namespace: s.stream.namespace ?? null }));
}

async function toJobRead(job: Job, services: PlatformServices): Promise<ApiSchemas['JobRead']> {
  return {
    id: job.id,
    configType: job.configType,
    configId: job.connectionId,
    createdAt: epochSeconds(job.createdAt),
    updatedAt: epochSeconds(job.updatedAt),
    ...(job.startedAt ? { startedAt: epochSeconds(job.startedAt) } : {}),
    status: job.status,
    ...(job.configType === 'reset_connection' ? { resetConfig: { streamsToReset: await streamsToReset(job, services) } } : {}),
  };
}

function toAttemptRead(a: Attempt): ApiSchemas['AttemptRead'] {
  return {
    id: a.attemptNumber,
    status: a.status,
    createdAt: epochSeconds(a.createdAt),
    updatedAt: epochSeconds(a.updatedAt),
    ...(a.endedAt ? { endedAt: epochSeconds(a.endedAt) } : {}),
    bytesSynced: a.bytesSynced,
    recordsSynced: a.recordsSynced,
    totalStats: a.totalStats,
    streamStats: a.streamStats,
    ...(a.failureSummary ? { failureSummary: a.failureSummary } : {}),
  };
}

async function toJobInfoRead(job: Job, services: PlatformServices): Promise<ApiSchemas['JobInfoRead']> {
  const attempts = await services.jobStore.attemptsOf([job.id]);
  return {
    job: await toJobRead(job, services),
    attempts: await Promise.all(attempts.map(async (a) => ({ attempt: toAttemptRead(a), logs: { logLines: await services.jobStore.attemptLogs(a.id) } }))),
  };
}

export function toConnectionState(connectionId: string, rows: StoredState[]): ApiSchemas['ConnectionState'] {
  const streamState = (r: StoredState): ApiSchemas['StreamState'] => ({
    streamDescriptor: { name: r.name, namespace: r.namespace },
    ...(r.state ? { streamState: r.state } : {}),
  });
  switch (rows[0]?.stateType) {
    case undefined:
      return { stateType: 'not_set', connectionId };
    case 'STREAM':
      return { stateType: 'stream', connectionId, streamState: rows.map(streamState) };
    case 'GLOBAL': {
      const shared = rows.find((r) => r.name === '')?.state;
      return { stateType: 'global', connectionId, globalState: { ...(shared ? { shared_state: shared } : {}), streamStates: rows.filter((r) => r.name !== '').map(streamState) } };
    }
    case 'LEGACY':
      return { stateType: 'legacy', connectionId, state: rows[0].state ?? {} };
  }
}

export const jobRoutes: RouteModule = {
  async 'connections/sync'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.sync(body.connectionId), services);
  },
  async 'connections/reset'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.reset(body.connectionId), services);
  },
  async 'jobs/list'(body: ApiSchemas['JobListRequestBody'], { services }): Promise<ApiSchemas['JobReadList']> {
    // Other config types (check, discover...) never become jobs here: they simply match nothing.
    const configTypes = body.configTypes.filter((t) => JOB_CONFIG_TYPES.includes(t)) as JobConfigType[];
    const { jobs, total } = await services.jobStore.listJobs({
      configTypes,
      connectionId: body.configId,
      statuses: body.statuses,
      limit: body.pagination?.pageSize ?? DEFAULT_PAGE_SIZE,
      offset: body.pagination?.rowOffset ?? 0,
    });
    const attempts = await services.jobStore.attemptsOf(jobs.map((j) => j.id));
    return {
      jobs: await Promise.all(
        jobs.map(async (job) => ({ job: await toJobRead(job, services), attempts: attempts.filter((a) => a.jobId === job.id).map(toAttemptRead) })),
      ),
      totalJobCount: total,
    };
  },
  async 'jobs/get'(body: ApiSchemas['JobIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.getJob(body.id), services);
  },
  async 'attempt/get_logs'(body: ApiSchemas['AttemptLogsRequestBody'], { services }): Promise<ApiSchemas['AttemptLogsRead']> {
    const offset = body.offset ?? 0;
    const page = await services.jobStore.attemptLogPage(body.jobId, body.attemptNumber, offset, body.limit ?? DEFAULT_LOG_PAGE_LINES);
    if (!page) throw new NotFoundError('attempt', `${body.jobId}/${body.attemptNumber}`, `Could not find attempt ${body.attemptNumber} of job ${body.jobId}`);
    return { logLines: page.lines, offset, totalLines: page.total };
  },
  async 'jobs/cancel'(body: ApiSchemas['JobIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.cancel(body.id), services);
  },
  async 'state/get'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    await services.connections.get(body.connectionId);
    return toConnectionState(body.connectionId, await services.jobStore.getState(body.connectionId));
  },
};
