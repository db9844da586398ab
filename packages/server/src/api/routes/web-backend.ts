// What the web UI needs beyond the plain resources, in the shape of Airbyte's web backend:
// a light connections list, one connection with its actors, operations and latest job (also the
// answer to create and update), and cron next-run times computed as the scheduler computes them.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { PlatformServices } from '../../services/platform-services';
import { nextCronRuns } from '../../services/schedule';
import { createConnectionWithOperations, updateConnectionWithOperations } from '../../services/web-backend-connections';
import { invalidField } from '../../shared/errors';
import type { ConnectionRecord } from '../../store/config-store';
import { toConnectionListItem, toDescribeCronExpressionResponse, toWebBackendConnectionRead } from '../presenters/web-backend';
import type { RouteModule } from '../route';

const NEXT_EXECUTIONS = 5;

async function webBackendConnectionRead(services: PlatformServices, connection: ConnectionRecord): Promise<ApiSchemas['WebBackendConnectionRead']> {
  const [source, destination, operations, latest] = await Promise.all([
    services.actors.get('source', connection.sourceId),
    services.actors.get('destination', connection.destinationId),
    services.operations.listForConnection(connection.connectionId),
    services.jobs.list({ configTypes: ['sync', 'reset_connection'], connectionId: connection.connectionId, limit: 1 }),
  ]);
  return toWebBackendConnectionRead({ connection, source, destination, operations, latestJob: latest.jobs[0] }, services.definitions);
}

export const webBackendRoutes: RouteModule = {
  async 'web_backend/connections/get'(body: ApiSchemas['WebBackendConnectionRequestBody'], { services }) {
    if (body.withRefreshedCatalog) {
      throw invalidField('withRefreshedCatalog', 'refreshing the catalog here is not supported; run sources/discover_schema, then connections/update');
    }
    return webBackendConnectionRead(services, await services.connections.get(body.connectionId));
  },
  async 'web_backend/connections/create'(body: ApiSchemas['WebBackendConnectionCreate'], { services }) {
    return webBackendConnectionRead(services, await createConnectionWithOperations(services, body));
  },
  async 'web_backend/connections/update'(body: ApiSchemas['WebBackendConnectionUpdate'], { services }) {
    return webBackendConnectionRead(services, await updateConnectionWithOperations(services, body));
  },
  async 'web_backend/connections/list'(body: ApiSchemas['WebBackendConnectionListRequestBody'], { services }): Promise<ApiSchemas['WebBackendConnectionReadList']> {
    const items = await services.connections.listItems(body.workspaceId);
    return { connections: items.map((item) => toConnectionListItem(item, services.definitions)) };
  },
  async 'web_backend/describe_cron_expression'(body: ApiSchemas['WebBackendDescribeCronExpressionRequestBody']) {
    return toDescribeCronExpressionResponse(nextCronRuns(body.cronExpression, body.cronTimeZone ?? 'UTC', NEXT_EXECUTIONS));
  },
};
