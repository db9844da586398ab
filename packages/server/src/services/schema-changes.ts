// Schema evolution, as Airbyte does it: a discovery for a connection is compared with the
// connection's saved catalog (CatalogDiff) and recorded on it (schemaChange). A breaking change
// (a selected stream lost its cursor or a primary key field) disables the connection with the
// reason; other changes follow the connection's nonBreakingChangesPreference: `ignore` keeps the
// saved catalog, `disable` disables it, `propagate_columns` takes the streams' new schemas,
// `propagate_fully` also adds new streams and drops gone ones. The worker asks beforeSync at the
// start of every sync attempt, so a scheduled sync never runs blind to a changed source.
import type { AirbyteCatalog as ProtocolCatalog } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import { invalidField } from '../shared/errors';
import type { ConfigStore, ConnectionRecord } from '../store/config-store';
import type { ActorService } from './actors';
import { defaultStreamConfig, streamKey, toApiStream } from './catalog';
import { describeDiff, diffCatalogs, isBreaking, schemaChangeOf, type CatalogDiff } from './catalog-diff';
import { destinationSyncModes, type ConnectorDefinitions } from './definitions';

type ApiCatalog = ApiSchemas['AirbyteCatalog'];

/** What a sync attempt does after the check: run (maybe with a propagated catalog), or stop. */
export type SyncSchemaDecision = { proceed: true; log: string[] } | { proceed: false; reason: string; log: string[] };

/** What the worker needs of this service (it gets it only when it may discover). */
export interface SchemaCheck {
  beforeSync(connectionId: string): Promise<SyncSchemaDecision>;
}

const FIX = 'update the connection\'s streams (sources/discover_schema with its connectionId, then connections/update) and enable it again';

/** Why the connection is disabled by this diff, if it is. */
function disableReason(preference: ApiSchemas['NonBreakingChangesPreference'], diff: CatalogDiff): string | undefined {
  if (diff.transforms.length === 0) return undefined;
  if (isBreaking(diff)) {
    const breaking = describeDiff(diff).filter((line) => line.includes('(breaking'));
    return `Breaking schema change in the source: ${breaking.join('; ')}. The connection was disabled; ${FIX}.`;
  }
  if (preference === 'disable') {
    return `The source's schema changed (${describeDiff(diff).join('; ')}) and the connection's nonBreakingChangesPreference is "disable". The connection was disabled; ${FIX}.`;
  }
  return undefined;
}

/**
 * The saved catalog with the discovered changes applied: every saved stream takes its discovered
 * schema (new, removed and retyped fields) keeping its configuration; `fully` also adds new
 * streams, selected with the destination's default modes (as Airbyte's UI picks), and removes
 * streams the source no longer has.
 */
export function propagateChanges(saved: ApiCatalog, discovered: ProtocolCatalog, fully: boolean, destinationModes: ApiSchemas['DestinationSyncMode'][]): ApiCatalog {
  const fresh = new Map(discovered.streams.map((s) => [streamKey(s), toApiStream(s)]));
  const kept = saved.streams.flatMap((entry) => {
    const found = fresh.get(streamKey(entry.stream));
    if (!found) return fully ? [] : [entry];
    return [{ stream: found, config: entry.config }];
  });
  const savedKeys = new Set(saved.streams.map((s) => streamKey(s.stream)));
  const added = fully ? [...fresh.entries()].filter(([key]) => !savedKeys.has(key)).map(([, stream]) => ({ stream, config: defaultStreamConfig(stream, destinationModes) })) : [];
  return { streams: [...kept, ...added] };
}

export class SchemaChangeService implements SchemaCheck {
  constructor(
    private readonly store: ConfigStore,
    private readonly actors: ActorService,
    private readonly definitions: ConnectorDefinitions,
  ) {}

  /** sources/discover_schema: with a connection, also its catalogDiff, recorded on the connection. */
  async discover(sourceId: string, connectionId?: string): Promise<ApiSchemas['SourceDiscoverSchemaRead']> {
    const connection = connectionId === undefined ? undefined : await this.connectionOf(sourceId, connectionId);
    const discovery = await this.actors.discover(sourceId);
    if (!connection || !discovery.catalogId) return discovery;
    const discovered = await this.store.getCatalog(discovery.catalogId);
    const diff = diffCatalogs(connection.syncCatalog, discovered!.catalog);
    const updated = await this.store.recordSchemaChange(connection.connectionId, {
      schemaChange: schemaChangeOf(diff),
      disableReason: disableReason(connection.nonBreakingChangesPreference, diff),
    });
    return { ...discovery, catalogDiff: diff, breakingChange: isBreaking(diff), connectionStatus: updated?.status ?? connection.status };
  }

  async beforeSync(connectionId: string): Promise<SyncSchemaDecision> {
    const connection = await this.store.getConnection(connectionId);
    // A deleted connection is refused by the job's own context, with its message.
    if (!connection || connection.status === 'deprecated') return { proceed: true, log: [] };
    let discovered;
    let failure = 'discovery failed';
    try {
      const discovery = await this.actors.discover(connection.sourceId);
      discovered = discovery.catalogId ? await this.store.getCatalog(discovery.catalogId) : undefined;
      failure = discovery.jobInfo.failureReason?.externalMessage ?? failure;
    } catch (err) {
      failure = (err as Error).message;
    }
    // The read then fails with the source's own error if the source is really gone.
    if (!discovered) return { proceed: true, log: [`schema not checked (discovering the source failed: ${failure}); the sync runs with the saved catalog`] };
    const diff = diffCatalogs(connection.syncCatalog, discovered.catalog);
    const changes = describeDiff(diff).map((line) => `schema change: ${line}`);
    if (diff.transforms.length === 0) {
      if (connection.schemaChange !== 'no_change') await this.store.recordSchemaChange(connectionId, { schemaChange: 'no_change' });
      return { proceed: true, log: ['schema checked: the source matches the saved catalog'] };
    }
    const preference = connection.nonBreakingChangesPreference;
    const reason = disableReason(preference, diff);
    if (reason) {
      await this.store.recordSchemaChange(connectionId, { schemaChange: schemaChangeOf(diff), disableReason: reason });
      return { proceed: false, reason, log: changes };
    }
    if (preference === 'ignore') {
      await this.store.recordSchemaChange(connectionId, { schemaChange: 'non_breaking' });
      return { proceed: true, log: [...changes, 'nonBreakingChangesPreference is "ignore": the sync runs with the saved catalog'] };
    }
    const syncCatalog = propagateChanges(connection.syncCatalog, discovered.catalog, preference === 'propagate_fully', await this.destinationModes(connection));
    await this.store.recordSchemaChange(connectionId, { schemaChange: 'no_change', syncCatalog, sourceCatalogId: discovered.catalogId });
    return { proceed: true, log: [...changes, `nonBreakingChangesPreference is "${preference}": the changes were applied to the connection's catalog`] };
  }

  private async connectionOf(sourceId: string, connectionId: string): Promise<ConnectionRecord> {
    const connection = await this.store.getConnection(connectionId);
    if (!connection || connection.status === 'deprecated') throw invalidField('connectionId', `there is no connection ${connectionId}`);
    if (connection.sourceId !== sourceId) throw invalidField('connectionId', `connection ${connection.name} reads another source than ${sourceId}`);
    return connection;
  }

  private async destinationModes(connection: ConnectionRecord): Promise<ApiSchemas['DestinationSyncMode'][]> {
    const destination = await this.actors.get('destination', connection.destinationId);
    const { spec } = await this.definitions.load('destination', destination.definitionId);
    return destinationSyncModes(spec);
  }
}
