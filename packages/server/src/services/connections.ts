// Connections: a source, a destination, the streams to sync and how, and a schedule.
// Create and update refuse a catalog the source or destination cannot run (422 naming the
// stream and field), so the worker never starts a sync that is bound to fail on config.
import type { AirbyteCatalog as ProtocolCatalog, DestinationSyncMode } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import { InvalidInputError, NotFoundError, invalidField } from '../shared/errors';
import type { CatalogRecord, ConfigStore, ConnectionInput, ConnectionListItem, ConnectionRecord } from '../store/config-store';
import { completeSyncCatalog, toApiCatalog } from './catalog';
import type { ActorService } from './actors';
import { destinationSyncModes, type ConnectorDefinitions } from './definitions';
import { resolveSchedule } from './schedule';
import { syncCatalogProblems } from './sync-modes';
import type { WorkspaceService } from './workspaces';

type ConnectionCreate = ApiSchemas['ConnectionCreate'];
type ConnectionUpdate = ApiSchemas['ConnectionUpdate'];

const DEFAULT_NAMESPACE_FORMAT = '${SOURCE_NAMESPACE}';

interface DestinationFacts {
  displayName: string;
  modes: DestinationSyncMode[];
}

export class ConnectionService {
  constructor(
    private readonly store: ConfigStore,
    private readonly actors: ActorService,
    private readonly definitions: ConnectorDefinitions,
    private readonly workspaces: WorkspaceService,
  ) {}

  /** The connection, or undefined when there is none with this id. */
  find(connectionId: string): Promise<ConnectionRecord | undefined> {
    return this.store.getConnection(connectionId);
  }

  async get(connectionId: string): Promise<ConnectionRecord> {
    const connection = await this.find(connectionId);
    if (!connection) throw new NotFoundError('connection', connectionId);
    return connection;
  }

  async list(workspaceId?: string): Promise<ConnectionRecord[]> {
    const workspace = await this.workspaces.resolve(workspaceId);
    return this.store.listConnections(workspace.workspaceId);
  }

  /** The connections version (ConfigStore.connectionsVersion), for a cached list. */
  version(): Promise<string> {
    return this.store.connectionsVersion();
  }

  /** The connections of a resolved workspace and the version they are at. */
  listVersioned(workspaceId: string): Promise<{ version: string; connections: ConnectionRecord[] }> {
    return this.store.listConnectionsVersioned(workspaceId);
  }

  /** The workspace's connections with their ends and latest sync job, for the web UI's list. */
  async listItems(workspaceId?: string): Promise<ConnectionListItem[]> {
    const workspace = await this.workspaces.resolve(workspaceId);
    return this.store.listConnectionItems(workspace.workspaceId);
  }

  async delete(connectionId: string): Promise<void> {
    await this.get(connectionId);
    await this.store.deprecateConnection(connectionId);
  }

  async create(body: ConnectionCreate): Promise<ConnectionRecord> {
    const source = await this.actors.get('source', body.sourceId);
    const destination = await this.actors.get('destination', body.destinationId);
    if (source.workspaceId !== destination.workspaceId) {
      throw invalidField('destinationId', `destination ${destination.name} belongs to another workspace than source ${source.name}`);
    }
    const facts = await this.destinationFacts(destination.definitionId);
    let discovered = await this.sourceCatalog(body.sourceId, body.sourceCatalogId);
    if (!body.syncCatalog && !discovered) discovered = await this.discoverNow(body.sourceId);
    // Without a syncCatalog: every discovered stream, with modes the destination supports.
    const requested = body.syncCatalog ?? toApiCatalog(discovered!.catalog, facts.modes);
    const syncCatalog = this.checkedSyncCatalog(requested, discovered?.catalog, facts);

    const namespaceDefinition = body.namespaceDefinition ?? 'source';
    return this.store.createConnection({
      workspaceId: source.workspaceId,
      // Airbyte's UI names a connection after its ends.
      name: body.name ?? `${source.name} → ${destination.name}`,
      sourceId: source.actorId,
      destinationId: destination.actorId,
      namespaceDefinition,
      namespaceFormat: body.namespaceFormat ?? (namespaceDefinition === 'customformat' ? DEFAULT_NAMESPACE_FORMAT : null),
      prefix: body.prefix ?? '',
      syncCatalog,
      sourceCatalogId: discovered?.catalogId ?? null,
      schedule: resolveSchedule(body),
      status: body.status ?? 'active',
      operationIds: await this.checkedOperationIds(source.workspaceId, body.operationIds ?? []),
      geography: body.geography ?? 'auto',
      nonBreakingChangesPreference: body.nonBreakingChangesPreference ?? 'ignore',
      notifySchemaChanges: body.notifySchemaChanges ?? false,
      resourceRequirements: body.resourceRequirements ?? null,
    });
  }

  /** Fields left out keep their value (Airbyte's patch semantics since 0.40). */
  async update(body: ConnectionUpdate): Promise<ConnectionRecord> {
    const current = await this.get(body.connectionId);
    if (current.status === 'deprecated') throw invalidField('connectionId', `connection ${current.name} was deleted and cannot be updated`);

    let syncCatalog = current.syncCatalog;
    let sourceCatalogId = current.sourceCatalogId;
    if (body.syncCatalog || body.sourceCatalogId) {
      const destination = await this.actors.get('destination', current.destinationId);
      const facts = await this.destinationFacts(destination.definitionId);
      const discovered = await this.sourceCatalog(current.sourceId, body.sourceCatalogId ?? current.sourceCatalogId ?? undefined);
      syncCatalog = this.checkedSyncCatalog(body.syncCatalog ?? current.syncCatalog, discovered?.catalog, facts);
      sourceCatalogId = discovered?.catalogId ?? null;
    }
    const namespaceDefinition = body.namespaceDefinition ?? current.namespaceDefinition;
    const next: ConnectionInput = {
      ...current,
      name: body.name ?? current.name,
      namespaceDefinition,
      namespaceFormat: body.namespaceFormat ?? current.namespaceFormat ?? (namespaceDefinition === 'customformat' ? DEFAULT_NAMESPACE_FORMAT : null),
      prefix: body.prefix ?? current.prefix,
      syncCatalog,
      sourceCatalogId,
      schedule: resolveSchedule(body, current.schedule),
      status: body.status ?? current.status,
      operationIds: body.operationIds ? await this.checkedOperationIds(current.workspaceId, body.operationIds) : current.operationIds,
      geography: body.geography ?? current.geography,
      nonBreakingChangesPreference: body.nonBreakingChangesPreference ?? current.nonBreakingChangesPreference,
      notifySchemaChanges: body.notifySchemaChanges ?? current.notifySchemaChanges,
      resourceRequirements: body.resourceRequirements ?? current.resourceRequirements,
    };
    const updated = await this.store.updateConnection(body.connectionId, next, { catalogReplaced: body.syncCatalog !== undefined });
    if (!updated) throw new NotFoundError('connection', body.connectionId);
    return updated;
  }

  /** Each id must name an operation (operations/create) of the connection's workspace. */
  private async checkedOperationIds(workspaceId: string, operationIds: string[]): Promise<string[]> {
    const found = new Map((await this.store.operations.getMany(operationIds)).map((o) => [o.operationId, o]));
    const problems = operationIds.flatMap((id, i) => {
      const operation = found.get(id);
      if (!operation) return [{ path: `operationIds[${i}]`, message: `operation ${id} does not exist; create it with operations/create` }];
      if (operation.workspaceId !== workspaceId) return [{ path: `operationIds[${i}]`, message: `operation ${operation.name} belongs to another workspace than the connection` }];
      return [];
    });
    if (problems.length) throw new InvalidInputError(`${problems[0].path}: ${problems[0].message}`, problems);
    return [...new Set(operationIds)];
  }

  private async destinationFacts(definitionId: string): Promise<DestinationFacts> {
    const { definition, spec } = await this.definitions.load('destination', definitionId);
    return { displayName: definition.displayName, modes: destinationSyncModes(spec) };
  }

  /** The catalog the client names (it must be this source's), else the source's latest discovery. */
  private async sourceCatalog(sourceId: string, catalogId: string | undefined): Promise<CatalogRecord | undefined> {
    if (!catalogId) return this.store.latestCatalog(sourceId);
    const catalog = await this.store.getCatalog(catalogId);
    if (!catalog || catalog.sourceId !== sourceId) throw invalidField('sourceCatalogId', `catalog ${catalogId} is not a discovered catalog of source ${sourceId}`);
    return catalog;
  }

  /** For a connection created without syncCatalog from a source that was never discovered. */
  private async discoverNow(sourceId: string): Promise<CatalogRecord> {
    const discovery = await this.actors.discover(sourceId);
    const catalog = discovery.catalogId && (await this.store.getCatalog(discovery.catalogId));
    if (!catalog) {
      const reason = discovery.jobInfo.failureReason?.externalMessage ?? 'discovery failed';
      throw invalidField('syncCatalog', `is required: the source has no discovered catalog and discovering it failed: ${reason}`);
    }
    return catalog;
  }

  private checkedSyncCatalog(requested: ApiSchemas['AirbyteCatalog'], discovered: ProtocolCatalog | undefined, facts: DestinationFacts): ApiSchemas['AirbyteCatalog'] {
    const syncCatalog = completeSyncCatalog(requested, discovered);
    const problems = syncCatalogProblems(syncCatalog, {
      destinationName: facts.displayName,
      destinationModes: facts.modes,
      discoveredStreams: discovered?.streams,
    });
    if (problems.length) throw new InvalidInputError(`The sync catalog cannot run: ${problems.map((p) => p.message).join('; ')}`, problems);
    if (!syncCatalog.streams.some((s) => s.config.selected !== false)) throw invalidField('syncCatalog.streams', 'select at least one stream to sync');
    return syncCatalog;
  }
}
