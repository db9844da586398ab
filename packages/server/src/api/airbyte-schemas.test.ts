// Every operation the guide, Airbyte's web UI and its Terraform provider call, answered by a
// real server (real database, a worker running the syncs), and each answer validated against
// Airbyte's own Config API schemas (vendored: test/airbyte-schemas/config-api.yaml), not only
// against our openapi.yaml. A failure names the operation, the Airbyte schema and the field.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAjv, schemaErrorsToDetails } from '@platform/json-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApi, type ApiResponse, type TestApi } from '../testing/api-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID, useTestConnectors } from '../testing/fake-connectors';
import { quietLog } from '../testing/platform-harness';
import { Worker } from '../worker/worker';

const AIRBYTE_SCHEMAS = fileURLToPath(new URL('../../test/airbyte-schemas/config-api.yaml', import.meta.url));
const DOCUMENT_ID = 'airbyte-config-api.yaml';

const ajv = createAjv();
// `format: set` is an OpenAPI generator hint (a Java Set), not a JSON Schema format.
ajv.addFormat('set', true);
ajv.addSchema(parse(readFileSync(AIRBYTE_SCHEMAS, 'utf8')), DOCUMENT_ID);

/** "sources/get → SourceRead: sourceName is required" for each problem; [] when the body validates. */
function airbyteMismatches(operation: string, schema: string, res: ApiResponse): string[] {
  if (res.status !== 200) return [`${operation}: answered ${res.status} ${JSON.stringify(res.body)}`];
  const validate = ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${schema}`);
  if (!validate) throw new Error(`${schema} is not in the vendored Airbyte schemas`);
  if (validate(res.body)) return [];
  return schemaErrorsToDetails(validate.errors ?? []).map((d) => `${operation} → ${schema}: ${d.path} ${d.message}`);
}

let api: TestApi;
let worker: Worker;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airbyte-schemas-'));
  api = await startTestApi({ connectorDefinitions: useTestConnectors() });
  worker = new Worker({ workerId: 'airbyte-schemas-worker', jobStore: api.jobStore, configStore: api.configStore, log: quietLog, pollIntervalMs: 100, heartbeatIntervalMs: 300, killGraceMs: 3000 });
  worker.start();
});
afterAll(async () => {
  await worker?.stop(0);
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitForEnd(jobId: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const status = (await api.post('jobs/get_light', { id: jobId })).body.job.status;
    if (['succeeded', 'failed', 'cancelled'].includes(status)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} never ended`);
}

describe("responses against Airbyte's own Config API schemas", () => {
  it('validates every operation of the guide, the web UI and the Terraform provider', async () => {
    const mismatches: string[] = [];
    const check = async (operation: string, schema: string, body?: unknown) => {
      const res = await api.post(operation, body);
      mismatches.push(...airbyteMismatches(operation, schema, res));
      return res.body;
    };

    const health = await fetch(`${api.url}/api/v1/health`);
    mismatches.push(...airbyteMismatches('health', 'HealthCheckRead', { status: health.status, body: await health.json() }));

    const { workspaceId } = (await check('workspaces/list', 'WorkspaceReadList')).workspaces[0];
    const workspace = await check('workspaces/get', 'WorkspaceRead', { workspaceId });
    await check('workspaces/get_by_slug', 'WorkspaceRead', { slug: workspace.slug });
    await check('workspaces/update', 'WorkspaceRead', { workspaceId, email: 'data@example.com', news: false });
    await check('workspaces/create', 'WorkspaceRead', { name: 'Second', email: 'second@example.com' });

    await check('source_definitions/list', 'SourceDefinitionReadList');
    await check('source_definitions/list_for_workspace', 'SourceDefinitionReadList', { workspaceId });
    await check('source_definitions/get', 'SourceDefinitionRead', { sourceDefinitionId: FAKE_SOURCE_ID });
    await check('source_definition_specifications/get', 'SourceDefinitionSpecificationRead', { sourceDefinitionId: FAKE_SOURCE_ID, workspaceId });
    await check('destination_definitions/list', 'DestinationDefinitionReadList');
    await check('destination_definitions/list_for_workspace', 'DestinationDefinitionReadList', { workspaceId });
    await check('destination_definitions/get', 'DestinationDefinitionRead', { destinationDefinitionId: FAKE_DESTINATION_ID });
    await check('destination_definition_specifications/get', 'DestinationDefinitionSpecificationRead', { destinationDefinitionId: FAKE_DESTINATION_ID, workspaceId });

    const { sourceId } = await check('sources/create', 'SourceRead', {
      workspaceId,
      sourceDefinitionId: FAKE_SOURCE_ID,
      name: 'Fake',
      connectionConfiguration: { api_key: 'schema-secret', records: 30, batch_size: 10, state_every: 10 },
    });
    await check('sources/get', 'SourceRead', { sourceId });
    await check('sources/list', 'SourceReadList', { workspaceId });
    await check('sources/update', 'SourceRead', { sourceId, name: 'Fake source', connectionConfiguration: { api_key: 'schema-secret', records: 30, batch_size: 10, state_every: 10 } });
    await check('sources/partial_update', 'SourceRead', { sourceId, name: 'Fake' });
    await check('sources/check_connection', 'CheckConnectionRead', { sourceId });
    const discovered = await check('sources/discover_schema', 'SourceDiscoverSchemaRead', { sourceId });

    const { destinationId } = await check('destinations/create', 'DestinationRead', {
      workspaceId,
      destinationDefinitionId: FAKE_DESTINATION_ID,
      name: 'Files',
      connectionConfiguration: { directory: dir },
    });
    await check('destinations/get', 'DestinationRead', { destinationId });
    await check('destinations/list', 'DestinationReadList', { workspaceId });
    await check('destinations/update', 'DestinationRead', { destinationId, name: 'Files', connectionConfiguration: { directory: dir } });
    await check('destinations/partial_update', 'DestinationRead', { destinationId, name: 'Files' });
    await check('destinations/check_connection', 'CheckConnectionRead', { destinationId });

    const operation = await check('operations/create', 'OperationRead', { workspaceId, name: 'Normalization', operatorConfiguration: { operatorType: 'normalization' } });
    await check('operations/get', 'OperationRead', { operationId: operation.operationId });
    await check('operations/update', 'OperationRead', {
      operationId: operation.operationId,
      name: 'dbt Cloud job',
      operatorConfiguration: { operatorType: 'webhook', webhook: { webhookType: 'dbtCloud', dbtCloud: { accountId: 1, jobId: 2 } } },
    });
    await check('operations/check', 'CheckOperationRead', { operatorType: 'normalization' });

    const customers = discovered.catalog.streams.find((s: { stream: { name: string } }) => s.stream.name === 'customers');
    const syncCatalog = { streams: [{ stream: customers.stream, config: { ...customers.config, syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['updated_at'], selected: true } }] };
    const { connectionId } = await check('connections/create', 'ConnectionRead', {
      sourceId,
      destinationId,
      syncCatalog,
      sourceCatalogId: discovered.catalogId,
      scheduleType: 'manual',
      status: 'active',
      operationIds: [operation.operationId],
    });
    await check('connections/get', 'ConnectionRead', { connectionId });
    await check('connections/list', 'ConnectionReadList', { workspaceId });
    await check('connections/update', 'ConnectionRead', { connectionId, scheduleType: 'cron', scheduleData: { cron: { cronExpression: '0 0 12 * * ?', cronTimeZone: 'UTC' } } });
    await check('operations/list', 'OperationReadList', { connectionId });

    const sync = await check('connections/sync', 'JobInfoRead', { connectionId });
    await waitForEnd(sync.job.id);
    await check('connections/status', 'ConnectionStatusesRead', { connectionIds: [connectionId] });
    await check('jobs/list', 'JobReadList', { configTypes: ['sync', 'reset_connection'], configId: connectionId });
    await check('jobs/get', 'JobInfoRead', { id: sync.job.id });
    await check('jobs/get_light', 'JobInfoLightRead', { id: sync.job.id });
    await check('jobs/get_debug_info', 'JobDebugInfoRead', { id: sync.job.id });
    await check('attempt/get_for_job', 'AttemptInfoRead', { jobId: sync.job.id, attemptNumber: 0 });
    const state = await check('state/get', 'ConnectionState', { connectionId });
    await check('state/create_or_update', 'ConnectionState', { connectionId, connectionState: state });
    // A stream without a namespace (source-file's, a CDC source's shared state) and a global state.
    const globalState = { stateType: 'global', connectionId, globalState: { shared_state: { lsn: 42 }, streamStates: [{ streamDescriptor: { name: 'files' }, streamState: { cursor: 'b' } }] } };
    await check('state/create_or_update', 'ConnectionState', { connectionId, connectionState: globalState });
    await check('state/get', 'ConnectionState', { connectionId });
    await check('state/create_or_update', 'ConnectionState', { connectionId, connectionState: state });
    await check('web_backend/state/get_type', 'ConnectionStateType', { connectionId });

    await check('web_backend/connections/list', 'WebBackendConnectionReadList', { workspaceId });
    await check('web_backend/connections/get', 'WebBackendConnectionRead', { connectionId });
    await check('web_backend/connections/update', 'WebBackendConnectionRead', { connectionId, name: 'Renamed', skipReset: true });
    await check('web_backend/connections/create', 'WebBackendConnectionRead', {
      sourceId,
      destinationId,
      syncCatalog,
      status: 'inactive',
      operations: [{ workspaceId, name: 'Normalization', operatorConfiguration: { operatorType: 'normalization' } }],
    });
    await check('web_backend/describe_cron_expression', 'WebBackendCronExpressionDescription', { cronExpression: '0 0 12 * * ?', cronTimeZone: 'UTC' });

    // With the worker stopped the reset stays pending, so there is a job to cancel.
    await worker.stop(0);
    const reset = await check('connections/reset', 'JobInfoRead', { connectionId });
    await check('jobs/cancel', 'JobInfoRead', { id: reset.job.id });

    expect(mismatches).toEqual([]);
  });
});
