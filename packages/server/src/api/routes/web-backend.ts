// What the web UI needs beyond the plain resources, in the shape of Airbyte's web backend:
// a light connections list and cron next-run times computed as the scheduler computes them.
import type { ApiSchemas } from '../../schemas/api-schemas';
import { nextCronRuns } from '../../services/schedule';
import { toConnectionListItem, toDescribeCronExpressionResponse } from '../presenters/web-backend';
import type { RouteModule } from '../route';

const NEXT_EXECUTIONS = 5;

export const webBackendRoutes: RouteModule = {
  async 'web_backend/connections/list'(body: ApiSchemas['WebBackendConnectionListRequestBody'], { services }): Promise<ApiSchemas['WebBackendConnectionReadList']> {
    const items = await services.connections.listItems(body.workspaceId);
    return { connections: items.map((item) => toConnectionListItem(item, services.definitions)) };
  },
  async 'web_backend/describe_cron_expression'(body: ApiSchemas['WebBackendDescribeCronExpressionRequestBody']) {
    return toDescribeCronExpressionResponse(nextCronRuns(body.cronExpression, body.cronTimeZone ?? 'UTC', NEXT_EXECUTIONS));
  },
};
