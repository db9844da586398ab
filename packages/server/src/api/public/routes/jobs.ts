// /jobs: start a sync or a reset (Airbyte's newer name for a reset: clear), get, list with
// filters (connection, type, status; paged), cancel (DELETE). Jobs are only enqueued here;
// workers run them.
import type { Job } from '../../../store/job-store';
import type { JobStatus } from '@platform/api-types';
import type { PlatformServices } from '../../../services/platform-services';
import { invalidField } from '../../../shared/errors';
import { paged, pageOf } from '../paging';
import { toJobResponse } from '../presenters/jobs';
import { ok, type PublicRoute } from '../public-route';
import { listParam, optionalEnum, requiredString, uuidParam } from '../request-fields';

const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'incomplete', 'failed', 'succeeded', 'cancelled'];
/** The filters of Airbyte's list that the job store cannot apply; refused rather than ignored. */
const UNSUPPORTED_FILTERS = ['createdAtStart', 'createdAtEnd', 'updatedAtStart', 'updatedAtEnd'];
/** Jobs are listed newest first; Airbyte's orderBy values that mean just that are accepted. */
const NEWEST_FIRST = ['createdAt|DESC', 'updatedAt|DESC'];

async function withAttempts(services: PlatformServices, job: Job) {
  const details = await services.jobs.details(job);
  return toJobResponse({ ...details, attempts: details.attempts.map((a) => a.attempt) });
}

function jobIdParam(raw: string | undefined): number {
  const id = Number(raw);
  if (!raw || !Number.isSafeInteger(id) || id < 1) throw invalidField('jobId', `must be a job id, a positive whole number (got ${JSON.stringify(String(raw ?? '').slice(0, 30))})`);
  return id;
}

/** Airbyte lists a workspace's jobs; here a workspace filter that covers every workspace is the only one the store can answer. */
async function checkWorkspaceFilter(services: PlatformServices, workspaceIds: string[]): Promise<void> {
  if (workspaceIds.length === 0) return;
  const all = (await services.workspaces.list()).map((w) => w.workspaceId);
  if (all.every((id) => workspaceIds.includes(id))) return;
  throw invalidField('workspaceIds', 'filtering jobs by a subset of the workspaces is not supported; filter by connectionId instead');
}

export const jobRoutes: PublicRoute[] = [
  {
    method: 'POST',
    path: '/jobs',
    async handler({ body, services }) {
      const connectionId = uuidParam(requiredString(body, 'connectionId'), 'connectionId');
      const jobType = optionalEnum(body, 'jobType', ['sync', 'reset', 'clear'] as const);
      if (!jobType) throw invalidField('jobType', 'is required: sync, reset or clear');
      const job = jobType === 'sync' ? await services.jobs.sync(connectionId) : await services.jobs.reset(connectionId);
      return ok(await withAttempts(services, job));
    },
  },
  {
    method: 'GET',
    path: '/jobs',
    async handler({ query, url, services }) {
      const unsupported = UNSUPPORTED_FILTERS.find((name) => query.has(name));
      if (unsupported) throw invalidField(unsupported, 'filtering jobs by date is not supported; page through them (newest first) instead');
      const orderBy = query.get('orderBy');
      if (orderBy && !NEWEST_FIRST.includes(orderBy)) throw invalidField('orderBy', `jobs are listed newest first; use ${NEWEST_FIRST.join(' or ')}`);
      await checkWorkspaceFilter(services, listParam(query, 'workspaceIds').map((w) => uuidParam(w, 'workspaceIds')));
      const connectionId = query.get('connectionId') ? uuidParam(query.get('connectionId'), 'connectionId') : undefined;
      const filters = Object.fromEntries(query);
      const jobType = optionalEnum(filters, 'jobType', ['sync', 'reset', 'clear'] as const);
      const status = optionalEnum(filters, 'status', JOB_STATUSES);
      const page = pageOf(query);
      const { jobs, total } = await services.jobs.list({
        configTypes: jobType ? [jobType === 'sync' ? 'sync' : 'reset_connection'] : ['sync', 'reset_connection'],
        connectionId,
        statuses: status ? [status] : undefined,
        limit: page.limit,
        offset: page.offset,
      });
      return ok(paged(url, page, jobs.map(toJobResponse), total, true));
    },
  },
  {
    method: 'GET',
    path: '/jobs/{jobId}',
    async handler({ params, services }) {
      return ok(await withAttempts(services, await services.jobs.getJob(jobIdParam(params.jobId))));
    },
  },
  {
    method: 'DELETE',
    path: '/jobs/{jobId}',
    async handler({ params, services }) {
      return ok(await withAttempts(services, await services.jobs.cancel(jobIdParam(params.jobId))));
    },
  },
];
