// Source and destination records → Airbyte's SourceResponse / DestinationResponse: the
// configuration masked as the Config API masks it, `sourceType`/`destinationType` as Airbyte
// names connectors (`postgres`, `s3`: the definition's name without its kind prefix). The
// configuration carries the type key too, as Airbyte's typed configurations do: the SDKs pick
// the configuration's model by it (airbyte-api's DestinationConfiguration cannot parse one
// without it).
import type { ConnectorDefinitions } from '../../../services/definitions';
import { epochSeconds } from '../../../shared/epoch-seconds';
import type { ActorKind, ActorRecord } from '../../../store/config-store';
import { maskedConfiguration } from '../../presenters/actor-fields';

/** `source-postgres` → `postgres`; a definition no longer registered falls back to its id. */
export function connectorType(definitions: ConnectorDefinitions, kind: ActorKind, definitionId: string): string {
  const name = definitions.list(kind).find((d) => d.id === definitionId)?.name;
  return name ? name.replace(new RegExp(`^${kind}-`), '') : definitionId;
}

export function toActorResponse(actor: ActorRecord, definitions: ConnectorDefinitions) {
  const type = connectorType(definitions, actor.kind, actor.definitionId);
  const common = {
    name: actor.name,
    workspaceId: actor.workspaceId,
    definitionId: actor.definitionId,
    configuration: { [`${actor.kind}Type`]: type, ...maskedConfiguration(actor) },
    createdAt: epochSeconds(actor.createdAt),
  };
  return actor.kind === 'source' ? { sourceId: actor.actorId, sourceType: type, ...common } : { destinationId: actor.actorId, destinationType: type, ...common };
}
