// connections/sync|reset, jobs/list|get|get_light|get_debug_info|cancel, attempt/get_for_job|get_logs, connections/status, state/get|create_or_update and web_backend/state/get_type: the job
// service does the work, the presenters shape the answers.
import type { ApiSchemas } from '../../schemas/api-schemas';
import { toAttemptInfoRead, toAttemptLogsRead, toJobDebugInfoRead, toJobInfoRead, toJobRead, toJobReadList } from '../presenters/jobs';
import { toConnectionState } from '../presenters/state';
import { toConnectionStatusRead } from '../presenters/connection-status';
import type { RouteModule } from '../route';

export const jobRoutes: RouteModule = {
  async 'connections/sync'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.details(await services.jobs.sync(body.connectionId)));
  },
  async 'connections/reset'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.details(await services.jobs.reset(body.connectionId)));
  },
  async 'connections/status'(body: ApiSchemas['ConnectionStatusesRequestBody'], { services }): Promise<ApiSchemas['ConnectionStatusReadList']> {
    return (await services.jobs.connectionStatuses(body.connectionIds)).map(toConnectionStatusRead);
  },
  async 'jobs/list'(body: ApiSchemas['JobListRequestBody'], { services }) {
    const page = await services.jobs.list({
      configTypes: body.configTypes,
      connectionId: body.configId,
      statuses: body.statuses,
      limit: body.pagination?.pageSize,
      offset: body.pagination?.rowOffset,
    });
    return toJobReadList(page);
  },
  async 'jobs/get'(body: ApiSchemas['JobIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.details(await services.jobs.getJob(body.id)));
  },
  async 'jobs/get_light'(body: ApiSchemas['JobIdRequestBody'], { services }): Promise<ApiSchemas['JobInfoLightRead']> {
    return { job: toJobRead(await services.jobs.view(await services.jobs.getJob(body.id))) };
  },
  async 'jobs/get_debug_info'(body: ApiSchemas['JobIdRequestBody'], { services }) {
    const details = await services.jobs.details(await services.jobs.getJob(body.id));
    const connection = await services.connections.get(details.job.connectionId);
    const [source, destination] = await Promise.all([services.actors.get('source', connection.sourceId), services.actors.get('destination', connection.destinationId)]);
    return toJobDebugInfoRead(details, {
      source: services.definitions.get('source', source.definitionId),
      destination: services.definitions.get('destination', destination.definitionId),
    });
  },
  async 'attempt/get_for_job'(body: ApiSchemas['GetAttemptStatsRequestBody'], { services }) {
    return toAttemptInfoRead(await services.jobs.attempt(body.jobId, body.attemptNumber));
  },
  async 'attempt/get_logs'(body: ApiSchemas['AttemptLogsRequestBody'], { services }) {
    const offset = body.offset ?? 0;
    return toAttemptLogsRead(await services.jobs.attemptLogPage(body.jobId, body.attemptNumber, offset, body.limit), offset);
  },
  async 'jobs/cancel'(body: ApiSchemas['JobIdRequestBody'], { services }) {
    return toJobInfoRead(await services.jobs.details(await services.jobs.cancel(body.id)));
  },
  async 'state/get'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    return toConnectionState(body.connectionId, await services.jobs.state(body.connectionId));
  },
  async 'state/create_or_update'(body: ApiSchemas['ConnectionStateCreateOrUpdate'], { services }) {
    return toConnectionState(body.connectionId, await services.jobs.replaceState(body.connectionId, body.connectionState));
  },
  async 'web_backend/state/get_type'(body: ApiSchemas['ConnectionIdRequestBody'], { services }): Promise<ApiSchemas['ConnectionStateType']> {
    return toConnectionState(body.connectionId, await services.jobs.state(body.connectionId)).stateType;
  },
};
