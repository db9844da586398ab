// Connection records → Airbyte's ConnectionResponse: the selected streams as
// `configurations.streams` with one-word sync modes, the schedule as scheduleType +
// cronExpression/basicTiming, Airbyte's spellings of namespaceDefinition and the
// non-breaking-change behaviour.
import type { ApiSchemas } from '../../../schemas/api-schemas';
import { epochSeconds } from '../../../shared/epoch-seconds';
import type { ConnectionRecord, ConnectionSchedule } from '../../../store/config-store';
import { toConnectionSyncMode } from '../sync-modes';

type NamespaceDefinition = ApiSchemas['NamespaceDefinitionType'];
type NonBreaking = ApiSchemas['NonBreakingChangesPreference'];

/** Airbyte's public API spells two values differently from its Config API. */
export const PUBLIC_NAMESPACE_DEFINITIONS: Record<string, NamespaceDefinition> = { source: 'source', destination: 'destination', custom_format: 'customformat' };
export const PUBLIC_NON_BREAKING: Record<string, NonBreaking> = { ignore: 'ignore', disable_connection: 'disable', propagate_columns: 'propagate_columns', propagate_fully: 'propagate_fully' };

const publicName = <T extends string>(table: Record<string, T>, value: T): string => Object.entries(table).find(([, v]) => v === value)?.[0] ?? value;

function toScheduleResponse(schedule: ConnectionSchedule) {
  switch (schedule.type) {
    case 'manual':
      return { scheduleType: 'manual' };
    case 'cron':
      return { scheduleType: 'cron', cronExpression: schedule.cronExpression };
    case 'basic':
      return { scheduleType: 'basic', basicTiming: `Every ${schedule.units} ${schedule.timeUnit}` };
  }
}

export function toStreamConfigurations(syncCatalog: ApiSchemas['AirbyteCatalog']) {
  return {
    streams: syncCatalog.streams
      .filter(({ config }) => config.selected !== false)
      .map(({ stream, config }) => ({
        name: stream.name,
        ...(stream.namespace ? { namespace: stream.namespace } : {}),
        ...(toConnectionSyncMode(config.syncMode, config.destinationSyncMode) ? { syncMode: toConnectionSyncMode(config.syncMode, config.destinationSyncMode) } : {}),
        cursorField: config.cursorField ?? [],
        primaryKey: config.primaryKey ?? [],
      })),
  };
}

export function toConnectionResponse(c: ConnectionRecord) {
  return {
    connectionId: c.connectionId,
    name: c.name,
    sourceId: c.sourceId,
    destinationId: c.destinationId,
    workspaceId: c.workspaceId,
    status: c.status,
    schedule: toScheduleResponse(c.schedule),
    dataResidency: c.geography,
    configurations: toStreamConfigurations(c.syncCatalog),
    namespaceDefinition: publicName(PUBLIC_NAMESPACE_DEFINITIONS, c.namespaceDefinition),
    ...(c.namespaceFormat !== null ? { namespaceFormat: c.namespaceFormat } : {}),
    prefix: c.prefix,
    nonBreakingSchemaUpdatesBehavior: publicName(PUBLIC_NON_BREAKING, c.nonBreakingChangesPreference),
    createdAt: epochSeconds(c.createdAt),
    tags: [],
  };
}
