import type { ApiSchemas } from '../../schemas/api-schemas';
import {
  toDestinationDefinitionRead,
  toDestinationDefinitionSpecificationRead,
  toSourceDefinitionRead,
  toSourceDefinitionSpecificationRead,
} from '../presenters/definitions';
import type { RouteModule } from '../route';

export const definitionRoutes: RouteModule = {
  async 'source_definitions/list'(_body, { services }): Promise<ApiSchemas['SourceDefinitionReadList']> {
    return { sourceDefinitions: services.definitions.list('source').map(toSourceDefinitionRead) };
  },
  async 'source_definitions/list_for_workspace'(body: ApiSchemas['OptionalWorkspaceIdRequestBody'], { services }) {
    await services.workspaces.resolve(body.workspaceId);
    return { sourceDefinitions: services.definitions.list('source').map(toSourceDefinitionRead) };
  },
  async 'source_definitions/get'(body: ApiSchemas['SourceDefinitionIdRequestBody'], { services }) {
    return toSourceDefinitionRead(services.definitions.get('source', body.sourceDefinitionId));
  },
  async 'source_definition_specifications/get'(body: ApiSchemas['SourceDefinitionIdWithWorkspaceId'], { services }) {
    const startedAt = Date.now();
    return toSourceDefinitionSpecificationRead(await services.definitions.load('source', body.sourceDefinitionId), startedAt);
  },

  async 'destination_definitions/list'(_body, { services }): Promise<ApiSchemas['DestinationDefinitionReadList']> {
    return { destinationDefinitions: services.definitions.list('destination').map(toDestinationDefinitionRead) };
  },
  async 'destination_definitions/list_for_workspace'(body: ApiSchemas['OptionalWorkspaceIdRequestBody'], { services }) {
    await services.workspaces.resolve(body.workspaceId);
    return { destinationDefinitions: services.definitions.list('destination').map(toDestinationDefinitionRead) };
  },
  async 'destination_definitions/get'(body: ApiSchemas['DestinationDefinitionIdRequestBody'], { services }) {
    return toDestinationDefinitionRead(services.definitions.get('destination', body.destinationDefinitionId));
  },
  async 'destination_definition_specifications/get'(body: ApiSchemas['DestinationDefinitionIdWithWorkspaceId'], { services }) {
    const startedAt = Date.now();
    return toDestinationDefinitionSpecificationRead(await services.definitions.load('destination', body.destinationDefinitionId), startedAt);
  },
};
