// Records → API response shapes. Every connector configuration leaves through here, masked.
import { SECRET_MASK } from '@platform/connectors';
import type { ConnectorDefinitions } from '../config/definitions';
import { toApiSchedule } from '../config/schedule';
import type { ActorRecord, ConnectionRecord, WorkspaceRecord } from '../store/config-store';
import { maskPaths } from '../store/sealed-config';
import { epochSeconds } from '../epoch-seconds';
import type { ApiSchemas } from './route';

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
function definitionName(definitions: ConnectorDefinitions, actor: ActorRecord): string {
  return definitions.list(actor.kind).find((d) => d.id === actor.definitionId)?.displayName ?? actor.definitionId;
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
