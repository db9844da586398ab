// Issue 12, point 1: a client written elsewhere drives the public API. Airbyte's own Python
// SDK (`airbyte-api` from PyPI, in the venv of scripts/install-airbyte-api.sh) logs in with
// client credentials, creates a Postgres source and an S3 destination with its typed models,
// lists the streams, creates a connection naming a stream with incremental_append (destination-s3
// has no deduped mode; public-api.test.ts covers incremental_deduped_history),
// runs a sync and reads the job until it ends; the lake then holds the source's rows, row by
// row. Real server, real Postgres, real SeaweedFS, real connectors.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApiServer, type ApiServer } from '../http-server';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from '../../testing/platform-harness';
import { BUCKET, startTestLake, type TestLake } from '../../testing/test-lake';

const PYTHON = fileURLToPath(new URL('../../../../../.tools/airbyte-api/bin/python', import.meta.url));
const CLIENT_SCRIPT = fileURLToPath(new URL('./test/airbyte_api_sdk_client.py', import.meta.url));
const CLIENT = { clientId: 'sdk-test-client', clientSecret: 'sdk-test-secret-value', name: 'sdk test' };
const ROWS = 300;

let platform: TestPlatform;
let lake: TestLake;
let source: SourceDatabase;
let server: ApiServer;
let url: string;

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
  expect(existsSync(PYTHON), `${PYTHON} is missing: run \`bash scripts/install-airbyte-api.sh\` (scripts/bootstrap.sh does)`).toBe(true);
  const s3 = lake.destinationConfig('sdk') as Record<string, string>;
  const { stdout } = await promisify(execFile)(PYTHON, [CLIENT_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      AIRBYTE_API_URL: `${url}/api/public/v1`,
      AIRBYTE_CLIENT_ID: CLIENT.clientId,
      AIRBYTE_CLIENT_SECRET: CLIENT.clientSecret,
      SOURCE_DB: JSON.stringify(source.config),
      S3: JSON.stringify({ bucket: BUCKET, path: 'sdk', endpoint: s3.s3_endpoint, access_key_id: s3.access_key_id, secret_access_key: s3.secret_access_key }),
    },
    timeout: 180_000,
  });
  const seen = JSON.parse(stdout);
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
