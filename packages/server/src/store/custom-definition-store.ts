// SQL for custom connector definitions (migration 005).
import { randomUUID } from 'node:crypto';
import type { ConnectorSpecification } from '@platform/protocol';
import type { Pool } from './db';

/** As config-store's ActorKind (not imported: config-store imports this module). */
type ActorKind = 'source' | 'destination';

export interface CustomDefinitionRecord {
  definitionId: string;
  kind: ActorKind;
  workspaceId: string;
  name: string;
  dockerRepository: string;
  dockerImageTag: string;
  documentationUrl: string;
  command: string;
  args: string[];
  spec: ConnectorSpecification;
  /** Declarative definitions only (migration 006): the active version's low-code manifest and its number. */
  declarativeManifest: Record<string, unknown> | null;
  activeManifestVersion: number | null;
  tombstone: boolean;
}

export type CustomDefinitionInput = Omit<CustomDefinitionRecord, 'definitionId' | 'tombstone' | 'declarativeManifest' | 'activeManifestVersion'>;

/** One version of a declarative definition's manifest. */
export interface DeclarativeManifestVersion {
  version: number;
  description: string;
  manifest: Record<string, unknown>;
  spec: ConnectorSpecification;
  isActive: boolean;
}

const COLUMNS = 'definition_id, kind, workspace_id, name, docker_repository, docker_image_tag, documentation_url, command, args, spec, declarative_manifest, active_manifest_version, tombstone';

function toRecord(row: Record<string, unknown>): CustomDefinitionRecord {
  return {
    definitionId: row.definition_id as string,
    kind: row.kind as ActorKind,
    workspaceId: row.workspace_id as string,
    name: row.name as string,
    dockerRepository: row.docker_repository as string,
    dockerImageTag: row.docker_image_tag as string,
    documentationUrl: row.documentation_url as string,
    command: row.command as string,
    args: row.args as string[],
    spec: row.spec as ConnectorSpecification,
    declarativeManifest: (row.declarative_manifest as Record<string, unknown> | null) ?? null,
    activeManifestVersion: row.active_manifest_version === null ? null : Number(row.active_manifest_version),
    tombstone: row.tombstone as boolean,
  };
}

export class CustomDefinitionStore {
  constructor(private readonly pool: Pool) {}

  /** Every live custom definition (all workspaces). */
  async list(): Promise<CustomDefinitionRecord[]> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM custom_definitions WHERE NOT tombstone ORDER BY created_at`);
    return rows.map(toRecord);
  }

  /** A definition by id, deleted ones included (a job of an existing source still runs it). */
  async get(definitionId: string): Promise<CustomDefinitionRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM custom_definitions WHERE definition_id = $1`, [definitionId]);
    return rows[0] && toRecord(rows[0]);
  }

  /** `definitionId`: the id the client chose (a declarative definition's first manifest names it); a new one otherwise. */
  async create(input: CustomDefinitionInput, definitionId: string = randomUUID()): Promise<CustomDefinitionRecord> {
    const { rows } = await this.pool.query(
      `INSERT INTO custom_definitions (definition_id, kind, workspace_id, name, docker_repository, docker_image_tag, documentation_url, command, args, spec)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [definitionId, input.kind, input.workspaceId, input.name, input.dockerRepository, input.dockerImageTag, input.documentationUrl, input.command, JSON.stringify(input.args), JSON.stringify(input.spec)],
    );
    return toRecord(rows[0]);
  }

  /** A new version: the tag and what runs it. */
  async update(definitionId: string, changes: Pick<CustomDefinitionRecord, 'dockerImageTag' | 'command' | 'args' | 'spec'>): Promise<CustomDefinitionRecord | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE custom_definitions SET docker_image_tag = $2, command = $3, args = $4, spec = $5, updated_at = now()
       WHERE definition_id = $1 AND NOT tombstone RETURNING ${COLUMNS}`,
      [definitionId, changes.dockerImageTag, changes.command, JSON.stringify(changes.args), JSON.stringify(changes.spec)],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async delete(definitionId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE custom_definitions SET tombstone = true, updated_at = now() WHERE definition_id = $1 AND NOT tombstone', [definitionId]);
    return rowCount === 1;
  }

  /** Adds a manifest version; false when the definition already has that version. */
  async addManifestVersion(definitionId: string, version: Omit<DeclarativeManifestVersion, 'isActive'>): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO declarative_manifests (definition_id, version, description, manifest, spec) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (definition_id, version) DO NOTHING`,
      [definitionId, version.version, version.description, JSON.stringify(version.manifest), JSON.stringify(version.spec)],
    );
    return rowCount === 1;
  }

  async listManifestVersions(definitionId: string): Promise<DeclarativeManifestVersion[]> {
    const { rows } = await this.pool.query(
      `SELECT m.version, m.description, m.manifest, m.spec, m.version = d.active_manifest_version AS is_active
       FROM declarative_manifests m JOIN custom_definitions d USING (definition_id) WHERE m.definition_id = $1 ORDER BY m.version`,
      [definitionId],
    );
    return rows.map((r) => ({ version: Number(r.version), description: r.description, manifest: r.manifest, spec: r.spec, isActive: r.is_active === true }));
  }

  /** Makes a stored version the one that runs (its manifest and spec); false when there is no such version. */
  async activateManifestVersion(definitionId: string, version: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE custom_definitions d SET declarative_manifest = m.manifest, spec = m.spec, active_manifest_version = m.version, updated_at = now()
       FROM declarative_manifests m WHERE m.definition_id = d.definition_id AND d.definition_id = $1 AND m.version = $2 AND NOT d.tombstone`,
      [definitionId, version],
    );
    return rowCount === 1;
  }
}
