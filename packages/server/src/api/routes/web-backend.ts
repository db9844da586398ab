// What the web UI needs beyond the plain resources, in the shape of Airbyte's web backend:
// a light connections list, one connection with its actors and latest job, and cron next-run times computed as the scheduler computes them.
import type { ApiSchemas } from '../../schemas/api-schemas';
import { nextCronRuns } from '../../services/schedule';
import { invalidField } from '../../shared/errors';
import { toConnectionListItem, toDescribeCronExpressionResponse, toWebBackendConnectionRead } from '../presenters/web-backend';
import type { RouteModule } from '../route';

const NEXT_EXECUTIONS = 5;

export const webBackendRoutes: RouteModule = {
  async 'web_backend/connections/get'(body: ApiSchemas['WebBackendConnectionRequestBody'], { services }) {
    if (body.withRefreshedCatalog) {
      throw invalidField('withRefreshedCatalog', 'refreshing the catalog here is not supported; run sources/discover_schema, then connections/update');
    }
    const connection = await services.connections.get(body.connectionId);
    const [source, destination, latest] = await Promise.all([
      services.actors.get('source', connection.sourceId),
      services.actors.get('destination', connection.destinationId),
      services.jobs.list({ configTypes: ['sync', 'reset_connection'], connectionId: connection.connectionId, limit: 1 }),
    ]);
    return toWebBackendConnectionRead({ connection, source, destination, latestJob: latest.jobs[0] }, services.definitions);
  },
  async 'web_backend/connections/list'(body: ApiSchemas['WebBackendConnectionListRequestBody'], { services }): Promise<ApiSchemas['WebBackendConnectionReadList']> {
    const items = await services.connections.listItems(body.workspaceId);
    return { connections: items.map((item) => toConnectionListItem(item, services.definitions)) };
  },
  async 'web_backend/describe_cron_expression'(body: ApiSchemas['WebBackendDescribeCronExpressionRequestBody']) {
    return toDescribeCronExpressionResponse(nextCronRuns(body.cronExpression, body.cronTimeZone ?? 'UTC', NEXT_EXECUTIONS));
  },
};
