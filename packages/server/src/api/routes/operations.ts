// operations/*: Airbyte's operations as records linked to connections (none is executed here).
import type { ApiSchemas } from '../../schemas/api-schemas';
import { toOperationRead } from '../presenters/operations';
import type { RouteModule } from '../route';

export const operationRoutes: RouteModule = {
  async 'operations/create'(body: ApiSchemas['OperationCreate'], { services }) {
    return toOperationRead(await services.operations.create(body));
  },
  async 'operations/update'(body: ApiSchemas['OperationUpdate'], { services }) {
    return toOperationRead(await services.operations.update(body));
  },
  async 'operations/get'(body: ApiSchemas['OperationIdRequestBody'], { services }) {
    return toOperationRead(await services.operations.get(body.operationId));
  },
  async 'operations/list'(body: ApiSchemas['ConnectionIdRequestBody'], { services }): Promise<ApiSchemas['OperationReadList']> {
    return { operations: (await services.operations.listForConnection(body.connectionId)).map(toOperationRead) };
  },
  async 'operations/delete'(body: ApiSchemas['OperationIdRequestBody'], { services }) {
    await services.operations.delete(body.operationId);
  },
  async 'operations/check'(body: ApiSchemas['OperatorConfiguration'], { services }): Promise<ApiSchemas['CheckOperationRead']> {
    return services.operations.check(body);
  },
};
