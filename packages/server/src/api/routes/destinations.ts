import { toDestinationRead } from '../presenters/destinations';
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { RouteModule } from '../route';

export const destinationRoutes: RouteModule = {
  async 'destinations/create'(body: ApiSchemas['DestinationCreate'], { services }) {
    const destination = await services.actors.create('destination', {
      workspaceId: body.workspaceId,
      definitionId: body.destinationDefinitionId,
      name: body.name,
      configuration: body.connectionConfiguration,
    });
    return toDestinationRead(destination, services.definitions);
  },
  async 'destinations/update'(body: ApiSchemas['DestinationUpdate'], { services }) {
    const destination = await services.actors.update('destination', body.destinationId, { name: body.name, configuration: body.connectionConfiguration });
    return toDestinationRead(destination, services.definitions);
  },
  async 'destinations/partial_update'(body: ApiSchemas['PartialDestinationUpdate'], { services }) {
    const destination = await services.actors.partialUpdate('destination', body.destinationId, { name: body.name, configuration: body.connectionConfiguration });
    return toDestinationRead(destination, services.definitions);
  },
  async 'destinations/list'(body: ApiSchemas['OptionalWorkspaceIdRequestBody'], { services }): Promise<ApiSchemas['DestinationReadList']> {
    const destinations = await services.actors.list('destination', body.workspaceId);
    return { destinations: destinations.map((d) => toDestinationRead(d, services.definitions)) };
  },
  async 'destinations/get'(body: ApiSchemas['DestinationIdRequestBody'], { services }) {
    return toDestinationRead(await services.actors.get('destination', body.destinationId), services.definitions);
  },
  async 'destinations/delete'(body: ApiSchemas['DestinationIdRequestBody'], { services }) {
    await services.actors.delete('destination', body.destinationId);
  },
  async 'destinations/check_connection'(body: ApiSchemas['DestinationIdRequestBody'], { services }) {
    return services.actors.check('destination', body.destinationId);
  },
  async 'scheduler/destinations/check_connection'(body: ApiSchemas['DestinationCoreConfig'], { services }) {
    return services.actors.checkConfiguration('destination', body.destinationDefinitionId, body.connectionConfiguration, body.destinationId);
  },
};
