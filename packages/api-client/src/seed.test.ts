// Seeding against the real server (in-process, from @platform/server's exports) and a real
// embedded Postgres that is both the platform's store and the source being discovered.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { basicAuthenticator, createApiServer, createPlatform, migrate, type ApiServer, type Platform } from '@platform/server';
import { PostgresService, type StartedPostgresService } from '@platform/services';
import { ApiError, createPlatformClient, unwrap, type PlatformClient } from './client';
import { MissingEnvVarError } from './interpolate';
import { seed } from './seed';

let root: string;
let postgres: StartedPostgresService;
let platform: Platform;
let api: ApiServer;
let client: PlatformClient;
let env: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'api-client-seed-'));
  chmodSync(root, 0o755); // Postgres runs as the `postgres` user when we are root
  postgres = await new PostgresService({ dataDir: path.join(root, 'pg') }).start();
  await postgres.createDatabase('platform');
  await postgres.createDatabase('source_db');
  const source = new pg.Client({ connectionString: postgres.connectionUrl('source_db') });
  await source.connect();
  await source.query(`
    CREATE TABLE customers (id integer PRIMARY KEY, name text, updated_at timestamptz);
    CREATE TABLE orders (order_id integer PRIMARY KEY, created_at timestamptz);
    CREATE TABLE audit_log (id integer PRIMARY KEY, message text);`);
  await source.end();

  platform = createPlatform({ databaseUrl: postgres.connectionUrl('platform'), secretKey: randomBytes(32) });
  await migrate(platform.pool);
  api = createApiServer(platform.services, { port: 0, validateResponses: true });
  client = createPlatformClient(await api.listen());
  env = { PG_HOST: postgres.host, PG_PORT: String(postgres.port), PG_USER: postgres.user, PG_PASSWORD: postgres.password };
});

afterAll(async () => {
  await api?.close();
  await platform?.close();
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
});

function seedFile(name: string, { schedule = 24, streams = 'customers' }: { schedule?: number; streams?: 'customers' | 'both' } = {}): string {
  const file = path.join(root, name);
  writeFileSync(
    file,
    `
workspace: { name: Seed Test Workspace }
sources:
  - name: Shop DB
    definition: airbyte/source-postgres
    configuration:
      host: \${env:PG_HOST}
      port: \${env:PG_PORT}
      database: source_db
      username: \${env:PG_USER}
      password: \${env:PG_PASSWORD}
      ssl_mode: { mode: disable }
destinations:
  - name: Lake
    definition: airbyte/destination-s3
    configuration:
      s3_bucket_name: datalake
      s3_bucket_path: airbyte-data/\${NAMESPACE}/\${STREAM_NAME}
      s3_bucket_region: us-east-1
      s3_endpoint: http://127.0.0.1:1
      access_key_id: key
      secret_access_key: \${env:S3_SECRET:-local-secret}
      format: { format_type: Parquet, compression_codec: GZIP, block_size_mb: 128 }
connections:
  - name: Shop → Lake
    source: Shop DB
    destination: Lake
    schedule: { units: ${schedule}, timeUnit: hours }
    namespaceDefinition: customformat
    namespaceFormat: production_\${SOURCE_NAMESPACE}
    streams:
      - { name: customers, syncMode: full_refresh, destinationSyncMode: overwrite, cursorField: updated_at, primaryKey: id }
${streams === 'both' ? '      - { name: orders, syncMode: incremental, destinationSyncMode: append, cursorField: created_at, primaryKey: order_id }' : ''}
`,
  );
  return file;
}

async function inventory(workspaceId: string) {
  const body = { body: { workspaceId } };
  const [{ sources }, { destinations }, { connections }] = await Promise.all([
    unwrap('sources/list', client.POST('/v1/sources/list', body)),
    unwrap('destinations/list', client.POST('/v1/destinations/list', body)),
    unwrap('connections/list', client.POST('/v1/connections/list', body)),
  ]);
  const { workspaces } = await unwrap('workspaces/list', client.POST('/v1/workspaces/list'));
  return { workspaces: workspaces.filter((w) => w.name === 'Seed Test Workspace'), sources, destinations, connections };
}

describe('seed', () => {
  test('seeding twice creates each object once; the second run updates them in place', async () => {
    const first = await seed(client, [seedFile('twice.yaml')], env);
    expect(first.map((o) => `${o.action} ${o.kind} ${o.name}`)).toEqual([
      'created workspace Seed Test Workspace',
      'created source Shop DB',
      'created destination Lake',
      'created connection Shop → Lake',
    ]);
    const second = await seed(client, [seedFile('twice.yaml')], env);
    expect(second.map((o) => o.action)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(second.map((o) => o.id)).toEqual(first.map((o) => o.id));

    const objects = await inventory(first[0].id);
    expect(objects.workspaces).toHaveLength(1);
    expect(objects.sources.map((s) => s.name)).toEqual(['Shop DB']);
    expect(objects.destinations.map((d) => d.name)).toEqual(['Lake']);
    expect(objects.connections.map((c) => c.name)).toEqual(['Shop → Lake']);
  });

  test('the connection selects exactly the seeded streams, configured as written, with discovered schemas', async () => {
    const [workspace] = await seed(client, [seedFile('streams.yaml')], env);
    const [connection] = (await inventory(workspace.id)).connections;
    expect(connection).toMatchObject({ namespaceDefinition: 'customformat', namespaceFormat: 'production_${SOURCE_NAMESPACE}' });
    const byName = Object.fromEntries(connection.syncCatalog.streams.map((s) => [s.stream.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['audit_log', 'customers', 'orders']);
    expect(byName.customers.config).toMatchObject({
      selected: true,
      syncMode: 'full_refresh',
      destinationSyncMode: 'overwrite',
      cursorField: ['updated_at'],
      primaryKey: [['id']],
    });
    expect(byName.customers.stream.jsonSchema).toMatchObject({ properties: { id: expect.any(Object), name: expect.any(Object) } });
    expect(byName.orders.config.selected).toBe(false);
    expect(byName.audit_log.config.selected).toBe(false);
  });

  test('changing a seed file updates the objects of the same name', async () => {
    const [workspace, , , before] = await seed(client, [seedFile('update.yaml')], env);
    const after = await seed(client, [seedFile('update.yaml', { schedule: 6, streams: 'both' })], env);
    expect(after[3]).toMatchObject({ id: before.id, action: 'updated' });

    const { connections } = await inventory(workspace.id);
    expect(connections).toHaveLength(1);
    expect(connections[0].scheduleData?.basicSchedule ?? connections[0].schedule).toMatchObject({ units: 6, timeUnit: 'hours' });
    const orders = connections[0].syncCatalog.streams.find((s) => s.stream.name === 'orders');
    expect(orders?.config).toMatchObject({ selected: true, syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['created_at'] });
  });

  test('a missing environment variable is an error naming it, and nothing is written', async () => {
    const { PG_PASSWORD: _, ...withoutPassword } = env;
    const before = await unwrap('workspaces/list', client.POST('/v1/workspaces/list'));
    const run = seed(client, [seedFile('missing.yaml')], withoutPassword);
    await expect(run).rejects.toThrow(MissingEnvVarError);
    await expect(seed(client, [seedFile('missing.yaml')], withoutPassword)).rejects.toThrow(/PG_PASSWORD.*sources\[0\]\.configuration\.password/);
    expect(await unwrap('workspaces/list', client.POST('/v1/workspaces/list'))).toEqual(before);
  });
});

describe('an API with basic auth', () => {
  const credentials = { username: 'airbyte', password: 'p@ss:word é' };
  let secured: ApiServer;
  let url: string;
  beforeAll(async () => {
    secured = createApiServer(platform.services, { port: 0, validateResponses: true, authenticators: [basicAuthenticator(credentials)] });
    url = await secured.listen();
  });
  afterAll(() => secured?.close());

  test('the client sends the credentials it is given, and seeding works through it', async () => {
    const anonymous = createPlatformClient(url);
    const refused = await unwrap('workspaces/list', anonymous.POST('/v1/workspaces/list')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(401);

    const authenticated = createPlatformClient(url, { credentials });
    const seeded = await seed(authenticated, [seedFile('secured.yaml')], env);
    expect(seeded.map((o) => o.kind)).toEqual(['workspace', 'source', 'destination', 'connection']);
    const wrong = createPlatformClient(url, { credentials: { ...credentials, password: 'nope' } });
    await expect(unwrap('workspaces/list', wrong.POST('/v1/workspaces/list'))).rejects.toThrow(/HTTP 401: Invalid credentials/);
  });
});
