// Issue 11, points 3 and 4: the built-in "REST API (declarative)" source runs the guide's REST
// API example (config/manifests/guide-rest-api.yaml) with airbyte-cdk's
// source-declarative-manifest against a local HTTP server of ours that paginates (cursor and
// page number), rate-limits once (429 + Retry-After) and fails once (500). Through the Config
// API: spec, check, discover, then two syncs to destination-s3 on a real SeaweedFS; the lake
// holds exactly the rows the server served, row by row, and the second sync asks only for rows
// newer than the state the first committed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { declarativeScriptPath, findDefinition, SECRET_MASK } from '@platform/connectors';
import { startRestApiServer, type RestApiServer, type RestCustomer, type RestOrder } from '@platform/connectors/testing';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api/http-server';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { jsonApi } from '../testing/json-api';

const MANIFEST_FILE = join(import.meta.dirname, '../../../../config/manifests/guide-rest-api.yaml');
const DEFINITION_ID = findDefinition('source-declarative-manifest')!.id;

const customers: RestCustomer[] = [
  { id: 1, name: 'Анна Иванова', email: 'anna@example.com', updated_at: '2024-02-01T09:00:00Z' },
  { id: 2, name: "O'Brien, \"Pat\"", email: null, updated_at: '2024-02-02T09:00:00Z' },
  { id: 3, name: null, email: 'nobody@example.com', updated_at: '2024-02-03T09:00:00Z' },
  { id: 4, name: '李雷', email: 'li@example.com', updated_at: '2024-02-04T09:00:00Z' },
  { id: 5, name: 'tab\tand\nnewline', email: 'x@example.com', updated_at: '2024-02-05T09:00:00Z' },
  { id: 6, name: 'Zoë', email: 'zoe@example.com', updated_at: '2024-02-06T09:00:00Z' },
  { id: 7, name: '', email: 'empty@example.com', updated_at: '2024-02-07T09:00:00Z' },
  { id: 8, name: 'Last', email: 'last@example.com', updated_at: '2024-02-08T09:00:00Z' },
];
const orders: RestOrder[] = Array.from({ length: 11 }, (_, i) => ({
  id: 100 + i,
  customer_id: (i % 8) + 1,
  amount: [0, 0.1, 19.99, 1234567.89, -5.5, 1e-7, 42][i % 7],
  status: i % 3 === 0 ? null : ['new', 'paid', 'shipped'][i % 3],
  created_at: `2024-03-${String(i + 1).padStart(2, '0')}T12:30:00Z`,
}));
// What the second sync must fetch: newer rows only (customer 2 changed, one new customer, two new orders).
const newer = {
  customers: [
    { id: 2, name: 'Pat O’Brien (renamed)', email: 'pat@example.com', updated_at: '2024-04-01T08:00:00Z' },
    { id: 9, name: 'Newcomer', email: 'new@example.com', updated_at: '2024-04-02T08:00:00Z' },
  ] as RestCustomer[],
  orders: [
    { id: 200, customer_id: 9, amount: 7.25, status: 'new', created_at: '2024-04-03T08:00:00Z' },
    { id: 201, customer_id: 2, amount: 99.5, status: 'paid', created_at: '2024-04-04T08:00:00Z' },
  ] as RestOrder[],
};

let platform: TestPlatform;
let lake: TestLake;
let api: ApiServer;
let apiUrl: string;
const { ok, post, syncToSuccess } = jsonApi(() => apiUrl);
const sync = (connectionId: string) => syncToSuccess(platform, connectionId);
let rest: RestApiServer;

beforeAll(async () => {
  // Never skipped: without the low-code CDK this suite fails, saying how to install it.
  if (!declarativeScriptPath()) throw new Error('airbyte-cdk is not installed in .tools/airbyte-cdk: run scripts/bootstrap.sh (or scripts/install-declarative-cdk.sh)');
  rest = await startRestApiServer({ customers: customers.map((c) => ({ ...c })), orders: orders.map((o) => ({ ...o })) });
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  platform.startWorker({ tmpDir: join(platform.dir, 'tmp') });
  api = createApiServer(platform.services, { port: await freePort(), validateResponses: true });
  apiUrl = await api.listen();
}, 120_000);
afterAll(async () => {
  await api?.close();
  await lake?.stop();
  await platform?.stop();
  await rest?.close();
});

const customerRow = (c: RestCustomer) => ({ id: c.id, name: c.name, email: c.email, updated_at: c.updated_at });
const orderRow = (o: RestOrder) => ({ id: o.id, customer_id: o.customer_id, amount: o.amount, status: o.status, created_at: o.created_at });
const byIdThenTime = (a: { id: number }, b: { id: number }) => a.id - b.id;

/** Every row of a stream in the lake, as the server's JSON shaped it. */
async function lakeRows(stream: 'customers' | 'orders') {
  const time = stream === 'customers' ? 'updated_at' : 'created_at';
  const columns = stream === 'customers' ? 'id::INTEGER AS id, name, email' : 'id::INTEGER AS id, customer_id::INTEGER AS customer_id, amount::DOUBLE AS amount, status';
  const rows = await lake.query(`rest/${stream}`, `SELECT ${columns}, strftime(${time}::TIMESTAMP, '%Y-%m-%dT%H:%M:%SZ') AS ${time} FROM lake ORDER BY id, ${time}`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

describe('the built-in REST API (declarative) source on the guide manifest', () => {
  let manifest: string;
  let sourceId: string;

  it('is listed with its spec, and refuses a manifest that does not parse or misses its own fields, naming the field', async () => {
    manifest = await readFile(MANIFEST_FILE, 'utf8');
    const listed = await ok('source_definitions/list', {});
    expect(listed.sourceDefinitions.find((d: any) => d.sourceDefinitionId === DEFINITION_ID)).toMatchObject({ name: 'REST API (declarative)', dockerRepository: 'airbyte/source-declarative-manifest' });
    const spec = await ok('source_definition_specifications/get', { sourceDefinitionId: DEFINITION_ID });
    expect(spec.connectionSpecification.required).toEqual(['manifest']);

    const broken = await post('sources/create', { sourceDefinitionId: DEFINITION_ID, name: 'x', connectionConfiguration: { manifest: 'streams: [unclosed' } });
    expect(broken.status).toBe(422);
    expect(JSON.stringify(broken.body)).toContain('connectionConfiguration.manifest');
    const noToken = await post('sources/create', { sourceDefinitionId: DEFINITION_ID, name: 'x', connectionConfiguration: { manifest, base_url: rest.baseUrl, start_date: '2024-01-01T00:00:00Z' } });
    expect(noToken.status).toBe(422);
    expect(JSON.stringify(noToken.body)).toContain('api_token');
  });

  it('checks and discovers through the Config API; the token (secret in the manifest) is masked', async () => {
    const source = await ok('sources/create', {
      sourceDefinitionId: DEFINITION_ID,
      name: 'External API',
      connectionConfiguration: { manifest, base_url: rest.baseUrl, api_token: rest.token, start_date: '2024-01-01T00:00:00Z' },
    });
    sourceId = source.sourceId;
    expect(source.connectionConfiguration.api_token).toBe(SECRET_MASK);
    expect(JSON.stringify(await ok('sources/get', { sourceId }))).not.toContain(rest.token);

    expect(await ok('sources/check_connection', { sourceId })).toMatchObject({ status: 'succeeded' });
    const wrong = await ok('scheduler/sources/check_connection', { sourceDefinitionId: DEFINITION_ID, connectionConfiguration: { manifest, base_url: rest.baseUrl, api_token: 'wrong-token', start_date: '2024-01-01T00:00:00Z' } });
    expect(wrong.status).toBe('failed');
    expect(wrong.message).not.toContain('wrong-token');

    const discovered = await ok('sources/discover_schema', { sourceId });
    expect(discovered.catalog.streams.map((s: any) => s.stream.name).sort()).toEqual(['customers', 'orders']);
  }, 120_000);

  it('syncs customers and orders to S3 row by row, and the second sync fetches only rows newer than the state', async () => {
    const discovered = await ok('sources/discover_schema', { sourceId });
    const destination = await ok('destinations/create', {
      destinationDefinitionId: findDefinition('destination-s3')!.id,
      connectionConfiguration: { ...lake.destinationConfig('rest'), s3_path_format: '${STREAM_NAME}/${EPOCH}_' },
      name: 'lake',
    });
    const cursor: Record<string, string> = { customers: 'updated_at', orders: 'created_at' };
    const syncCatalog = {
      streams: discovered.catalog.streams.map((s: any) => ({
        stream: s.stream,
        config: { ...s.config, selected: true, syncMode: 'incremental', destinationSyncMode: 'append', cursorField: [cursor[s.stream.name]] },
      })),
    };
    const connection = await ok('connections/create', { sourceId, destinationId: destination.destinationId, syncCatalog, status: 'active', name: 'rest → lake' });

    // check_connection read a page already: count from here.
    rest.served.customers.length = 0;
    rest.served.orders.length = 0;
    const first = await sync(connection.connectionId);
    // Every row the server has, each served once although a page was rate-limited and another failed.
    expect(rest.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(rest.requests.filter((r) => r.status === 500)).toHaveLength(1);
    expect(rest.served.customers.map((c) => c.id).sort(byId)).toEqual(customers.map((c) => c.id));
    expect(rest.served.orders.map((o) => o.id).sort(byId)).toEqual(orders.map((o) => o.id));
    expect(await lakeRows('customers')).toEqual(customers.map(customerRow));
    expect(await lakeRows('orders')).toEqual(orders.map(orderRow));
    const emitted = Object.fromEntries(first.attempts[0].attempt.streamStats.map((s: any) => [s.streamName, s.stats.recordsEmitted]));
    expect(emitted).toEqual({ customers: customers.length, orders: orders.length });

    const state = await ok('state/get', { connectionId: connection.connectionId });
    const states = Object.fromEntries(state.streamState.map((s: any) => [s.streamDescriptor.name, s.streamState]));
    expect(states).toEqual({ customers: { updated_at: '2024-02-08T09:00:00Z' }, orders: { created_at: '2024-03-11T12:30:00Z' } });

    // New and changed rows appear; the second sync asks from the committed state, not from start_date.
    const customer2 = rest.customers.find((c) => c.id === 2)!;
    Object.assign(customer2, newer.customers[0]);
    rest.customers.push({ ...newer.customers[1] });
    rest.orders.push(...newer.orders.map((o) => ({ ...o })));
    rest.served.customers.length = 0;
    rest.served.orders.length = 0;
    const before = rest.requests.length;
    rest.rearmFaults();

    const second = await sync(connection.connectionId);
    const asked = rest.requests.slice(before).filter((r) => r.status === 200);
    expect(new Set(asked.filter((r) => r.path === '/v1/customers').map((r) => r.query.start_date))).toEqual(new Set(['2024-02-08T09:00:00Z']));
    expect(new Set(asked.filter((r) => r.path === '/v1/orders').map((r) => r.query.start_date))).toEqual(new Set(['2024-03-11T12:30:00Z']));
    expect(rest.served.customers).toEqual(newer.customers);
    expect(rest.served.orders).toEqual(newer.orders);
    const emittedAgain = Object.fromEntries(second.attempts[0].attempt.streamStats.map((s: any) => [s.streamName, s.stats.recordsEmitted]));
    expect(emittedAgain).toEqual({ customers: 2, orders: 2 });

    // Append: the first sync's rows stay, the newer ones are added (customer 2 in both versions).
    expect(await lakeRows('customers')).toEqual([...customers, ...newer.customers].map(customerRow).sort(byIdThenTime));
    expect(await lakeRows('orders')).toEqual([...orders, ...newer.orders].map(orderRow));
    const stateAfter = await ok('state/get', { connectionId: connection.connectionId });
    expect(Object.fromEntries(stateAfter.streamState.map((s: any) => [s.streamDescriptor.name, s.streamState]))).toEqual({
      customers: { updated_at: '2024-04-02T08:00:00Z' },
      orders: { created_at: '2024-04-04T08:00:00Z' },
    });
  }, 600_000);
});

const byId = (a: number, b: number) => a - b;
