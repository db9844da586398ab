// /workspaces: list (paged), get, create, patch (the name).
import { paged, pageOf } from '../paging';
import { toWorkspaceResponse } from '../presenters/workspaces';
import { ok, type PublicRoute } from '../public-route';
import { listParam, requiredString, uuidParam } from '../request-fields';

export const workspaceRoutes: PublicRoute[] = [
  {
    method: 'GET',
    path: '/workspaces',
    async handler({ query, url, services }) {
      const ids = listParam(query, 'workspaceIds').map((id) => uuidParam(id, 'workspaceIds'));
      const all = await services.workspaces.list();
      const chosen = ids.length ? all.filter((w) => ids.includes(w.workspaceId)) : all;
      return ok(paged(url, pageOf(query), chosen.map(toWorkspaceResponse)));
    },
  },
  {
    method: 'GET',
    path: '/workspaces/{workspaceId}',
    async handler({ params, services }) {
      return ok(toWorkspaceResponse(await services.workspaces.get(uuidParam(params.workspaceId, 'workspaceId'))));
    },
  },
  {
    method: 'POST',
    path: '/workspaces',
    async handler({ body, services }) {
      return ok(toWorkspaceResponse(await services.workspaces.create({ name: requiredString(body, 'name') })));
    },
  },
  {
    method: 'PATCH',
    path: '/workspaces/{workspaceId}',
    async handler({ params, body, services }) {
      return ok(toWorkspaceResponse(await services.workspaces.update(uuidParam(params.workspaceId, 'workspaceId'), { name: requiredString(body, 'name') })));
    },
  },
];
