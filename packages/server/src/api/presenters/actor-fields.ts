// What a source read and a destination read share: the configuration, masked (every connector
// configuration leaves the API through here), and the connector's display name.
import { locatePath, SECRET_MASK, type JsonObject } from '@platform/connectors';
import type { ConnectorDefinitions } from '../../services/definitions';
import type { ActorKind, ActorRecord } from '../../store/config-store';

/** A copy with the values at the dotted `paths` replaced by `mask`. */
export function maskPaths(config: JsonObject, paths: string[], mask: string): JsonObject {
  const copy = structuredClone(config);
  for (const path of paths) {
    const at = locatePath(copy, path);
    if (at) at.parent[at.key] = mask;
  }
  return copy;
}

export function maskedConfiguration(actor: ActorRecord): Record<string, unknown> {
  return maskPaths(actor.configuration, actor.secretPaths, SECRET_MASK);
}

/** The definition's display name, or its id if the definition is no longer registered. */
export function connectorName(definitions: ConnectorDefinitions, kind: ActorKind, definitionId: string): string {
  return definitions.list(kind).find((d) => d.id === definitionId)?.displayName ?? definitionId;
}
