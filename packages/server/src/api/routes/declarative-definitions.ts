// Airbyte's Builder endpoints: low-code manifests registered as declarative source definitions.
import type { ApiSchemas } from '../../schemas/api-schemas';
import { toDeclarativeManifestsReadList } from '../presenters/declarative-manifests';
import type { RouteModule } from '../route';

export const declarativeDefinitionRoutes: RouteModule = {
  async 'declarative_source_definitions/create_manifest'(body: ApiSchemas['DeclarativeSourceDefinitionCreateManifestRequestBody'], { services }) {
    await services.declarativeDefinitions.createManifest({
      ...body,
      declarativeManifest: { ...body.declarativeManifest, spec: body.declarativeManifest.spec as { connectionSpecification: Record<string, unknown>; documentationUrl?: string } },
    });
  },
  async 'declarative_source_definitions/list_manifests'(body: ApiSchemas['ListDeclarativeManifestsRequestBody'], { services }): Promise<ApiSchemas['DeclarativeManifestsReadList']> {
    return toDeclarativeManifestsReadList(await services.declarativeDefinitions.listManifests(body));
  },
  async 'declarative_source_definitions/update_active_manifest'(body: ApiSchemas['UpdateActiveManifestRequestBody'], { services }) {
    await services.declarativeDefinitions.updateActiveManifest(body);
  },
};
