// One stream's failure is that stream's alone, on real services (source-postgres reading an
// embedded Postgres, destination-s3 writing to SeaweedFS): the other streams run and commit
// row for row, each failure is reported with its stream, retries redo only the failed
// streams, and the value a stream failed on appears in no message, log or API response.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findDefinition } from '@platform/connectors';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api/http-server';
import { createLogger } from '../shared/logger';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { startTestPlatform, type SourceDatabase, type TestPlatform } from '../testing/platform-harness';

const CANARY = 'CANARY-0b7e-private';
process.env.SOURCE_POSTGRES_CHUNK_ROWS = '400';

let platform: TestPlatform;
let source: SourceDatabase;
let lake: TestLake;
let api: ApiServer;
let apiUrl: string;
const workerLog: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  source = await platform.createSourceDatabase();
  await source.sql(`
    CREATE TABLE alpha (id bigint PRIMARY KEY, payload text NOT NULL);
    INSERT INTO alpha SELECT g, 'alpha ' || md5(g::text) FROM generate_series(1, 3000) g;
    CREATE TABLE raw_values (id bigint PRIMARY KEY, payload text NOT NULL);
    INSERT INTO raw_values SELECT g, g::text FROM generate_series(1, 1000) g;
    -- A large value Postgres cannot turn into a number: its error message quotes all of it.
    UPDATE raw_values SET payload = '${CANARY} ' || repeat('y', 1000000) WHERE id = 500;
    CREATE VIEW beta AS SELECT id, payload::bigint AS n FROM raw_values;
    CREATE TABLE gamma (id bigint PRIMARY KEY);
    INSERT INTO gamma SELECT generate_series(1, 10);
    REVOKE SELECT ON gamma FROM CURRENT_USER;
    CREATE TABLE delta (id bigint PRIMARY KEY, payload text NOT NULL);
    INSERT INTO delta SELECT g, 'delta ' || md5(g::text) FROM generate_series(1, 2000) g;
  `);
  platform.startWorker({ tmpDir: join(platform.dir, 'tmp'), log: createLogger('worker', { level: 'debug', write: (line) => workerLog.push(line) }) });
  api = createApiServer(platform.services, { port: await freePort(), validateResponses: true });
  apiUrl = await api.listen();
}, 120_000);
afterAll(async () => {
  await api?.close();
  await lake?.stop();
  await platform?.stop();
});

const text = { type: 'string' };
const integer = { type: 'integer' };

async function connection(path: string) {
  return platform.createConnection({
    source: {
      definitionId: findDefinition('source-postgres')!.id,
      config: source.sourceConfig,
    },
    destination: { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig(path) },
    streams: [
      { name: 'alpha', namespace: 'public', syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['id'], jsonSchema: { type: 'object', properties: { id: integer, payload: text } } },
      { name: 'beta', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite', jsonSchema: { type: 'object', properties: { id: integer, n: integer } } },
      { name: 'gamma', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite', jsonSchema: { type: 'object', properties: { id: integer } } },
      // Append: a retry that redid this completed stream would land its rows twice.
      { name: 'delta', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'append', jsonSchema: { type: 'object', properties: { id: integer, payload: text } } },
    ],
  });
}

async function post(path: string, body: unknown): Promise<string> {
  const res = await fetch(`${apiUrl}/api/v1/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.text();
}

async function sourceRows(table: string): Promise<Array<{ id: number; payload: string }>> {
  const pg = await import('pg');
  const client = new pg.default.Client({ ...source.config, user: source.config.username });
  await client.connect();
  try {
    return (await client.query(`SELECT id::int AS id, payload FROM ${table} ORDER BY id`)).rows;
  } finally {
    await client.end();
  }
}

/** Every file under `dir` that contains `needle`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const hits = await Promise.all(files.map(async (f) => ((await readFile(f)).includes(needle) ? [f] : [])));
  return hits.flat();
}

describe('a sync whose streams fail alone', () => {
  it('commits the other streams exactly, reports each failure with its stream, retries only the failed ones, and quotes no data', async () => {
    const conn = await connection('isolated');
    const job = await platform.waitForJob((await platform.services.jobs.sync(conn.connectionId)).id, undefined, 180_000);
    expect(job.status).toBe('failed');
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts).toHaveLength(3);

    // The first attempt ran every stream; beta and gamma failed, each reported with its stream.
    const first = attempts[0];
    expect(first.failureSummary).toEqual({
      partialSuccess: true,
      failures: [
        expect.objectContaining({
          failureOrigin: 'source',
          failureType: 'system_error',
          retryable: true,
          streamDescriptor: { name: 'beta', namespace: 'public' },
          externalMessage: expect.stringContaining('invalid input syntax for type bigint'),
        }),
        expect.objectContaining({
          failureOrigin: 'source',
          failureType: 'config_error',
          retryable: false,
          streamDescriptor: { name: 'gamma', namespace: 'public' },
          externalMessage: expect.stringContaining('public.gamma not found'),
        }),
      ],
    });
    const streamsOf = (a: (typeof attempts)[number]) => a.streamStats.map((s) => s.streamName).sort();
    expect(streamsOf(first)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(first.streamStats.find((s) => s.streamName === 'alpha')?.stats.recordsCommitted).toBe(3000);
    // The retries redid only the streams that had failed.
    expect(attempts.slice(1).map(streamsOf)).toEqual([
      ['beta', 'gamma'],
      ['beta', 'gamma'],
    ]);
    const retryLog = await platform.jobStore.attemptLogs(attempts[1].id);
    expect(retryLog.join('\n')).toContain('not redone: public.alpha, public.delta, completed by an earlier attempt of this job');

    // The streams that did not fail landed row for row, once; the failed ones left nothing.
    const landed = await lake.query('isolated/public/alpha', 'SELECT id::INT AS id, payload FROM lake ORDER BY id');
    expect(landed).toEqual(await sourceRows('alpha'));
    expect(await lake.query('isolated/public/delta', 'SELECT id::INT AS id, payload FROM lake ORDER BY id')).toEqual(await sourceRows('delta'));
    expect(await lake.objectCount('isolated/public/beta')).toBe(0);
    expect(await lake.objectCount('isolated/public/gamma')).toBe(0);
    const stateOf = async () => (await platform.jobStore.getState(conn.connectionId)).map((s) => s.name);
    expect(await stateOf()).toEqual(['alpha', 'delta']);

    // The value beta failed on is nowhere: API responses (with the attempts' logs), the worker's log, files.
    const responses = [await post('jobs/get', { id: job.id }), await post('jobs/list', { configTypes: ['sync'], configId: conn.connectionId })];
    expect(responses[0]).toContain('invalid input syntax for type bigint');
    for (const response of responses) expect(response).not.toContain(CANARY);
    expect(workerLog.length).toBeGreaterThan(0);
    expect(workerLog.join('\n')).not.toContain(CANARY);
    expect(await filesContaining(platform.dir, CANARY)).toEqual([]);
    // Each stored text stays short, whatever the failing value's size.
    expect(Math.max(...attempts.flatMap((a) => a.failureSummary!.failures.map((f) => JSON.stringify(f).length)))).toBeLessThan(20_000);
  }, 240_000);
});
