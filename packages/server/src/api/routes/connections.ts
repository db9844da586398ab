import { connectionListJson } from '../connection-list-cache';
import { toConnectionRead } from '../presenters/connections';
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { RouteModule } from '../route';

export const connectionRoutes: RouteModule = {
  async 'connections/create'(body: ApiSchemas['ConnectionCreate'], { services }) {
    return toConnectionRead(await services.connections.create(body));
  },
  async 'connections/update'(body: ApiSchemas['ConnectionUpdate'], { services }) {
    return toConnectionRead(await services.connections.update(body));
  },
  async 'connections/list'(body: ApiSchemas['OptionalWorkspaceIdRequestBody'], { services }) {
    // The same bytes as { connections: ConnectionRead[] }, serialized once per change.
    return connectionListJson(services, body.workspaceId);
  },
  async 'connections/get'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    return toConnectionRead(await services.connections.get(body.connectionId));
  },
  async 'connections/delete'(body: ApiSchemas['ConnectionIdRequestBody'], { services }) {
    await services.connections.delete(body.connectionId);
  },
};
