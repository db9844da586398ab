// What the web UI needs beyond the plain resources, in the shape of Airbyte's web backend:
// a light connections list and cron next-run times computed as the scheduler computes them.
import { cronFor, resolveSchedule } from '../../services/schedule';
import { toConnectionListItem } from '../presenters';
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { RouteModule } from '../route';

const NEXT_EXECUTIONS = 5;

export const webBackendRoutes: RouteModule = {
  async 'web_backend/connections/list'(body: ApiSchemas['WebBackendConnectionListRequestBody'], { services }): Promise<ApiSchemas['WebBackendConnectionReadList']> {
    const workspace = await services.workspaces.resolve(body.workspaceId);
    const items = await services.configStore.listConnectionItems(workspace.workspaceId);
    return { connections: items.map((item) => toConnectionListItem(item, services.definitions)) };
  },
  async 'web_backend/describe_cron_expression'(body: ApiSchemas['WebBackendDescribeCronExpressionRequestBody']): Promise<ApiSchemas['DescribeCronExpressionResponse']> {
    const cronTimeZone = body.cronTimeZone ?? 'UTC';
    // The same validation as connections/create|update, so the UI refuses what the API would.
    const schedule = resolveSchedule({ scheduleType: 'cron', scheduleData: { cron: { cronExpression: body.cronExpression, cronTimeZone } } });
    if (schedule.type !== 'cron') throw new Error('a cron schedule resolved to another type');
    const runs = cronFor(schedule.cronExpression, cronTimeZone).nextRuns(NEXT_EXECUTIONS);
    return { cronExpression: schedule.cronExpression, cronTimeZone, nextExecutions: runs.map((d) => Math.floor(d.getTime() / 1000)) };
  },
};
