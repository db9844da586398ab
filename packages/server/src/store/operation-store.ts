// SQL for operations (migration 006) and their links from connections.operation_ids.
import { randomUUID } from 'node:crypto';
import { withTransaction, type Pool } from './db';

/** Airbyte's OperatorConfiguration, kept as the client sent it. */
export interface OperatorConfiguration {
  operatorType: 'normalization' | 'dbt' | 'webhook';
  normalization?: { option?: 'basic' };
  dbt?: { gitRepoUrl: string; gitRepoBranch?: string; dockerImage?: string; dbtArguments?: string };
  webhook?: Record<string, unknown>;
}

export interface OperationRecord {
  operationId: string;
  workspaceId: string;
  name: string;
  operatorConfiguration: OperatorConfiguration;
}

const COLUMNS = 'operation_id, workspace_id, name, operator_configuration';

function toRecord(row: Record<string, unknown>): OperationRecord {
  return {
    operationId: row.operation_id as string,
    workspaceId: row.workspace_id as string,
    name: row.name as string,
    operatorConfiguration: row.operator_configuration as OperatorConfiguration,
  };
}

export class OperationStore {
  constructor(private readonly pool: Pool) {}

  async create(input: Omit<OperationRecord, 'operationId'>): Promise<OperationRecord> {
    const { rows } = await this.pool.query(
      `INSERT INTO operations (operation_id, workspace_id, name, operator_configuration) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [randomUUID(), input.workspaceId, input.name, JSON.stringify(input.operatorConfiguration)],
    );
    return toRecord(rows[0]);
  }

  async get(operationId: string): Promise<OperationRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM operations WHERE operation_id = $1`, [operationId]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The operations among `operationIds` that exist, in the order of `operationIds`. */
  async getMany(operationIds: readonly string[]): Promise<OperationRecord[]> {
    if (!operationIds.length) return [];
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM operations JOIN unnest($1::uuid[]) WITH ORDINALITY AS wanted (id, position) ON operation_id = wanted.id ORDER BY wanted.position`,
      [operationIds],
    );
    return rows.map(toRecord);
  }

  async update(operationId: string, changes: Pick<OperationRecord, 'name' | 'operatorConfiguration'>): Promise<OperationRecord | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE operations SET name = $2, operator_configuration = $3, updated_at = now() WHERE operation_id = $1 RETURNING ${COLUMNS}`,
      [operationId, changes.name, JSON.stringify(changes.operatorConfiguration)],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async deleteIfUnused(operationId: string): Promise<void> {
    await this.pool.query(
      'DELETE FROM operations WHERE operation_id = $1 AND NOT EXISTS (SELECT 1 FROM connections WHERE operation_ids @> ARRAY[$1::uuid])',
      [operationId],
    );
  }

  /** Deletes the operation and takes its id out of every connection's operation_ids, at once. */
  async delete(operationId: string): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      await client.query(
        `UPDATE connections SET operation_ids = array_remove(operation_ids, $1::uuid), updated_at = now() WHERE operation_ids @> ARRAY[$1::uuid]`,
        [operationId],
      );
      const { rowCount } = await client.query('DELETE FROM operations WHERE operation_id = $1', [operationId]);
      return (rowCount ?? 0) > 0;
    });
  }
}
