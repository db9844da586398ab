// Operation records → the API's OperationRead.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { OperationRecord } from '../../store/operation-store';

export function toOperationRead(o: OperationRecord): ApiSchemas['OperationRead'] {
  return { workspaceId: o.workspaceId, operationId: o.operationId, name: o.name, operatorConfiguration: o.operatorConfiguration };
}
