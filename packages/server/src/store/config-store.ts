// SQL for the configuration tables of 001_config.sql. Rows become plain records here;
// connector secrets are sealed on write and opened on read (./sealed-config), so callers
// only ever see plaintext configurations plus the paths that are secret.
import { createHash, randomUUID } from 'node:crypto';
import type { AirbyteCatalog as ProtocolCatalog } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import type { SecretCipher } from '../shared/crypto';
import { OperationStore } from './operation-store';
import { CustomDefinitionStore } from './custom-definition-store';
import { withTransaction, type Pool } from './db';
import { openSecrets, sealSecrets, type JsonObject } from './sealed-config';

// ------------------------------------------------------------------ records

export interface WorkspaceRecord {
  workspaceId: string;
  customerId: string;
  name: string;
  slug: string;
  email: string | null;
  initialSetupComplete: boolean;
  displaySetupWizard: boolean;
  anonymousDataCollection: boolean;
  news: boolean;
  securityUpdates: boolean;
  defaultGeography: ApiSchemas['Geography'];
  notificationSettings: ApiSchemas['NotificationSettings'];
}

export type WorkspaceChanges = Partial<Omit<WorkspaceRecord, 'workspaceId' | 'customerId' | 'slug'>>;

export type ActorKind = 'source' | 'destination';

/** A source or a destination. */
export interface ActorRecord {
  kind: ActorKind;
  actorId: string;
  workspaceId: string;
  definitionId: string;
  name: string;
  /** Plaintext configuration, secrets included: never return it from the API unmasked. */
  configuration: JsonObject;
  /** Dotted paths of the secret values in `configuration`. */
  secretPaths: string[];
  tombstone: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ActorInput {
  workspaceId: string;
  definitionId: string;
  name: string;
  configuration: JsonObject;
  secretPaths: string[];
}

export interface CatalogRecord {
  catalogId: string;
  sourceId: string;
  catalog: ProtocolCatalog;
  createdAt: Date;
}

export type TimeUnit = ApiSchemas['TimeUnit'];

export type ConnectionSchedule =
  | { type: 'manual' }
  | { type: 'basic'; units: number; timeUnit: TimeUnit }
  | { type: 'cron'; cronExpression: string; cronTimeZone: string };

export interface ConnectionRecord {
  connectionId: string;
  workspaceId: string;
  name: string;
  sourceId: string;
  destinationId: string;
  namespaceDefinition: ApiSchemas['NamespaceDefinitionType'];
  namespaceFormat: string | null;
  prefix: string;
  /** API shape, as the client configured it. */
  syncCatalog: ApiSchemas['AirbyteCatalog'];
  sourceCatalogId: string | null;
  schedule: ConnectionSchedule;
  status: ApiSchemas['ConnectionStatus'];
  operationIds: string[];
  geography: ApiSchemas['Geography'];
  nonBreakingChangesPreference: ApiSchemas['NonBreakingChangesPreference'];
  notifySchemaChanges: boolean;
  resourceRequirements: ApiSchemas['ResourceRequirements'] | null;
  /** What the latest discovery found against syncCatalog; set by recordSchemaChange only. */
  schemaChange: ApiSchemas['SchemaChange'];
  /** Why the platform disabled the connection; cleared when it is enabled again. */
  statusReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A connection as a list page shows it (ConfigStore.listConnectionItems). */
export interface ConnectionListItem {
  connectionId: string;
  name: string;
  status: ApiSchemas['ConnectionStatus'];
  schedule: ConnectionSchedule;
  source: { actorId: string; name: string; definitionId: string };
  destination: { actorId: string; name: string; definitionId: string };
  latestJob: { status: ApiSchemas['JobStatus']; createdAt: Date } | null;
  schemaChange: ApiSchemas['SchemaChange'];
}

export type ConnectionInput = Omit<ConnectionRecord, 'connectionId' | 'createdAt' | 'updatedAt' | 'schemaChange' | 'statusReason'>;

// ------------------------------------------------------------------ row mapping

const ACTOR_TABLES = {
  source: { table: 'sources', id: 'source_id', definitionId: 'source_definition_id' },
  destination: { table: 'destinations', id: 'destination_id', definitionId: 'destination_definition_id' },
} as const;

function actorColumns(kind: ActorKind): string {
  const t = ACTOR_TABLES[kind];
  return `${t.id} AS actor_id, workspace_id, ${t.definitionId} AS definition_id, name, configuration, tombstone, created_at, updated_at`;
}

const WORKSPACE_COLUMNS = `workspace_id, customer_id, name, slug, email, initial_setup_complete, display_setup_wizard,
  anonymous_data_collection, news, security_updates, default_geography, notification_settings`;

function toWorkspace(r: any): WorkspaceRecord {
  return {
    workspaceId: r.workspace_id,
    customerId: r.customer_id,
    name: r.name,
    slug: r.slug,
    email: r.email,
    initialSetupComplete: r.initial_setup_complete,
    displaySetupWizard: r.display_setup_wizard,
    anonymousDataCollection: r.anonymous_data_collection,
    news: r.news,
    securityUpdates: r.security_updates,
    defaultGeography: r.default_geography,
    notificationSettings: r.notification_settings,
  };
}

function toConnection(r: any): ConnectionRecord {
  const schedule: ConnectionSchedule =
    r.schedule_type === 'basic'
      ? { type: 'basic', units: Number(r.basic_units), timeUnit: r.basic_time_unit }
      : r.schedule_type === 'cron'
        ? { type: 'cron', cronExpression: r.cron_expression, cronTimeZone: r.cron_time_zone }
        : { type: 'manual' };
  return {
    connectionId: r.connection_id,
    workspaceId: r.workspace_id,
    name: r.name,
    sourceId: r.source_id,
    destinationId: r.destination_id,
    namespaceDefinition: r.namespace_definition,
    namespaceFormat: r.namespace_format,
    prefix: r.prefix,
    syncCatalog: r.sync_catalog,
    sourceCatalogId: r.source_catalog_id,
    schedule,
    status: r.status,
    operationIds: r.operation_ids,
    geography: r.geography,
    nonBreakingChangesPreference: r.non_breaking_changes_preference,
    notifySchemaChanges: r.notify_schema_changes,
    resourceRequirements: r.resource_requirements,
    schemaChange: r.schema_change,
    statusReason: r.status_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toCatalog(r: any): CatalogRecord {
  return { catalogId: r.catalog_id, sourceId: r.source_id, catalog: r.catalog, createdAt: r.created_at };
}

/** Column values of a connection, in CONNECTION_WRITE_COLUMNS order. */
function connectionValues(c: ConnectionInput): unknown[] {
  const s = c.schedule;
  return [
    c.workspaceId, c.name, c.sourceId, c.destinationId, c.namespaceDefinition, c.namespaceFormat, c.prefix,
    JSON.stringify(c.syncCatalog), c.sourceCatalogId, s.type,
    s.type === 'basic' ? s.units : null, s.type === 'basic' ? s.timeUnit : null,
    s.type === 'cron' ? s.cronExpression : null, s.type === 'cron' ? s.cronTimeZone : null,
    c.status, c.operationIds, c.geography, c.nonBreakingChangesPreference, c.notifySchemaChanges,
    c.resourceRequirements === null ? null : JSON.stringify(c.resourceRequirements),
  ];
}

const CONNECTION_WRITE_COLUMNS = [
  'workspace_id', 'name', 'source_id', 'destination_id', 'namespace_definition', 'namespace_format', 'prefix',
  'sync_catalog', 'source_catalog_id', 'schedule_type', 'basic_units', 'basic_time_unit', 'cron_expression', 'cron_time_zone',
  'status', 'operation_ids', 'geography', 'non_breaking_changes_preference', 'notify_schema_changes', 'resource_requirements',
];

/** "My Team's Workspace" → "my-team-s-workspace". */
function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'workspace';
}

/** A stable hash of a catalog, so re-discovering an unchanged source reuses its catalog row. */
function catalogHash(catalog: ProtocolCatalog): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as JsonObject)[k])]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(catalog))).digest('hex');
}

// ------------------------------------------------------------------ the store

export class ConfigStore {
  /** Connector definitions registered through create_custom. */
  readonly customDefinitions: CustomDefinitionStore;
  /** Operations (operations/*) and their links from connections. */
  readonly operations: OperationStore;

  constructor(
    private readonly pool: Pool,
    private readonly cipher: SecretCipher,
  ) {
    this.customDefinitions = new CustomDefinitionStore(pool);
    this.operations = new OperationStore(pool);
  }

  // ---- workspaces

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    await this.defaultWorkspace();
    const { rows } = await this.pool.query(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces ORDER BY created_at, name`);
    return rows.map(toWorkspace);
  }

  async getWorkspace(workspaceId: string): Promise<WorkspaceRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE workspace_id = $1`, [workspaceId]);
    return rows[0] && toWorkspace(rows[0]);
  }

  async getWorkspaceBySlug(slug: string): Promise<WorkspaceRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE slug = $1`, [slug]);
    return rows[0] && toWorkspace(rows[0]);
  }

  /** The workspace slugged "default" (created by the migration; recreated if it was removed). */
  async defaultWorkspace(): Promise<WorkspaceRecord> {
    const existing = await this.getWorkspaceBySlug('default');
    if (existing) return existing;
    await this.pool.query(
      `INSERT INTO workspaces (workspace_id, customer_id, name, slug, initial_setup_complete)
       VALUES ($1, $2, 'default', 'default', true) ON CONFLICT (slug) DO NOTHING`,
      [randomUUID(), randomUUID()],
    );
    return (await this.getWorkspaceBySlug('default'))!;
  }

  async createWorkspace(input: Pick<WorkspaceRecord, 'name'> & WorkspaceChanges): Promise<WorkspaceRecord> {
    const base = slugify(input.name);
    // A taken slug gets a short random suffix rather than failing the create.
    for (let attempt = 0; ; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${randomUUID().slice(0, 8)}`;
      const { rows } = await this.pool.query(
        `INSERT INTO workspaces (workspace_id, customer_id, name, slug, email, initial_setup_complete, display_setup_wizard,
           anonymous_data_collection, news, security_updates, default_geography, notification_settings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (slug) DO NOTHING
         RETURNING ${WORKSPACE_COLUMNS}`,
        [
          randomUUID(), randomUUID(), input.name, slug, input.email ?? null, input.initialSetupComplete ?? false,
          input.displaySetupWizard ?? false, input.anonymousDataCollection ?? false, input.news ?? false,
          input.securityUpdates ?? false, input.defaultGeography ?? 'auto', JSON.stringify(input.notificationSettings ?? {}),
        ],
      );
      if (rows[0]) return toWorkspace(rows[0]);
    }
  }

  async updateWorkspace(workspaceId: string, changes: WorkspaceChanges): Promise<WorkspaceRecord | undefined> {
    const current = await this.getWorkspace(workspaceId);
    if (!current) return undefined;
    const next = { ...current, ...changes };
    const { rows } = await this.pool.query(
      `UPDATE workspaces SET name = $2, email = $3, initial_setup_complete = $4, display_setup_wizard = $5,
         anonymous_data_collection = $6, news = $7, security_updates = $8, default_geography = $9,
         notification_settings = $10, updated_at = now()
       WHERE workspace_id = $1 RETURNING ${WORKSPACE_COLUMNS}`,
      [
        workspaceId, next.name, next.email, next.initialSetupComplete, next.displaySetupWizard, next.anonymousDataCollection,
        next.news, next.securityUpdates, next.defaultGeography, JSON.stringify(next.notificationSettings ?? {}),
      ],
    );
    return rows[0] && toWorkspace(rows[0]);
  }

  // ---- sources and destinations

  private toActor(kind: ActorKind, r: any): ActorRecord {
    const opened = openSecrets(r.configuration, this.cipher);
    return {
      kind,
      actorId: r.actor_id,
      workspaceId: r.workspace_id,
      definitionId: r.definition_id,
      name: r.name,
      configuration: opened.configuration,
      secretPaths: opened.secretPaths,
      tombstone: r.tombstone,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  async createActor(kind: ActorKind, input: ActorInput): Promise<ActorRecord> {
    const t = ACTOR_TABLES[kind];
    const sealed = sealSecrets(input.configuration, input.secretPaths, this.cipher);
    const { rows } = await this.pool.query(
      `INSERT INTO ${t.table} (${t.id}, workspace_id, ${t.definitionId}, name, configuration)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${actorColumns(kind)}`,
      [randomUUID(), input.workspaceId, input.definitionId, input.name, JSON.stringify(sealed)],
    );
    return this.toActor(kind, rows[0]);
  }

  /** Deleted (tombstoned) actors are found only with `includeDeleted`, e.g. for a job's history. */
  async getActor(kind: ActorKind, actorId: string, options: { includeDeleted?: boolean } = {}): Promise<ActorRecord | undefined> {
    const t = ACTOR_TABLES[kind];
    const { rows } = await this.pool.query(
      `SELECT ${actorColumns(kind)} FROM ${t.table} WHERE ${t.id} = $1 ${options.includeDeleted ? '' : 'AND NOT tombstone'}`,
      [actorId],
    );
    return rows[0] && this.toActor(kind, rows[0]);
  }

  async listActors(kind: ActorKind, workspaceId: string): Promise<ActorRecord[]> {
    const t = ACTOR_TABLES[kind];
    const { rows } = await this.pool.query(
      `SELECT ${actorColumns(kind)} FROM ${t.table} WHERE workspace_id = $1 AND NOT tombstone ORDER BY created_at, name`,
      [workspaceId],
    );
    return rows.map((r) => this.toActor(kind, r));
  }

  async updateActor(kind: ActorKind, actorId: string, changes: Pick<ActorInput, 'name' | 'configuration' | 'secretPaths'>): Promise<ActorRecord | undefined> {
    const t = ACTOR_TABLES[kind];
    const sealed = sealSecrets(changes.configuration, changes.secretPaths, this.cipher);
    const { rows } = await this.pool.query(
      `UPDATE ${t.table} SET name = $2, configuration = $3, updated_at = now()
       WHERE ${t.id} = $1 AND NOT tombstone RETURNING ${actorColumns(kind)}`,
      [actorId, changes.name, JSON.stringify(sealed)],
    );
    return rows[0] && this.toActor(kind, rows[0]);
  }

  /** Tombstones the actor and deprecates its connections, in one transaction. False if it did not exist. */
  async deleteActor(kind: ActorKind, actorId: string): Promise<boolean> {
    const t = ACTOR_TABLES[kind];
    return withTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(`UPDATE ${t.table} SET tombstone = true, updated_at = now() WHERE ${t.id} = $1 AND NOT tombstone`, [actorId]);
      if (!rowCount) return false;
      await client.query(`UPDATE connections SET status = 'deprecated', updated_at = now() WHERE ${t.id} = $1 AND status <> 'deprecated'`, [actorId]);
      return true;
    });
  }

  // ---- discovered catalogs

  /** Stores a discovered catalog; an identical earlier discovery of the same source is reused. */
  async saveCatalog(sourceId: string, catalog: ProtocolCatalog): Promise<CatalogRecord> {
    const { rows } = await this.pool.query(
      `INSERT INTO catalogs (catalog_id, source_id, catalog, catalog_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source_id, catalog_hash) DO UPDATE SET created_at = now()
       RETURNING catalog_id, source_id, catalog, created_at`,
      [randomUUID(), sourceId, JSON.stringify(catalog), catalogHash(catalog)],
    );
    return toCatalog(rows[0]);
  }

  async getCatalog(catalogId: string): Promise<CatalogRecord | undefined> {
    const { rows } = await this.pool.query('SELECT catalog_id, source_id, catalog, created_at FROM catalogs WHERE catalog_id = $1', [catalogId]);
    return rows[0] && toCatalog(rows[0]);
  }

  async latestCatalog(sourceId: string): Promise<CatalogRecord | undefined> {
    const { rows } = await this.pool.query(
      'SELECT catalog_id, source_id, catalog, created_at FROM catalogs WHERE source_id = $1 ORDER BY created_at DESC LIMIT 1',
      [sourceId],
    );
    return rows[0] && toCatalog(rows[0]);
  }

  // ---- connections

  async createConnection(input: ConnectionInput): Promise<ConnectionRecord> {
    const values = connectionValues(input);
    const placeholders = values.map((_, i) => `$${i + 2}`).join(', ');
    const { rows } = await this.pool.query(
      `INSERT INTO connections (connection_id, ${CONNECTION_WRITE_COLUMNS.join(', ')}) VALUES ($1, ${placeholders}) RETURNING *`,
      [randomUUID(), ...values],
    );
    return toConnection(rows[0]);
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM connections WHERE connection_id = $1', [connectionId]);
    return rows[0] && toConnection(rows[0]);
  }

  /** The workspace's connections, deleted (deprecated) ones left out. */
  async listConnections(workspaceId: string): Promise<ConnectionRecord[]> {
    return (await this.listConnectionsVersioned(workspaceId)).connections;
  }

  /** Counts every write to connections (migration 006): the same version, the same connections. */
  async connectionsVersion(): Promise<string> {
    const { rows } = await this.pool.query('SELECT version::text AS version FROM connections_version');
    return rows[0].version;
  }

  /** listConnections and the connections version they are at, read in one snapshot (one statement). */
  async listConnectionsVersioned(workspaceId: string): Promise<{ version: string; connections: ConnectionRecord[] }> {
    const { rows } = await this.pool.query(
      `SELECT v.version::text AS connections_version, c.*
         FROM connections_version v
         LEFT JOIN LATERAL (SELECT * FROM connections WHERE workspace_id = $1 AND status <> 'deprecated') c ON true
        ORDER BY c.created_at, c.name`,
      [workspaceId],
    );
    return { version: rows[0].connections_version, connections: rows.filter((r) => r.connection_id !== null).map(toConnection) };
  }

  /**
   * The workspace's connections for a list page: no catalogs, the actors' names and
   * definitions, and the latest job of each, in one query (deprecated ones left out).
   */
  async listConnectionItems(workspaceId: string): Promise<ConnectionListItem[]> {
    const { rows } = await this.pool.query(
      `SELECT c.connection_id, c.name, c.status, c.schema_change, c.schedule_type, c.basic_units, c.basic_time_unit, c.cron_expression, c.cron_time_zone,
              c.source_id, s.name AS source_name, s.source_definition_id,
              c.destination_id, d.name AS destination_name, d.destination_definition_id,
              j.status AS job_status, j.created_at AS job_created_at
         FROM connections c
         JOIN sources s ON s.source_id = c.source_id
         JOIN destinations d ON d.destination_id = c.destination_id
         LEFT JOIN LATERAL (SELECT status, created_at FROM jobs WHERE jobs.connection_id = c.connection_id ORDER BY created_at DESC, id DESC LIMIT 1) j ON true
        WHERE c.workspace_id = $1 AND c.status <> 'deprecated'
        ORDER BY c.created_at, c.name`,
      [workspaceId],
    );
    return rows.map((r) => ({
      connectionId: r.connection_id,
      name: r.name,
      status: r.status,
      schedule: toConnection(r).schedule,
      source: { actorId: r.source_id, name: r.source_name, definitionId: r.source_definition_id },
      destination: { actorId: r.destination_id, name: r.destination_name, definitionId: r.destination_definition_id },
      latestJob: r.job_status ? { status: r.job_status, createdAt: r.job_created_at } : null,
      schemaChange: r.schema_change,
    }));
  }

  /**
   * Writes every mutable field of the connection. Enabling it clears the reason it was disabled
   * for; a new sync catalog is the user's answer to a schema change, which it clears.
   */
  async updateConnection(connectionId: string, next: ConnectionInput, options: { catalogReplaced?: boolean } = {}): Promise<ConnectionRecord | undefined> {
    const values = connectionValues(next);
    const assignments = CONNECTION_WRITE_COLUMNS.map((col, i) => `${col} = $${i + 2}`).join(', ');
    const statusCol = CONNECTION_WRITE_COLUMNS.indexOf('status') + 2;
    const { rows } = await this.pool.query(
      `UPDATE connections SET ${assignments},
          status_reason = CASE WHEN $${statusCol} = 'inactive' THEN status_reason END,
          ${options.catalogReplaced ? `schema_change = 'no_change',` : ''}
          updated_at = now() WHERE connection_id = $1 RETURNING *`,
      [connectionId, ...values],
    );
    return rows[0] && toConnection(rows[0]);
  }

  /**
   * Records what a discovery found (schemaChange); with `disableReason`, also disables an active
   * connection and says why. `syncCatalog` replaces the saved catalog (auto-propagation).
   */
  async recordSchemaChange(
    connectionId: string,
    change: { schemaChange: ApiSchemas['SchemaChange']; disableReason?: string; syncCatalog?: ApiSchemas['AirbyteCatalog']; sourceCatalogId?: string },
  ): Promise<ConnectionRecord | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE connections SET schema_change = $2,
          status = CASE WHEN $3::text IS NOT NULL AND status = 'active' THEN 'inactive' ELSE status END,
          status_reason = CASE WHEN $3::text IS NOT NULL AND status IN ('active', 'inactive') THEN $3::text ELSE status_reason END,
          sync_catalog = COALESCE($4::jsonb, sync_catalog),
          source_catalog_id = COALESCE($5::uuid, source_catalog_id),
          updated_at = now()
        WHERE connection_id = $1 AND status <> 'deprecated' RETURNING *`,
      [connectionId, change.schemaChange, change.disableReason ?? null, change.syncCatalog ? JSON.stringify(change.syncCatalog) : null, change.sourceCatalogId ?? null],
    );
    return rows[0] && toConnection(rows[0]);
  }

  /** Deleting a connection deprecates it (as Airbyte does): its jobs and state stay readable. */
  async deprecateConnection(connectionId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE connections SET status = 'deprecated', updated_at = now() WHERE connection_id = $1 AND status <> 'deprecated'`,
      [connectionId],
    );
    return Boolean(rowCount);
  }
}
