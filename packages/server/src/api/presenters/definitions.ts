// Connector definitions and their specs → the API's definition and specification reads.
import type { ApiSchemas } from '../../schemas/api-schemas';
import { destinationSyncModes, type LoadedConnector, type PlatformDefinition } from '../../services/definitions';
import { epochSeconds } from '../../shared/epoch-seconds';

/** Airbyte Protocol version the platform speaks with connectors. */
const PROTOCOL_VERSION = '0.2.0';

/** What a source and a destination definition read have in common; only the id's key differs. */
function definitionFields(d: PlatformDefinition) {
  return {
    name: d.displayName,
    dockerRepository: d.dockerRepository,
    dockerImageTag: d.dockerImageTag,
    documentationUrl: d.documentationUrl,
    protocolVersion: PROTOCOL_VERSION,
    custom: d.custom !== undefined,
  };
}

export function toSourceDefinitionRead(d: PlatformDefinition): ApiSchemas['SourceDefinitionRead'] {
  return { sourceDefinitionId: d.id, ...definitionFields(d) };
}

export function toDestinationDefinitionRead(d: PlatformDefinition): ApiSchemas['DestinationDefinitionRead'] {
  return { destinationDefinitionId: d.id, ...definitionFields(d) };
}

/** `startedAt`: when loading the spec began (epoch ms), for the read's jobInfo. */
export function toSourceDefinitionSpecificationRead({ definition, spec }: LoadedConnector, startedAt: number): ApiSchemas['SourceDefinitionSpecificationRead'] {
  return {
    sourceDefinitionId: definition.id,
    documentationUrl: spec.documentationUrl ?? definition.documentationUrl,
    connectionSpecification: spec.connectionSpecification,
    jobInfo: specJobInfo(definition.id, startedAt),
  };
}

export function toDestinationDefinitionSpecificationRead({ definition, spec }: LoadedConnector, startedAt: number): ApiSchemas['DestinationDefinitionSpecificationRead'] {
  return {
    destinationDefinitionId: definition.id,
    documentationUrl: spec.documentationUrl ?? definition.documentationUrl,
    connectionSpecification: spec.connectionSpecification,
    jobInfo: specJobInfo(definition.id, startedAt),
    supportedDestinationSyncModes: destinationSyncModes(spec),
    supportsDbt: spec.supportsDBT ?? false,
    supportsNormalization: spec.supportsNormalization ?? false,
  };
}

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
