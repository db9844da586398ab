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
    await services.definitions.refresh();
    return { sourceDefinitions: services.definitions.list('source').map(toSourceDefinitionRead) };
  },
  async 'source_definitions/list_for_workspace'(body: ApiSchemas['OptionalWorkspaceIdRequestBody'], { services }) {
    const workspace = await services.workspaces.resolve(body.workspaceId);
    await services.definitions.refresh();
    return { sourceDefinitions: services.definitions.list('source', workspace.workspaceId).map(toSourceDefinitionRead) };
  },
  async 'source_definitions/get'(body: ApiSchemas['SourceDefinitionIdRequestBody'], { services }) {
    await services.definitions.refresh();
    return toSourceDefinitionRead(services.definitions.get('source', body.sourceDefinitionId));
  },
  async 'source_definitions/create_custom'(body: ApiSchemas['CustomSourceDefinitionCreateRequestBody'], { services }) {
    const created = await services.customDefinitions.create('source', { workspaceId: body.workspaceId, ...body.sourceDefinition });
    return toSourceDefinitionRead(services.definitions.get('source', created.definitionId));
  },
  async 'source_definitions/update'(body: ApiSchemas['SourceDefinitionUpdate'], { services }) {
    const updated = await services.customDefinitions.update('source', body.sourceDefinitionId, body.dockerImageTag);
    return toSourceDefinitionRead(services.definitions.get('source', updated.definitionId));
  },
  async 'source_definitions/delete'(body: ApiSchemas['SourceDefinitionIdRequestBody'], { services }) {
    await services.customDefinitions.delete('source', body.sourceDefinitionId);
  },
  async 'source_definition_specifications/get'(body: ApiSchemas['SourceDefinitionIdWithWorkspaceId'], { services }) {
    const startedAt = Date.now();
    return toSourceDefinitionSpecificationRead(await services.definitions.load('source', body.sourceDefinitionId), startedAt);
  },

  async 'destination_definitions/list'(_body, { services }): Promise<ApiSchemas['DestinationDefinitionReadList']> {
    await services.definitions.refresh();
    return { destinationDefinitions: services.definitions.list('destination').map(toDestinationDefinitionRead) };
  },
  async 'destination_definitions/list_for_workspace'(body: ApiSchemas['OptionalWorkspaceIdRequestBody'], { services }) {
    const workspace = await services.workspaces.resolve(body.workspaceId);
    await services.definitions.refresh();
    return { destinationDefinitions: services.definitions.list('destination', workspace.workspaceId).map(toDestinationDefinitionRead) };
  },
  async 'destination_definitions/get'(body: ApiSchemas['DestinationDefinitionIdRequestBody'], { services }) {
    await services.definitions.refresh();
    return toDestinationDefinitionRead(services.definitions.get('destination', body.destinationDefinitionId));
  },
  async 'destination_definitions/create_custom'(body: ApiSchemas['CustomDestinationDefinitionCreateRequestBody'], { services }) {
    const created = await services.customDefinitions.create('destination', { workspaceId: body.workspaceId, ...body.destinationDefinition });
    return toDestinationDefinitionRead(services.definitions.get('destination', created.definitionId));
  },
  async 'destination_definitions/update'(body: ApiSchemas['DestinationDefinitionUpdate'], { services }) {
    const updated = await services.customDefinitions.update('destination', body.destinationDefinitionId, body.dockerImageTag);
    return toDestinationDefinitionRead(services.definitions.get('destination', updated.definitionId));
  },
  async 'destination_definitions/delete'(body: ApiSchemas['DestinationDefinitionIdRequestBody'], { services }) {
    await services.customDefinitions.delete('destination', body.destinationDefinitionId);
  },
  async 'destination_definition_specifications/get'(body: ApiSchemas['DestinationDefinitionIdWithWorkspaceId'], { services }) {
    const startedAt = Date.now();
    return toDestinationDefinitionSpecificationRead(await services.definitions.load('destination', body.destinationDefinitionId), startedAt);
  },
};
