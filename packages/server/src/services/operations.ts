// Operations (Airbyte's operations/*): named operator configurations of a workspace that
// connections name in operationIds. They are recorded and returned, never executed: the
// platform's destination-postgres normalizes by its own `normalization: basic` setting, and
// dbt and webhook operations are stored only (README, "Config API").
import { InvalidInputError, NotFoundError, type InvalidInputDetail } from '../shared/errors';
import type { ConfigStore } from '../store/config-store';
import type { OperationRecord, OperatorConfiguration } from '../store/operation-store';
import type { ConnectionService } from './connections';
import type { WorkspaceService } from './workspaces';

const NOT_EXECUTED_NOTE = 'Recorded, not run: dbt and webhook operations are stored but not executed by this platform';
const NORMALIZATION_NOTE = "Recorded, not run: normalization is done by destination-postgres's own Basic mode (its normalization setting)";

/** What the configuration lacks for its operatorType, each problem under `prefix`. */
export function operatorProblems(config: OperatorConfiguration, prefix: string): InvalidInputDetail[] {
  switch (config.operatorType) {
    case 'normalization':
      return [];
    case 'dbt':
      return config.dbt?.gitRepoUrl ? [] : [{ path: `${prefix}.dbt.gitRepoUrl`, message: 'is required for operatorType dbt' }];
    case 'webhook':
      return config.webhook?.dbtCloud || config.webhook?.executionUrl
        ? []
        : [{ path: `${prefix}.webhook`, message: 'needs dbtCloud (accountId, jobId) or executionUrl for operatorType webhook' }];
  }
}

function checkedConfiguration(config: OperatorConfiguration, prefix = 'operatorConfiguration'): OperatorConfiguration {
  const problems = operatorProblems(config, prefix);
  if (problems.length) throw new InvalidInputError(`${problems[0].path}: ${problems[0].message}`, problems);
  return config;
}

export class OperationService {
  constructor(
    private readonly store: ConfigStore,
    private readonly workspaces: WorkspaceService,
    private readonly connections: ConnectionService,
  ) {}

  async create(input: { workspaceId?: string; name: string; operatorConfiguration: OperatorConfiguration }): Promise<OperationRecord> {
    const workspace = await this.workspaces.resolve(input.workspaceId);
    return this.store.operations.create({ workspaceId: workspace.workspaceId, name: input.name, operatorConfiguration: checkedConfiguration(input.operatorConfiguration) });
  }

  async get(operationId: string): Promise<OperationRecord> {
    const operation = await this.store.operations.get(operationId);
    if (!operation) throw new NotFoundError('operation', operationId);
    return operation;
  }

  async update(input: { operationId: string; name: string; operatorConfiguration: OperatorConfiguration }): Promise<OperationRecord> {
    const updated = await this.store.operations.update(input.operationId, { name: input.name, operatorConfiguration: checkedConfiguration(input.operatorConfiguration) });
    if (!updated) throw new NotFoundError('operation', input.operationId);
    return updated;
  }

  async delete(operationId: string): Promise<void> {
    if (!(await this.store.operations.delete(operationId))) throw new NotFoundError('operation', operationId);
  }

  /** Deletes the operation when no connection names it any more. */
  async deleteIfUnused(operationId: string): Promise<void> {
    await this.store.operations.deleteIfUnused(operationId);
  }

  /** The connection's operations, in its operationIds order. */
  async listForConnection(connectionId: string): Promise<OperationRecord[]> {
    const connection = await this.connections.get(connectionId);
    return this.store.operations.getMany(connection.operationIds);
  }

  /** Airbyte's operations/check: is the configuration complete for its type (nothing is run). */
  check(config: OperatorConfiguration): { status: 'succeeded' | 'failed'; message: string } {
    const problems = operatorProblems(config, 'operatorConfiguration');
    if (problems.length) return { status: 'failed', message: problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
    return { status: 'succeeded', message: config.operatorType === 'normalization' ? NORMALIZATION_NOTE : NOT_EXECUTED_NOTE };
  }
}
