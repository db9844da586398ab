// Source records → the API's SourceRead, configuration masked.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { ConnectorDefinitions } from '../../services/definitions';
import { epochSeconds } from '../../shared/epoch-seconds';
import type { ActorRecord } from '../../store/config-store';
import { connectorName, maskedConfiguration } from './actor-fields';

export function toSourceRead(source: ActorRecord, definitions: ConnectorDefinitions): ApiSchemas['SourceRead'] {
  return {
    sourceDefinitionId: source.definitionId,
    sourceId: source.actorId,
    workspaceId: source.workspaceId,
    connectionConfiguration: maskedConfiguration(source),
    name: source.name,
    sourceName: connectorName(definitions, source.kind, source.definitionId),
    createdAt: epochSeconds(source.createdAt),
  };
}
