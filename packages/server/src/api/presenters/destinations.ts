// Destination records → the API's DestinationRead, configuration masked.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { ConnectorDefinitions } from '../../services/definitions';
import { epochSeconds } from '../../shared/epoch-seconds';
import type { ActorRecord } from '../../store/config-store';
import { connectorName, maskedConfiguration } from './actor-fields';

export function toDestinationRead(destination: ActorRecord, definitions: ConnectorDefinitions): ApiSchemas['DestinationRead'] {
  return {
    destinationDefinitionId: destination.definitionId,
    destinationId: destination.actorId,
    workspaceId: destination.workspaceId,
    connectionConfiguration: maskedConfiguration(destination),
    name: destination.name,
    destinationName: connectorName(definitions, destination.kind, destination.definitionId),
    createdAt: epochSeconds(destination.createdAt),
  };
}
