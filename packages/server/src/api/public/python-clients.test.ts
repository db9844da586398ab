// Issue 12, point 1: clients written elsewhere drive the public API, each from its own venv
// (scripts/install-airbyte-clients.sh). Airbyte's own Python SDK (`airbyte-api` from PyPI) logs in with
// client credentials, creates a Postgres source and an S3 destination with its typed models,
// lists the streams, creates a connection naming a stream with incremental_append (destination-s3
// has no deduped mode; public-api.test.ts covers incremental_deduped_history),
// runs a sync and reads the job until it ends; the lake then holds the source's rows, row by
// row. PyAirbyte's `CloudWorkspace` (`airbyte` from PyPI) does the same through its own calls
// (deploy_source, deploy_destination, deploy_connection, run_sync). Real server, real
// Postgres, real SeaweedFS, real connectors.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApiServer, type ApiServer } from '../http-server';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from '../../testing/platform-harness';
import { BUCKET, startTestLake, type TestLake } from '../../testing/test-lake';

const TOOLS = fileURLToPath(new URL('../../../../../.tools/', import.meta.url));
const SDK_PYTHON = `${TOOLS}airbyte-api/bin/python`;
const PYAIRBYTE_PYTHON = `${TOOLS}pyairbyte/bin/python`;
const INSTALL_HINT = 'run `bash scripts/install-airbyte-clients.sh` (scripts/bootstrap.sh does)';
const CLIENT = { clientId: 'sdk-test-client', clientSecret: 'sdk-test-secret-value', name: 'sdk test' };
const ROWS = 300;

let platform: TestPlatform;
let lake: TestLake;
let source: SourceDatabase;
let server: ApiServer;
let url: string;

/** Runs a client script of ./test with the platform's URL, credentials, source database and lake; returns what it printed (JSON). */
async function runClient(python: string, script: string, lakePath: string): Promise<any> {
  expect(existsSync(python), `${python} is missing: ${INSTALL_HINT}`).toBe(true);
  const s3 = lake.destinationConfig(lakePath) as Record<string, string>;
  const { stdout } = await promisify(execFile)(python, [fileURLToPath(new URL(`./test/${script}`, import.meta.url))], {
    env: {
      PATH: process.env.PATH,
      HOME: platform.dir,
      AIRBYTE_API_URL: `${url}/api/public/v1`,
      AIRBYTE_CLIENT_ID: CLIENT.clientId,
      AIRBYTE_CLIENT_SECRET: CLIENT.clientSecret,
      AIRBYTE_WORKSPACE_ID: (await platform.services.workspaces.list())[0].workspaceId,
      // PyAirbyte: no connector registry download, no telemetry (a test never leaves loopback).
      AIRBYTE_OFFLINE_MODE: '1',
      DO_NOT_TRACK: '1',
      SOURCE_DB: JSON.stringify(source.config),
      S3: JSON.stringify({ bucket: BUCKET, path: lakePath, endpoint: s3.s3_endpoint, access_key_id: s3.access_key_id, secret_access_key: s3.secret_access_key }),
    },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  source = await platform.createSourceDatabase();
  await source.sql(`CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, updated_at timestamptz NOT NULL);
    INSERT INTO customers SELECT i, 'customer ' || i, timestamptz '2024-01-01' + i * interval '1 minute' FROM generate_series(1, ${ROWS}) i;`);
  await platform.services.applications.ensure(CLIENT);
  platform.startWorker();
  server = createApiServer(platform.services, { port: await freePort() });
  url = await server.listen();
});
afterAll(async () => {
  await server?.close();
  await lake?.stop();
  await platform?.stop();
});

test('the airbyte-api SDK creates a source, destination and connection, runs a sync and reads its job', async () => {
  const seen = await runClient(SDK_PYTHON, 'airbyte_api_sdk_client.py', 'sdk');
  expect(seen).toMatchObject({
    sourceType: 'postgres',
    sourcePasswordSeen: false,
    destinationType: 's3',
    streams: ['customers'],
    connectionStreams: [{ name: 'customers', syncMode: 'incremental_append' }],
    job: { status: 'succeeded', jobType: 'sync', rowsSynced: ROWS },
  });
  expect(seen.listedJobIds).toEqual([seen.job.jobId]);

  // What the SDK created is what the platform holds, and the lake has every source row once.
  const connection = await platform.services.connections.get(seen.connectionId);
  expect(connection.syncCatalog.streams.map((s) => [s.stream.name, s.config.syncMode, s.config.destinationSyncMode, s.config.cursorField])).toEqual([
    ['customers', 'incremental', 'append', ['updated_at']],
  ]);
  const landed = await lake.query('sdk/public/customers', 'SELECT id::INT AS id, name FROM lake ORDER BY id');
  expect(landed).toEqual(await source.query('SELECT id, name FROM customers ORDER BY id'));
});

test('PyAirbyte’s CloudWorkspace deploys a source, destination and connection, runs a sync and reads its job', async () => {
  const seen = await runClient(PYAIRBYTE_PYTHON, 'pyairbyte_cloud_client.py', 'pyairbyte');
  expect(seen).toMatchObject({ streams: ['customers'], status: 'succeeded', recordsSynced: ROWS, sourcesNamed: ['pyairbyte postgres'] });

  const deployed = await platform.services.actors.get('source', seen.sourceId);
  expect(deployed.configuration).not.toHaveProperty('sourceType');
  const connection = await platform.services.connections.get(seen.connectionId);
  expect(connection.syncCatalog.streams.map((s) => s.stream.name)).toEqual(['customers']);
  const keys = (await lake.keys('pyairbyte/')).filter((k) => !k.includes('/.airbyte/'));
  const prefixes = [...new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/'))))];
  expect(prefixes).toHaveLength(1);
  expect(prefixes[0]).toMatch(/customers$/);
  const landed = await lake.query(prefixes[0], 'SELECT id::INT AS id, name FROM lake ORDER BY id');
  expect(landed).toEqual(await source.query('SELECT id, name FROM customers ORDER BY id'));
});
