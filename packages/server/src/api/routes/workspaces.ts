import { toWorkspaceRead } from '../presenters/workspaces';
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { RouteModule } from '../route';

export const workspaceRoutes: RouteModule = {
  async 'workspaces/list'(_body, { services }): Promise<ApiSchemas['WorkspaceReadList']> {
    return { workspaces: (await services.workspaces.list()).map(toWorkspaceRead) };
  },
  async 'workspaces/get'(body: ApiSchemas['WorkspaceIdRequestBody'], { services }) {
    return toWorkspaceRead(await services.workspaces.get(body.workspaceId));
  },
  async 'workspaces/get_by_slug'(body: ApiSchemas['SlugRequestBody'], { services }) {
    return toWorkspaceRead(await services.workspaces.getBySlug(body.slug));
  },
  async 'workspaces/create'(body: ApiSchemas['WorkspaceCreate'], { services }) {
    return toWorkspaceRead(await services.workspaces.create(body));
  },
  async 'workspaces/update'({ workspaceId, ...changes }: ApiSchemas['WorkspaceUpdate'], { services }) {
    return toWorkspaceRead(await services.workspaces.update(workspaceId, changes));
  },
};
