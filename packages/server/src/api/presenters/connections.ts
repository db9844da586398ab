// Connection records → the API's ConnectionRead.
import type { ApiSchemas } from '../../schemas/api-schemas';
import { toApiSchedule } from '../../services/schedule';
import { epochSeconds } from '../../shared/epoch-seconds';
import type { ConnectionRecord } from '../../store/config-store';

export function toConnectionRead(c: ConnectionRecord): ApiSchemas['ConnectionRead'] {
  return {
    connectionId: c.connectionId,
    name: c.name,
    namespaceDefinition: c.namespaceDefinition,
    // Airbyte's ConnectionRead has namespaceFormat as a string: left out when there is none.
    ...(c.namespaceFormat !== null ? { namespaceFormat: c.namespaceFormat } : {}),
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
    breakingChange: c.schemaChange === 'breaking',
    schemaChange: c.schemaChange,
    ...(c.statusReason ? { statusReason: c.statusReason } : {}),
    notifySchemaChanges: c.notifySchemaChanges,
    nonBreakingChangesPreference: c.nonBreakingChangesPreference,
    createdAt: epochSeconds(c.createdAt),
  };
}
