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
  tombstone: boolean;
}

export type CustomDefinitionInput = Omit<CustomDefinitionRecord, 'definitionId' | 'tombstone'>;

const COLUMNS = 'definition_id, kind, workspace_id, name, docker_repository, docker_image_tag, documentation_url, command, args, spec, tombstone';

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

  async create(input: CustomDefinitionInput): Promise<CustomDefinitionRecord> {
    const { rows } = await this.pool.query(
      `INSERT INTO custom_definitions (definition_id, kind, workspace_id, name, docker_repository, docker_image_tag, documentation_url, command, args, spec)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [randomUUID(), input.kind, input.workspaceId, input.name, input.dockerRepository, input.dockerImageTag, input.documentationUrl, input.command, JSON.stringify(input.args), JSON.stringify(input.spec)],
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
}
