// The web UI's shapes (Airbyte's web backend): the light connections list and a cron
// expression's next runs.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { ConnectorDefinitions } from '../../services/definitions';
import { toApiSchedule, type CronRuns } from '../../services/schedule';
import { epochSeconds } from '../../shared/epoch-seconds';
import { isActiveJobStatus } from '@platform/api-types';
import type { JobView } from '../../services/jobs';
import type { ActorRecord, ConnectionListItem, ConnectionRecord } from '../../store/config-store';
import { connectorName } from './actor-fields';
import { toConnectionRead } from './connections';
import { toDestinationRead } from './destinations';
import { toSourceRead } from './sources';

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
    isSyncing: c.latestJob !== null && isActiveJobStatus(c.latestJob.status),
    schemaChange: c.schemaChange,
  };
}

export interface WebBackendConnection {
  connection: ConnectionRecord;
  source: ActorRecord;
  destination: ActorRecord;
  /** The connection's latest sync or reset, if any. */
  latestJob: JobView | undefined;
}

export function toWebBackendConnectionRead(
  { connection, source, destination, latestJob }: WebBackendConnection,
  definitions: ConnectorDefinitions,
): ApiSchemas['WebBackendConnectionRead'] {
  return {
    ...toConnectionRead(connection),
    source: toSourceRead(source, definitions),
    destination: toDestinationRead(destination, definitions),
    operations: [],
    ...(connection.sourceCatalogId ? { catalogId: connection.sourceCatalogId } : {}),
    ...(latestJob ? { latestSyncJobCreatedAt: epochSeconds(latestJob.job.createdAt), latestSyncJobStatus: latestJob.job.status } : {}),
    isSyncing: latestJob !== undefined && isActiveJobStatus(latestJob.job.status),
    schemaChange: connection.schemaChange,
  };
}

export function toDescribeCronExpressionResponse({ schedule, runs }: CronRuns): ApiSchemas['DescribeCronExpressionResponse'] {
  return { cronExpression: schedule.cronExpression, cronTimeZone: schedule.cronTimeZone, nextExecutions: runs.map(epochSeconds) };
}
