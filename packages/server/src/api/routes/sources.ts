import { toSourceRead } from '../presenters/sources';
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { RouteModule } from '../route';

export const sourceRoutes: RouteModule = {
  async 'sources/create'(body: ApiSchemas['SourceCreate'], { services }) {
    const source = await services.actors.create('source', {
      workspaceId: body.workspaceId,
      definitionId: body.sourceDefinitionId,
      name: body.name,
      configuration: body.connectionConfiguration,
    });
    return toSourceRead(source, services.definitions);
  },
  async 'sources/update'(body: ApiSchemas['SourceUpdate'], { services }) {
    const source = await services.actors.update('source', body.sourceId, { name: body.name, configuration: body.connectionConfiguration });
    return toSourceRead(source, services.definitions);
  },
  async 'sources/partial_update'(body: ApiSchemas['PartialSourceUpdate'], { services }) {
    const source = await services.actors.partialUpdate('source', body.sourceId, { name: body.name, configuration: body.connectionConfiguration });
    return toSourceRead(source, services.definitions);
  },
  async 'sources/list'(body: ApiSchemas['OptionalWorkspaceIdRequestBody'], { services }): Promise<ApiSchemas['SourceReadList']> {
    const sources = await services.actors.list('source', body.workspaceId);
    return { sources: sources.map((s) => toSourceRead(s, services.definitions)) };
  },
  async 'sources/get'(body: ApiSchemas['SourceIdRequestBody'], { services }) {
    return toSourceRead(await services.actors.get('source', body.sourceId), services.definitions);
  },
  async 'sources/delete'(body: ApiSchemas['SourceIdRequestBody'], { services }) {
    await services.actors.delete('source', body.sourceId);
  },
  async 'sources/check_connection'(body: ApiSchemas['SourceIdRequestBody'], { services }) {
    return services.actors.check('source', body.sourceId);
  },
  async 'sources/discover_schema'(body: ApiSchemas['SourceDiscoverSchemaRequestBody'], { services }) {
    return services.schemaChanges.discover(body.sourceId, body.connectionId);
  },
  async 'scheduler/sources/check_connection'(body: ApiSchemas['SourceCoreConfig'], { services }) {
    return services.actors.checkConfiguration('source', body.sourceDefinitionId, body.connectionConfiguration, body.sourceId);
  },
};
