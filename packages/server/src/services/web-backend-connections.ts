// Airbyte's web_backend/connections/create|update: a connection and its operations in one
// request, and (update) the reset of streams whose sync settings changed unless the client
// says skipReset. Everything a request could refuse is checked before anything is written.
import type { ApiSchemas } from '../schemas/api-schemas';
import { InvalidInputError, invalidField, type InvalidInputDetail } from '../shared/errors';
import type { ConnectionRecord } from '../store/config-store';
import { streamsToResetAfterChange } from './catalog';
import { operatorProblems } from './operations';
import type { PlatformServices } from './platform-services';

type Services = Pick<PlatformServices, 'actors' | 'connections' | 'operations' | 'jobs'>;
type OperationInput = { operationId?: string; workspaceId?: string; name: string; operatorConfiguration: ApiSchemas['OperatorConfiguration'] };

/** Refuses operations that belong elsewhere or lack what their operatorType needs, naming `operations[i]`. */
function checkOperations(operations: OperationInput[], workspaceId: string, ownIds: readonly string[]): void {
  const problems: InvalidInputDetail[] = operations.flatMap((o, i) => [
    ...(o.workspaceId && o.workspaceId !== workspaceId ? [{ path: `operations[${i}].workspaceId`, message: "must be the connection's workspace" }] : []),
    ...(o.operationId && !ownIds.includes(o.operationId) ? [{ path: `operations[${i}].operationId`, message: `operation ${o.operationId} is not an operation of this connection` }] : []),
    ...operatorProblems(o.operatorConfiguration, `operations[${i}].operatorConfiguration`),
  ]);
  if (problems.length) throw new InvalidInputError(`${problems[0].path}: ${problems[0].message}`, problems);
}

export async function createConnectionWithOperations(services: Services, body: ApiSchemas['WebBackendConnectionCreate']): Promise<ConnectionRecord> {
  const { operations = [], ...connection } = body;
  const source = await services.actors.get('source', body.sourceId);
  checkOperations(operations, source.workspaceId, []);
  const created = await services.connections.create(connection);
  if (!operations.length) return created;
  const operationIds = [...created.operationIds];
  for (const o of operations) operationIds.push((await services.operations.create({ ...o, workspaceId: created.workspaceId })).operationId);
  return services.connections.update({ connectionId: created.connectionId, operationIds });
}

/** Patches the connection, replaces its operations when given, then resets the streams whose settings changed unless skipReset. */
export async function updateConnectionWithOperations(
  services: Services,
  body: ApiSchemas['WebBackendConnectionUpdate'],
): Promise<ConnectionRecord> {
  const { operations, skipReset, ...changes } = body;
  if (operations && changes.operationIds) throw invalidField('operationIds', 'give operations or operationIds, not both');
  const current = await services.connections.get(body.connectionId);
  if (operations) checkOperations(operations, current.workspaceId, current.operationIds);

  let updated = await services.connections.update(changes);
  if (operations) {
    const kept: string[] = [];
    for (const o of operations) {
      const { operationId, name, operatorConfiguration } = o;
      kept.push(operationId ? (await services.operations.update({ operationId, name, operatorConfiguration })).operationId : (await services.operations.create({ name, operatorConfiguration, workspaceId: current.workspaceId })).operationId);
    }
    updated = await services.connections.update({ connectionId: current.connectionId, operationIds: kept });
    // As Airbyte: an operation the request no longer lists is deleted, unless another connection runs it.
    for (const dropped of current.operationIds.filter((id) => !kept.includes(id))) await services.operations.deleteIfUnused(dropped);
  }
  const streams = skipReset ? [] : streamsToResetAfterChange(current.syncCatalog, updated.syncCatalog);
  if (streams.length) await services.jobs.reset(current.connectionId, streams);
  return updated;
}
