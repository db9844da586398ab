// Records → API response shapes. Every connector configuration leaves through here, masked.
import { SECRET_MASK } from '@platform/connectors';
import type { ConnectorDefinitions } from '../services/definitions';
import { toApiSchedule } from '../services/schedule';
import type { ActorRecord, ConnectionListItem, ConnectionRecord, WorkspaceRecord } from '../store/config-store';
import { maskPaths } from '../store/sealed-config';
import { epochSeconds } from '../shared/epoch-seconds';
import type { ApiSchemas } from '../schemas/api-schemas';

export function toWorkspaceRead(w: WorkspaceRecord): ApiSchemas['WorkspaceRead'] {
  return {
    workspaceId: w.workspaceId,
    customerId: w.customerId,
    email: w.email,
    name: w.name,
    slug: w.slug,
    initialSetupComplete: w.initialSetupComplete,
    displaySetupWizard: w.displaySetupWizard,
    anonymousDataCollection: w.anonymousDataCollection,
    news: w.news,
    securityUpdates: w.securityUpdates,
    notifications: [],
    notificationSettings: w.notificationSettings,
    defaultGeography: w.defaultGeography,
  };
}

function maskedConfiguration(actor: ActorRecord): Record<string, unknown> {
  return maskPaths(actor.configuration, actor.secretPaths, SECRET_MASK);
}

/** The definition's display name, or its id if the definition is no longer registered. */
function connectorName(definitions: ConnectorDefinitions, kind: ActorRecord['kind'], definitionId: string): string {
  return definitions.list(kind).find((d) => d.id === definitionId)?.displayName ?? definitionId;
}

function definitionName(definitions: ConnectorDefinitions, actor: ActorRecord): string {
  return connectorName(definitions, actor.kind, actor.definitionId);
}

export function toSourceRead(source: ActorRecord, definitions: ConnectorDefinitions): ApiSchemas['SourceRead'] {
  return {
    sourceDefinitionId: source.definitionId,
    sourceId: source.actorId,
    workspaceId: source.workspaceId,
    connectionConfiguration: maskedConfiguration(source),
    name: source.name,
    sourceName: definitionName(definitions, source),
    createdAt: epochSeconds(source.createdAt),
  };
}

export function toDestinationRead(destination: ActorRecord, definitions: ConnectorDefinitions): ApiSchemas['DestinationRead'] {
  return {
    destinationDefinitionId: destination.definitionId,
    destinationId: destination.actorId,
    workspaceId: destination.workspaceId,
    connectionConfiguration: maskedConfiguration(destination),
    name: destination.name,
    destinationName: definitionName(definitions, destination),
    createdAt: epochSeconds(destination.createdAt),
  };
}

export function toConnectionRead(c: ConnectionRecord): ApiSchemas['ConnectionRead'] {
  return {
    connectionId: c.connectionId,
    name: c.name,
    namespaceDefinition: c.namespaceDefinition,
    namespaceFormat: c.namespaceFormat,
    prefix: c.prefix,
    sourceId: c.sourceId,
    destinationId: c.destinationId,
    workspaceId: c.workspaceId,
    operationIds: c.operationIds,
    syncCatalog: c.syncCatalog,
    ...toApiSchedule(c.schedule),
    status: c.status,
    ...(c.resourceRequirements ? { resourceRequirements: c.resourceRequirements } : {}),
    sourceCatalogId: c.sourceCatalogId,
    geography: c.geography,
    breakingChange: false,
    notifySchemaChanges: c.notifySchemaChanges,
    nonBreakingChangesPreference: c.nonBreakingChangesPreference,
    createdAt: epochSeconds(c.createdAt),
  };
}

const ACTIVE_JOB_STATUSES: readonly string[] = ['pending', 'running', 'incomplete'];

export function toConnectionListItem(c: ConnectionListItem, definitions: ConnectorDefinitions): ApiSchemas['WebBackendConnectionListItem'] {
  const { scheduleType, scheduleData } = toApiSchedule(c.schedule);
  return {
    connectionId: c.connectionId,
    name: c.name,
    source: { sourceId: c.source.actorId, name: c.source.name, sourceDefinitionId: c.source.definitionId, sourceName: connectorName(definitions, 'source', c.source.definitionId) },
    destination: {
      destinationId: c.destination.actorId,
      name: c.destination.name,
      destinationDefinitionId: c.destination.definitionId,
      destinationName: connectorName(definitions, 'destination', c.destination.definitionId),
    },
    status: c.status,
    scheduleType,
    ...(scheduleData ? { scheduleData } : {}),
    ...(c.latestJob ? { latestSyncJobCreatedAt: epochSeconds(c.latestJob.createdAt), latestSyncJobStatus: c.latestJob.status } : {}),
    isSyncing: c.latestJob !== null && ACTIVE_JOB_STATUSES.includes(c.latestJob.status),
    schemaChange: 'no_change',
  };
}
