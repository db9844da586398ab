import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DremioClient } from '../client/index';
import { BUCKET, startLakeFixture, type LakeFixture } from '../testing/lake-fixture';

let lake: LakeFixture;
let client: DremioClient;
const DATASET = 'AirbyteData.datalake."airbyte-data".production_public.customers';

beforeAll(async () => {
  lake = await startLakeFixture();
  await lake.writer.run(`COPY (SELECT 1 AS id, 'Ada' AS name) TO 's3://${BUCKET}/airbyte-data/production_public/customers/a.parquet' (FORMAT parquet)`);
  const service = await lake.start();
  client = await lake.login(service);
  await lake.addAirbyteData(client);
});

afterAll(async () => {
  await lake?.stop();
});

async function failure(sql: string): Promise<string> {
  const { id } = await client.submitSql(sql);
  const status = await client.waitForJob(id);
  expect(status.jobState, `${sql} should fail`).toBe('FAILED');
  return status.errorMessage;
}

it.each([
  ['COPY to the lake', `COPY (SELECT * FROM ${DATASET}) TO 's3://${BUCKET}/stolen.parquet'`, /COPY statements are refused: the query service is read-only/],
  ['COPY to a local file', `COPY (SELECT 1) TO '/tmp/lake-query-copy.csv'`, /Permission Error: Cannot access file "\/tmp\/lake-query-copy.csv"/],
  ['CREATE TABLE', 'CREATE TABLE t AS SELECT 1', /CREATE statements are refused/],
  ['CREATE TABLE on S3', `CREATE TABLE s3_copy AS SELECT * FROM read_parquet('s3://${BUCKET}/airbyte-data/production_public/customers/a.parquet')`, /CREATE statements are refused/],
  ['INSERT', 'INSERT INTO lq_results.x VALUES (1)', /refused|does not exist/],
  ['ATTACH of a local file', "ATTACH '/tmp/other.duckdb' AS other", /ATTACH statements are refused/],
  ['ATTACH in memory', "ATTACH ':memory:' AS other", /ATTACH statements are refused/],
  ['INSTALL', 'INSTALL httpfs', /LOAD statements are refused/],
  ['LOAD', "LOAD '/tmp/evil.duckdb_extension'", /LOAD statements are refused/],
  ['SET', "SET memory_limit = '16GB'", /SET statements are refused/],
  ['RESET', 'RESET enable_external_access', /SET statements are refused/],
  ['PRAGMA', 'PRAGMA enable_profiling', /PRAGMA statements are refused/],
  ['CALL', 'CALL duckdb_secrets()', /CALL statements are refused/],
  ['EXPORT', "EXPORT DATABASE 's3://datalake/export'", /EXPORT statements are refused/],
  ['CREATE SECRET', "CREATE SECRET evil (TYPE s3, KEY_ID 'a', SECRET 'b')", /CREATE statements are refused/],
  ['several statements', 'SELECT 1; SELECT 2', /one statement at a time/],
  ['read_csv of a local file', "SELECT * FROM read_csv('/etc/passwd')", /Permission Error: Cannot access file "\/etc\/passwd"/],
  ['read_text of a local file', "SELECT * FROM read_text('/etc/hostname')", /Permission Error/],
  ['a local file as a table', "SELECT * FROM '/etc/passwd'", /Permission Error|does not exist/],
  ['glob over the disk', "SELECT * FROM glob('/root/*')", /Permission Error/],
  ['an http URL (the Config API on loopback)', "SELECT * FROM read_text('http://127.0.0.1:8001/api/v1/health')", /Permission Error/],
  ['the secret back', 'SELECT * FROM duckdb_secrets()', /duckdb_secrets\(\) is refused/],
  // DuckDB refuses this one itself (allow_unredacted_secrets is off and locked) before our check runs.
  ['the secret, unredacted', 'SELECT * FROM duckdb_secrets(redact := false)', /Displaying unredacted secrets is disabled/],
  ['which secret', `SELECT * FROM which_secret('s3://${BUCKET}/a', 's3')`, /which_secret\(\) is refused/],
  ['SQL inside query()', "SELECT * FROM query('SELECT * FROM duckdb_secrets()')", /query\(\) is refused/],
])('refuses %s with a FAILED job naming the rule', async (_what, sql, message) => {
  expect(await failure(sql)).toMatch(message);
});

it('wrote nothing while refusing, and still reads the lake', async () => {
  const s3 = lake.s3.s3Client();
  await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'stolen.parquet' }))).rejects.toMatchObject({ name: 'NotFound' });
  s3.destroy();
  expect((await client.query(`SELECT * FROM ${DATASET}`)).rows).toEqual([{ id: 1, name: 'Ada' }]);
  // Reading the lake directly is reading the lake: allowed.
  expect((await client.query(`SELECT count(*) AS n FROM read_parquet('s3://${BUCKET}/airbyte-data/production_public/customers/*.parquet')`)).rows).toEqual([{ n: 1 }]);
});
