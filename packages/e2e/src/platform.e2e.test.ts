// The platform end to end, as a user runs it: `platform up` (a real detached supervisor
// with embedded Postgres, SeaweedFS, the server and a worker) on free ports in a temp state
// folder, seeded with config/seeds/default.yaml; syncs of "PostgreSQL → MinIO" checked row
// by row against the source; the guide's curl and Python snippets; `down` + `up` keeping
// data and history; Airbyte's own connector code (a declarative manifest run by airbyte-cdk, a
// PyPI connector) registered through the Config API and synced twice. Everything is torn down
// at the end, also on failure.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { DremioClient, type Field } from '@platform/lake-query/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findConnection, jobProgress, startSync, unwrap, waitForJob, type Schemas } from '@platform/api-client';
import { connectPlatform, type PlatformHandle } from '@platform/launcher';
import { freePorts } from '@platform/services';
import { canonical } from './canonical';
import { platformCli, tearDownPlatform } from './cli';
import { AIRBYTE_COLUMNS, DEMO_CONNECTION as CONNECTION, LAKE_PREFIX, lakeRecords, lakeRows as demoLakeRows, parquetRows, sourceRecords as demoSourceRecords, STREAMS, type Stream } from './demo-lake';
import { lakeClient } from './lake';
import { withSourceDb } from './source-db';
import { startRestApiServer } from '@platform/connectors/testing';

const run = promisify(execFile);
/** The seed's second connection: the same source into analytics_db with Basic normalization. */
const ANALYTICS_CONNECTION = 'PostgreSQL → PostgreSQL';
const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

let stateDir: string;
let flags: string[];
let platform: PlatformHandle;
let s3: S3Client;
let sourceDbUrl: string;
let connectionId: string;

async function up(): Promise<void> {
  const result = await platformCli(['up', ...flags]);
  expect(result.code, `platform up failed:\n${result.stderr}\n${result.stdout}`).toBe(0);
  platform = connectPlatform({ stateDir })!;
  expect(platform).toBeDefined();
  s3?.destroy();
  s3 = lakeClient(platform);
}

const lakeRows = (stream: Stream) => demoLakeRows(s3, platform.s3.bucket, stream);
const sourceRecords = (stream: Stream) => demoSourceRecords(sourceDbUrl, stream);

/** Rows from the query service's REST API keyed like lakeRecords; its TIMESTAMPs are UTC wall-clock strings. */
function restRecords(rows: Record<string, unknown>[], schema: Field[], stream: Stream): Map<unknown, unknown> {
  const timestamps = schema.filter((f) => f.type.name === 'TIMESTAMP').map((f) => f.name);
  const utc = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, timestamps.includes(k) && typeof v === 'string' ? `${v.replace(' ', 'T')}Z` : v])));
  return lakeRecords(utc, stream);
}

function pick(row: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}

function dremioClient(): Promise<DremioClient> {
  return DremioClient.login(platform.run.query.url, platform.run.query.user, platform.run.query.password);
}


async function syncThroughApi(): Promise<Schemas['JobInfoRead']> {
  const started = await startSync(platform.client, connectionId);
  const done = await waitForJob(platform.client, started.job.id, { timeoutMs: 240_000 });
  expect(done.job.status, JSON.stringify(done.attempts.at(-1)?.attempt.failureSummary)).toBe('succeeded');
  return done;
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'platform-e2e-'));
  chmodSync(stateDir, 0o755); // Postgres runs as the `postgres` user when we are root
  const [api, postgres, s3Port, webapp, query, queryPg] = await freePorts(6);
  flags = ['--state-dir', stateDir, '--api-port', String(api), '--postgres-port', String(postgres), '--s3-port', String(s3Port), '--webapp-port', String(webapp), '--query-port', String(query), '--query-pg-port', String(queryPg)];
  await up();
  sourceDbUrl = platform.postgres.connectionUrl('source_db');
  connectionId = (await findConnection(platform.client, CONNECTION)).connectionId;
});

afterAll(async () => {
  s3?.destroy();
  if (stateDir) await tearDownPlatform(stateDir, flags);
});

describe.sequential('the platform, end to end', () => {
  test('`platform status` lists every service as healthy, with its port and PID', async () => {
    const status = await platformCli(['status', ...flags]);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    for (const service of platform.run.services) {
      const line = status.stdout.split('\n').find((l) => l.startsWith(`${service.name} `));
      expect(line, status.stdout).toBeDefined();
      expect(line).toMatch(service.name === 'worker' ? /running/ : /healthy/);
      expect(line).toContain(String(service.pid));
      if (service.port) expect(line).toContain(String(service.port));
    }
    expect(platform.run.services.map((s) => s.name)).toEqual(['postgres', 's3', 'server', 'worker', 'query', 'webapp']);
  });

  test('`platform status` shows a CDC source’s replication slot: the WAL it retains and its lag', async () => {
    const [seeded] = (await unwrap('sources/list', platform.client.POST('/v1/sources/list', { body: {} }))).sources;
    const server = new URL(sourceDbUrl);
    const password = `cdc-${randomBytes(8).toString('hex')}`;
    await withSourceDb(sourceDbUrl, async (db) => {
      await db.query(`CREATE ROLE e2e_cdc LOGIN REPLICATION PASSWORD '${password}'`);
      await db.query('GRANT SELECT ON ALL TABLES IN SCHEMA public TO e2e_cdc');
      await db.query('CREATE PUBLICATION e2e_status_pub FOR TABLE customers');
      await db.query("SELECT pg_create_logical_replication_slot('e2e_status_slot', 'pgoutput')");
    });
    const connectionConfiguration = {
      host: server.hostname,
      port: Number(server.port),
      database: 'source_db',
      username: 'e2e_cdc',
      password,
      schemas: ['public'],
      ssl_mode: { mode: 'disable' },
      replication_method: { method: 'CDC', plugin: 'pgoutput', replication_slot: 'e2e_status_slot', publication: 'e2e_status_pub', initial_waiting_seconds: 120 },
    };
    const source = await unwrap(
      'sources/create',
      platform.client.POST('/v1/sources/create', { body: { workspaceId: seeded.workspaceId, sourceDefinitionId: seeded.sourceDefinitionId, name: 'CDC status', connectionConfiguration } }),
    );
    try {
      const status = await platformCli(['status', ...flags]);
      expect(status.stdout).toMatch(/CDC sources \(replication slot WAL\):\n {2}CDC status: ok: Replication slot "e2e_status_slot" retains \d+\.\d MB of WAL and is \d+\.\d MB behind/);
      expect(status.stdout).not.toContain(password);
    } finally {
      await unwrap('sources/delete', platform.client.POST('/v1/sources/delete', { body: { sourceId: source.sourceId } }));
      await withSourceDb(sourceDbUrl, async (db) => {
        await db.query("SELECT pg_drop_replication_slot('e2e_status_slot')");
        await db.query('DROP PUBLICATION e2e_status_pub');
        await db.query('DROP OWNED BY e2e_cdc');
        await db.query('DROP ROLE e2e_cdc');
      });
    }
  });

  test('`up` seeded the guide’s demo once; seeding again duplicates nothing', async () => {
    const reseed = await platformCli(['seed', ...flags]);
    expect(reseed.code, reseed.stderr).toBe(0);
    expect(reseed.stdout).not.toMatch(/^created/m);
    const { sources } = await unwrap('sources/list', platform.client.POST('/v1/sources/list', { body: {} }));
    const { destinations } = await unwrap('destinations/list', platform.client.POST('/v1/destinations/list', { body: {} }));
    const { connections } = await unwrap('connections/list', platform.client.POST('/v1/connections/list', { body: {} }));
    expect(sources.map((s) => s.name)).toEqual(['PostgreSQL']);
    expect(destinations.map((d) => d.name).sort()).toEqual(['MinIO S3', 'PostgreSQL']);
    expect(connections.map((c) => c.name).sort()).toEqual([CONNECTION, ANALYTICS_CONNECTION]);
    const demo = connections.find((c) => c.name === CONNECTION)!;
    expect([demo.name, demo.namespaceDefinition, demo.namespaceFormat]).toEqual([CONNECTION, 'customformat', 'production_${SOURCE_NAMESPACE}']);
    const selected = demo.syncCatalog.streams.filter((s) => s.config.selected).map((s) => [s.stream.name, s.config.syncMode, s.config.destinationSyncMode]);
    expect(selected.sort()).toEqual([
      ['customers', 'full_refresh', 'overwrite'],
      ['orders', 'incremental', 'append'],
      ['products', 'full_refresh', 'overwrite'],
    ]);
  });

  test('`platform sync` of an unknown connection fails and names the known ones', async () => {
    const sync = await platformCli(['sync', 'No Such Connection', ...flags]);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain('no connection named "No Such Connection" (known: ');
    for (const name of [CONNECTION, ANALYTICS_CONNECTION]) expect(sync.stderr).toContain(`"${name}"`);
  });

  test('`platform sync` of "PostgreSQL → PostgreSQL" fills analytics_db as the guide shows: raw and normalized tables, row by row', async () => {
    const sync = await platformCli(['sync', ANALYTICS_CONNECTION, ...flags]);
    expect(sync.code, sync.stderr).toBe(0);
    const query = (url: string, text: string) => withSourceDb(url, async (db) => (await db.query(text)).rows);
    const analytics = platform.postgres.connectionUrl('analytics_db');
    const columns = async (table: string) =>
      (await query(analytics, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY ordinal_position`)).map((r) => r.column_name);
    expect(await columns('_airbyte_raw_customers')).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte_data']);
    expect(await columns('customers')).toEqual(expect.arrayContaining(['id', 'name', 'contact_email', 'contact_phone', '_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte_normalized_at', '_airbyte_customers_hashid']));
    expect(await columns('customers_addresses')).toEqual(expect.arrayContaining(['_airbyte_customers_hashid', 'type', 'city']));
    // The guide's dbt model reads the raw table.
    expect(await query(analytics, `SELECT (_airbyte_data->>'id')::int AS customer_id, _airbyte_data->>'name' AS customer_name FROM _airbyte_raw_customers ORDER BY 1`)).toEqual(
      await query(sourceDbUrl, 'SELECT id AS customer_id, name AS customer_name FROM customers ORDER BY 1'),
    );
    expect(await query(analytics, 'SELECT id::text, name, contact_email, contact_phone, updated_at FROM customers ORDER BY customers.id')).toEqual(
      await query(sourceDbUrl, `SELECT id::text, name, contact->>'email' AS contact_email, contact->>'phone' AS contact_phone, updated_at FROM customers ORDER BY customers.id`),
    );
    expect(await query(analytics, 'SELECT c.id::text, a.type, a.city FROM customers_addresses a JOIN customers c USING (_airbyte_customers_hashid) ORDER BY 1, 2, 3')).toEqual(
      await query(sourceDbUrl, `SELECT c.id::text, e->>'type' AS type, e->>'city' AS city FROM customers c, jsonb_array_elements(c.addresses) e ORDER BY 1, 2, 3`),
    );
    // Incremental | Deduped: one row per order, as in the source.
    expect(await query(analytics, 'SELECT order_id::text, amount::text, status, created_at FROM orders ORDER BY orders.order_id')).toEqual(
      await query(sourceDbUrl, 'SELECT order_id::text, amount::text, status, created_at FROM orders ORDER BY orders.order_id'),
    );
  });

  test('the guide’s curl snippet lists the sources of the default workspace', async () => {
    const { stdout } = await run('curl', ['-sS', '-X', 'POST', `${platform.apiUrl}/api/v1/sources/list`, '-H', 'Content-Type: application/json', '-d', '{}']);
    expect((JSON.parse(stdout) as Schemas['SourceReadList']).sources.map((s) => s.name)).toEqual(['PostgreSQL']);
  });

  test('`platform credentials` gives the public API’s client id and secret; its token lists sources on the API port and through the web UI’s', async () => {
    const result = await platformCli(['credentials', ...flags]);
    expect(result.code, result.stderr).toBe(0);
    const env = Object.fromEntries(result.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(Object.keys(env)).toEqual(['AIRBYTE_API_URL', 'AIRBYTE_CLIENT_ID', 'AIRBYTE_CLIENT_SECRET']);
    expect(env.AIRBYTE_API_URL).toBe(`${platform.apiUrl}/api/public/v1`);
    const token = await fetch(`${env.AIRBYTE_API_URL}/applications/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: env.AIRBYTE_CLIENT_ID, client_secret: env.AIRBYTE_CLIENT_SECRET, grant_type: 'client_credentials' }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const webappPort = platform.run.services.find((s) => s.name === 'webapp')!.port;
    for (const base of [env.AIRBYTE_API_URL, `http://127.0.0.1:${webappPort}/api/public/v1`]) {
      expect((await fetch(`${base}/sources`)).status, base).toBe(401);
      const sources = await fetch(`${base}/sources`, { headers: { Authorization: `Bearer ${access_token}` } });
      expect(sources.status, base).toBe(200);
      expect(((await sources.json()) as { data: { name: string; sourceType: string }[] }).data.map((s) => [s.name, s.sourceType])).toEqual([['PostgreSQL', 'postgres']]);
    }
  });

  test('`platform sync` lands every source row in S3 as Parquet under airbyte-data/production_public/<stream>/', async () => {
    const sync = await platformCli(['sync', CONNECTION, ...flags]);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toMatch(/job \d+ succeeded: [\d,]+ records/);
    for (const stream of Object.keys(STREAMS) as Stream[]) {
      const { keys, rows } = await lakeRows(stream);
      expect(keys.length, `${stream} objects`).toBeGreaterThan(0);
      for (const key of keys) expect(key).toMatch(new RegExp(`^${LAKE_PREFIX}/${stream}/\\d{4}_\\d{2}_\\d{2}_\\d+_\\d+\\.parquet$`));
      expect(lakeRecords(rows, stream)).toEqual(await sourceRecords(stream));
      for (const row of rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(AIRBYTE_COLUMNS));
      // Every demo value fits its typed column.
      expect(rows.filter((row) => row._airbyte_unfit_values !== null)).toEqual([]);
    }
  });

  test('the query service answers the guide’s Dremio query and its CREATE VDS as written', async () => {
    const dremio = await dremioClient();
    const guide = await dremio.query(`SELECT *
FROM AirbyteData.datalake."airbyte-data".production_public.customers
LIMIT 100`);
    const customers = await sourceRecords('customers');
    expect(guide.rowCount).toBe(Math.min(100, customers.size));
    for (const row of restRecords(guide.rows, guide.schema, 'customers').entries()) expect(row[1]).toEqual(customers.get(row[0]));

    const vds = await dremio.query(`CREATE VDS airbyte_customers AS
SELECT
  id as customer_id,
  name as customer_name,
  contact_email as email,
  contact_phone as phone,
  _airbyte_emitted_at as last_updated
FROM AirbyteData.datalake."airbyte-data".production_public.customers`);
    expect(vds.rows).toEqual([{ ok: true, summary: 'View [airbyte_customers] has been created' }]);
    const view = await dremio.query('SELECT customer_id, customer_name, email, phone FROM airbyte_customers');
    expect(new Map(view.rows.map((r) => [canonical(r.customer_id), canonical({ name: r.customer_name, contact_email: r.email, contact_phone: r.phone })]))).toEqual(
      new Map([...customers].map(([id, c]) => [id, pick(c as Record<string, unknown>, ['name', 'contact_email', 'contact_phone'])])),
    );
  });

  test('every stream read through the query service (REST and the Postgres port, pg and psql) equals source_db: rows, counts and checksums', async () => {
    const dremio = await dremioClient();
    const wire = new pg.Client({ host: platform.run.postgres.host, port: platform.run.query.pgPort, user: platform.run.query.user, password: platform.run.query.password, database: 'dremio' });
    await wire.connect();
    try {
      for (const stream of Object.keys(STREAMS) as Stream[]) {
        const dataset = `AirbyteData.datalake."airbyte-data".production_public.${stream}`;
        const source = await sourceRecords(stream);
        const viaRest = await dremio.query(`SELECT * FROM ${dataset}`);
        expect(restRecords(viaRest.rows, viaRest.schema, stream), `${stream} via REST`).toEqual(source);
        const viaWire = await wire.query(`SELECT * FROM ${dataset}`);
        expect(lakeRecords(viaWire.rows, stream), `${stream} via the Postgres port`).toEqual(source);

        const key = STREAMS[stream];
        const sums = await withSourceDb(sourceDbUrl, async (db) => (await db.query(`SELECT count(*)::text AS n, sum(${key})::text AS keys FROM ${stream}`)).rows[0]);
        const checksum = await dremio.query(`SELECT count(*) AS n, sum(${key}) AS keys FROM ${dataset}`);
        expect(checksum.rows[0], `${stream} count and key checksum`).toEqual({ n: Number(sums.n), keys: Number(sums.keys) });
        const { stdout } = await run('psql', ['-h', platform.run.postgres.host, '-p', String(platform.run.query.pgPort), '-U', platform.run.query.user, '-d', 'dremio', '-X', '-A', '-t', '-c', `SELECT count(*) FROM ${dataset}`], {
          env: { ...process.env, PGPASSWORD: platform.run.query.password },
        });
        expect(stdout.trim(), `${stream} count via psql`).toBe(sums.n);
      }
    } finally {
      await wire.end();
    }
  });

  test('`platform sql` prints the query’s rows as a table, CSV or JSON, and a failed query as one line', async () => {
    const count = (await withSourceDb(sourceDbUrl, (db) => db.query('SELECT count(*)::int AS n FROM products'))).rows[0].n;
    const sql = 'SELECT count(*) AS n FROM AirbyteData.datalake."airbyte-data".production_public.products';
    const table = await platformCli(['sql', sql, ...flags]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.trim().split('\n')).toEqual(['n', String(count), '(1 row)']);
    const csv = await platformCli(['sql', sql, '--format', 'csv', ...flags]);
    expect(csv.stdout.trim()).toBe(`n\n${count}`);
    const json = await platformCli(['sql', sql, '--format', 'json', ...flags]);
    expect(JSON.parse(json.stdout)).toEqual([{ n: count }]);
    const failed = await platformCli(['sql', 'SELECT * FROM AirbyteData.datalake.nothing', ...flags]);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: query failed: Table 'AirbyteData\.datalake\.nothing' not found/)]);
  });

  test('after source changes, incremental append adds exactly the new orders and full refresh replaces customers and products', async () => {
    const before = { customers: await lakeRows('customers'), orders: await lakeRows('orders'), products: await lakeRows('products') };
    const newOrderIds = await withSourceDb(sourceDbUrl, async (db) => {
      await db.query(`UPDATE customers SET name = name || ' (renamed)', contact = jsonb_set(contact, '{phone}', '"+15550000000"'), updated_at = now() WHERE id IN (1, 2, 3)`);
      await db.query(`INSERT INTO products (name, category, price) VALUES ('Lakehouse Starter', 'software', 999.00), ('Edge Gateway v9', 'hardware', 1450.50)`);
      const inserted = await db.query(
        `INSERT INTO orders (customer_id, product_id, quantity, amount, status, created_at)
         SELECT c, 1 + c % 50, c, c * 10.25, 'pending', now() + c * interval '1 second' FROM generate_series(1, 5) AS c RETURNING order_id`,
      );
      return inserted.rows.map((r) => r.order_id as number);
    });

    await syncThroughApi();

    // orders: the old files stay, the new files hold exactly the new rows.
    const orders = await lakeRows('orders');
    expect(orders.keys).toEqual(expect.arrayContaining(before.orders.keys));
    const added = orders.keys.filter((k) => !before.orders.keys.includes(k));
    const addedRows = await parquetRows(s3, platform.s3.bucket, added);
    expect(addedRows.map((r) => canonical(r.order_id)).sort()).toEqual([...newOrderIds].sort());
    expect(lakeRecords(orders.rows, 'orders')).toEqual(await sourceRecords('orders'));
    expect(orders.rows).toHaveLength(before.orders.rows.length + newOrderIds.length);

    // customers and products: the old files are gone and the lake equals the source.
    for (const stream of ['customers', 'products'] as const) {
      const after = await lakeRows(stream);
      expect(after.keys.filter((k) => before[stream].keys.includes(k)), `${stream}: old files left`).toEqual([]);
      expect(lakeRecords(after.rows, stream)).toEqual(await sourceRecords(stream));
    }
    const renamed = lakeRecords((await lakeRows('customers')).rows, 'customers').get(1) as Record<string, unknown>;
    expect(renamed).toMatchObject({ name: expect.stringMatching(/\(renamed\)$/), contact_phone: '+15550000000' });
  });

  test('the guide’s Python snippet triggers a sync and reads its status; with no new source rows no order is appended', async () => {
    const ordersBefore = await lakeRows('orders');
    const script = `
import requests, sys, time
AIRBYTE_API = sys.argv[1]

def trigger_sync(connection_id: str):
    response = requests.post(f"{AIRBYTE_API}/connections/sync", json={"connectionId": connection_id})
    return response.json()

def get_sync_status(job_id: str):
    response = requests.post(f"{AIRBYTE_API}/jobs/get", json={"id": job_id})
    return response.json()

job = trigger_sync(sys.argv[2])
status = get_sync_status(job["job"]["id"])
while status["job"]["status"] in ("pending", "running", "incomplete"):
    time.sleep(0.5)
    status = get_sync_status(job["job"]["id"])
print(f"Statut sync: {status['job']['status']}")
`;
    const { stdout } = await run('python3', ['-c', script, `${platform.apiUrl}/api/v1`, connectionId], { timeout: 240_000 });
    expect(stdout.trim()).toBe('Statut sync: succeeded');
    const ordersAfter = await lakeRows('orders');
    expect(ordersAfter.rows).toHaveLength(ordersBefore.rows.length);
    expect(lakeRecords(ordersAfter.rows, 'orders')).toEqual(await sourceRecords('orders'));
  });

  test('the guide’s `curl -X GET .../jobs/list` with a JSON body lists the sync jobs, newest first, with stats', async () => {
    const body = JSON.stringify({ configTypes: ['sync'], configId: connectionId });
    const { stdout } = await run('curl', ['-sS', '-X', 'GET', `${platform.apiUrl}/api/v1/jobs/list`, '-H', 'Content-Type: application/json', '-d', body]);
    const { jobs } = JSON.parse(stdout) as Schemas['JobReadList'];
    // Three syncs ran from here; the 24-hour schedule may have added the connection's first one.
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(jobs.map((j) => j.job.status))).toEqual(new Set(['succeeded']));
    expect(jobs.map((j) => j.job.id)).toEqual([...jobs.map((j) => j.job.id)].sort((a, b) => b - a));
    const first = await unwrap('jobs/get', platform.client.POST('/v1/jobs/get', { body: { id: jobs.at(-1)!.job.id } }));
    expect(jobProgress(first).records).toBeGreaterThan(0);
  });

  test('`down` then `up` keeps the data, the seeded objects and the job history', async () => {
    const jobsBefore = await unwrap('jobs/list', platform.client.POST('/v1/jobs/list', { body: { configTypes: ['sync'], configId: connectionId } }));
    const lakeBefore = await lakeRows('orders');

    const down = await platformCli(['down', ...flags]);
    expect(down.code, down.stderr).toBe(0);
    const stopped = await platformCli(['status', ...flags]);
    expect(stopped.code).not.toBe(0);
    expect(stopped.stdout).toMatch(/not running/);

    await up();
    expect((await findConnection(platform.client, CONNECTION)).connectionId).toBe(connectionId);
    const jobsAfter = await unwrap('jobs/list', platform.client.POST('/v1/jobs/list', { body: { configTypes: ['sync'], configId: connectionId } }));
    expect(jobsAfter.jobs.map((j) => [j.job.id, j.job.status])).toEqual(jobsBefore.jobs.map((j) => [j.job.id, j.job.status]));
    const lakeAfter = await lakeRows('orders');
    expect(lakeAfter.keys).toEqual(lakeBefore.keys);
    expect(lakeRecords(lakeAfter.rows, 'orders')).toEqual(await sourceRecords('orders'));
    // The query service's catalog (the seeded source, the guide's VDS) is kept too.
    const view = await (await dremioClient()).query('SELECT count(*) AS n FROM airbyte_customers');
    expect(view.rows).toEqual([{ n: (await sourceRecords('customers')).size }]);
  });

  test('Airbyte connectors registered through the Config API sync into S3 with state carried: the guide’s REST API as a declarative manifest, and airbyte-source-faker from PyPI', async () => {
    const post = async (route: string, body: unknown): Promise<any> => {
      const res = await fetch(`${platform.apiUrl}/api/v1/${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      expect(res.status, `${route}: ${text}`).toBe(200);
      return text ? JSON.parse(text) : undefined;
    };
    const { destinationId } = await post('connections/get', { connectionId });
    /** An incremental append connection of every discovered stream into the seeded S3 destination, under its own stream prefix. */
    const connect = async (sourceId: string, prefix: string, cursor: (stream: string) => string) => {
      const { catalog } = await post('sources/discover_schema', { sourceId });
      const streams = catalog.streams.map((s: any) => ({ stream: s.stream, config: { ...s.config, selected: true, syncMode: 'incremental', destinationSyncMode: 'append', cursorField: [cursor(s.stream.name)] } }));
      return (await post('connections/create', { sourceId, destinationId, prefix, syncCatalog: { streams }, status: 'active', name: `${prefix}connection` })).connectionId as string;
    };
    const syncOnce = async (id: string) => {
      const { job } = await post('connections/sync', { connectionId: id });
      const done = await waitForJob(platform.client, job.id, { timeoutMs: 300_000 });
      expect(done.job.status, JSON.stringify(done.attempts.at(-1)?.attempt.failureSummary)).toBe('succeeded');
      return Object.fromEntries((done.attempts.at(-1)!.attempt.streamStats ?? []).map((s) => [s.streamName, s.stats.recordsCommitted ?? 0]));
    };
    const streamStates = async (id: string) => Object.fromEntries((await post('state/get', { connectionId: id })).streamState.map((s: any) => [s.streamDescriptor.name, s.streamState]));

    // The guide's REST API source, as the built-in declarative definition with the guide's manifest, against a local API.
    const day = (d: number) => `2024-02-${String(d).padStart(2, '0')}T09:00:00Z`;
    const rest = await startRestApiServer({
      customers: Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `customer ${i + 1}`, email: null, updated_at: day(i + 1) })),
      orders: Array.from({ length: 5 }, (_, i) => ({ id: 100 + i, customer_id: i + 1, amount: 10.5 * i, status: 'new', created_at: day(i + 10) })),
    });
    try {
      const { sourceDefinitions } = await post('source_definitions/list', {});
      const declarative = sourceDefinitions.find((d: any) => d.name === 'REST API (declarative)');
      const manifest = readFileSync(path.join(REPO_ROOT, 'config/manifests/guide-rest-api.yaml'), 'utf8');
      const source = await post('sources/create', {
        sourceDefinitionId: declarative.sourceDefinitionId,
        name: 'Guide REST API',
        connectionConfiguration: { manifest, base_url: rest.baseUrl, api_token: rest.token, start_date: '2024-01-01T00:00:00Z' },
      });
      const restConnection = await connect(source.sourceId, 'rest_', (stream) => (stream === 'customers' ? 'updated_at' : 'created_at'));
      expect(await syncOnce(restConnection)).toEqual({ customers: 7, orders: 5 });
      expect(await streamStates(restConnection)).toEqual({ customers: { updated_at: day(7) }, orders: { created_at: day(14) } });
      rest.customers.push({ id: 8, name: 'newcomer', email: 'new@example.com', updated_at: day(20) });
      rest.rearmFaults();
      expect(await syncOnce(restConnection)).toEqual({ customers: 1, orders: 0 });
      expect(await streamStates(restConnection)).toEqual({ customers: { updated_at: day(20) }, orders: { created_at: day(14) } });
    } finally {
      await rest.close();
    }

    // An Airbyte connector from PyPI, by its docker name (PyAirbyte's convention), installed by the platform.
    const faker = await post('source_definitions/create_custom', { sourceDefinition: { name: 'Faker', dockerRepository: 'airbyte/source-faker', dockerImageTag: '7.2.1' } });
    const fakerSource = await post('sources/create', { sourceDefinitionId: faker.sourceDefinitionId, name: 'Faker', connectionConfiguration: { count: 40, seed: 7, records_per_slice: 10, parallelism: 1, always_updated: false } });
    const fakerConnection = await connect(fakerSource.sourceId, 'faker_', () => 'updated_at');
    const first = await syncOnce(fakerConnection);
    expect(first.users).toBe(40);
    expect(Object.keys(await streamStates(fakerConnection)).sort()).toEqual(['products', 'purchases', 'users']);
    const second = await syncOnce(fakerConnection);
    expect(Object.values(second).reduce((n, c) => n + c, 0)).toBe(0);
  }, 900_000);
});
