import { destinationSyncModes, toDestinationDefinitionRead, toSourceDefinitionRead } from '../../services/definitions';
import { epochSeconds } from '../../shared/epoch-seconds';
import type { ApiSchemas } from '../../schemas/api-schemas';
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
  async 'source_definition_specifications/get'(
    body: ApiSchemas['SourceDefinitionIdWithWorkspaceId'],
    { services },
  ): Promise<ApiSchemas['SourceDefinitionSpecificationRead']> {
    const startedAt = Date.now();
    const { definition, spec } = await services.definitions.load('source', body.sourceDefinitionId);
    return {
      sourceDefinitionId: definition.id,
      documentationUrl: spec.documentationUrl ?? definition.documentationUrl,
      connectionSpecification: spec.connectionSpecification,
      jobInfo: specJobInfo(definition.id, startedAt),
    };
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
  async 'destination_definition_specifications/get'(
    body: ApiSchemas['DestinationDefinitionIdWithWorkspaceId'],
    { services },
  ): Promise<ApiSchemas['DestinationDefinitionSpecificationRead']> {
    const startedAt = Date.now();
    const { definition, spec } = await services.definitions.load('destination', body.destinationDefinitionId);
    return {
      destinationDefinitionId: definition.id,
      documentationUrl: spec.documentationUrl ?? definition.documentationUrl,
      connectionSpecification: spec.connectionSpecification,
      jobInfo: specJobInfo(definition.id, startedAt),
      supportedDestinationSyncModes: destinationSyncModes(spec),
      supportsDbt: spec.supportsDBT ?? false,
      supportsNormalization: spec.supportsNormalization ?? false,
    };
  },
};

/** Airbyte reports reading a spec as a get_spec job; here it is an in-process call. */
function specJobInfo(definitionId: string, startedAt: number): ApiSchemas['SynchronousJobRead'] {
  return {
    id: crypto.randomUUID(),
    configType: 'get_spec',
    configId: definitionId,
    createdAt: epochSeconds(startedAt),
    endedAt: epochSeconds(Date.now()),
    succeeded: true,
    logs: { logLines: [] },
  };
}
