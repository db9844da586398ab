import type { ApiSchemas } from '../../schemas/api-schemas';
import type { DeclarativeManifestVersion } from '../../store/custom-definition-store';

/** Airbyte's DeclarativeManifestsReadList: the versions, not their manifests. */
export function toDeclarativeManifestsReadList(versions: DeclarativeManifestVersion[]): ApiSchemas['DeclarativeManifestsReadList'] {
  return { manifestVersions: versions.map((v) => ({ version: v.version, description: v.description, isActive: v.isActive })) };
}
