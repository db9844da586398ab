// The web UI's shapes (Airbyte's web backend): the light connections list, one connection with
// its actors, operations and latest job, and a cron expression's next runs.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { ConnectorDefinitions } from '../../services/definitions';
import { toApiSchedule, type CronRuns } from '../../services/schedule';
import { epochSeconds } from '../../shared/epoch-seconds';
import { isActiveJobStatus } from '@platform/api-types';
import type { JobView } from '../../services/jobs';
import type { ActorKind, ActorRecord, ConnectionListItem, ConnectionRecord } from '../../store/config-store';
import type { OperationRecord } from '../../store/operation-store';
import { connectorName } from './actor-fields';
import { toConnectionRead } from './connections';
import { toDestinationRead } from './destinations';
import { toOperationRead } from './operations';
import { toSourceRead } from './sources';

/** The connector version an actor runs: the definition's own (built in, never overridden or refreshed). */
function toActorDefinitionVersionRead(definitions: ConnectorDefinitions, kind: ActorKind, definitionId: string): ApiSchemas['ActorDefinitionVersionRead'] {
  const definition = definitions.list(kind).find((d) => d.id === definitionId);
  return {
    dockerRepository: definition?.dockerRepository ?? definitionId,
    dockerImageTag: definition?.dockerImageTag ?? 'unknown',
    supportsRefreshes: false,
    supportState: 'supported',
    isVersionOverrideApplied: false,
    supportsFileTransfer: false,
    supportsDataActivation: false,
  };
}

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
    sourceActorDefinitionVersion: toActorDefinitionVersionRead(definitions, 'source', c.source.definitionId),
    destinationActorDefinitionVersion: toActorDefinitionVersionRead(definitions, 'destination', c.destination.definitionId),
    tags: [],
  };
}

export interface WebBackendConnection {
  connection: ConnectionRecord;
  source: ActorRecord;
  destination: ActorRecord;
  /** The operations of the connection's operationIds, in that order. */
  operations: OperationRecord[];
  /** The connection's latest sync or reset, if any. */
  latestJob: JobView | undefined;
}

export function toWebBackendConnectionRead(
  { connection, source, destination, operations, latestJob }: WebBackendConnection,
  definitions: ConnectorDefinitions,
): ApiSchemas['WebBackendConnectionRead'] {
  return {
    ...toConnectionRead(connection),
    source: toSourceRead(source, definitions),
    destination: toDestinationRead(destination, definitions),
    operations: operations.map(toOperationRead),
    ...(connection.sourceCatalogId ? { catalogId: connection.sourceCatalogId } : {}),
    ...(latestJob ? { latestSyncJobCreatedAt: epochSeconds(latestJob.job.createdAt), latestSyncJobStatus: latestJob.job.status } : {}),
    isSyncing: latestJob !== undefined && isActiveJobStatus(latestJob.job.status),
    schemaChange: connection.schemaChange,
    notifySchemaChangesByEmail: false,
    sourceActorDefinitionVersion: toActorDefinitionVersionRead(definitions, 'source', source.definitionId),
    destinationActorDefinitionVersion: toActorDefinitionVersionRead(definitions, 'destination', destination.definitionId),
    tags: [],
  };
}

/** "2026-12-07 09:30" in the time zone (the sv-SE locale writes ISO-like dates). */
function localMinute(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

export function toDescribeCronExpressionResponse({ schedule, runs }: CronRuns): ApiSchemas['DescribeCronExpressionResponse'] {
  const { cronExpression, cronTimeZone } = schedule;
  const next = runs[0] ? `next run ${localMinute(runs[0], cronTimeZone)}` : 'no upcoming run';
  return { cronExpression, cronTimeZone, description: `cron ${cronExpression} in ${cronTimeZone}, ${next}`, nextExecutions: runs.map(epochSeconds) };
}
