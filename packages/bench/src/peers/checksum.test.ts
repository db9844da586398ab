// The peers scenario trusts this check to catch a pipeline that changes, loses or duplicates a
// value, whatever column types it writes. Real Postgres computes the source's checksum; DuckDB
// writes Parquet copies of the same rows to a real SeaweedFS, faithful or altered.
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresService, SeaweedService, type StartedPostgresService, type StartedSeaweedService } from '@platform/services';
import { createS3Client, type S3Endpoint } from '../connector/endpoints';
import { BENCH_COLUMNS, createSourceTable } from '../connector/source-table';
import { sourceChecksum, verifyParquet, type TableChecksum } from './checksum';

const TABLE = 'bench_1000';
const BUCKET = 'checksum';
let root: string;
let postgres: StartedPostgresService;
let seaweed: StartedSeaweedService;
let s3: S3Endpoint;
let source: TableChecksum;
let duck: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bench-checksum-'));
  // As root, Postgres runs as the `postgres` user and must be able to traverse the directory.
  await chmod(root, 0o755);
  [postgres, seaweed] = await Promise.all([
    new PostgresService({ dataDir: join(root, 'pg'), persistent: false, logicalReplication: false }).start(),
    new SeaweedService({ dataDir: join(root, 's3') }).start(),
  ]);
  await seaweed.createBucket(BUCKET);
  s3 = { endpoint: seaweed.endpoint, region: seaweed.region, accessKeyId: seaweed.accessKeyId, secretAccessKey: seaweed.secretAccessKey, bucket: BUCKET };
  const client = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: 'postgres' });
  await client.connect();
  try {
    await createSourceTable(client, TABLE, 1000);
    source = await sourceChecksum(client, TABLE);
    // The rows as DuckDB sees them: COPY csv, read back with the source's types.
    await pipeline(client.query(copyTo(`COPY ${TABLE} TO STDOUT (FORMAT csv)`)), createWriteStream(join(root, 'rows.csv')));
  } finally {
    await client.end();
  }
  duck = await DuckDBInstance.create(':memory:');
  db = await duck.connect();
  const columns = BENCH_COLUMNS.map((c) => `'${c.name}': '${c.duckdbType}'`).join(', ');
  await db.run(`SET TimeZone = 'UTC'`);
  await db.run(`CREATE TABLE rows AS SELECT * FROM read_csv('${join(root, 'rows.csv')}', header = false, auto_detect = false, allow_quoted_nulls = false, columns = {${columns}})`);
}, 120_000);

afterAll(async () => {
  db?.closeSync();
  duck?.closeSync();
  await Promise.all([postgres?.stop(), seaweed?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

/** Writes `select` (over the table `rows`) as Parquet to s3://checksum/<prefix>/part.parquet. */
async function writeParquet(prefix: string, select: string): Promise<string> {
  const file = join(root, `${prefix}.parquet`);
  await db.run(`COPY (${select}) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
  const client = createS3Client(s3);
  try {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/part.parquet`, Body: await readFile(file) }));
  } finally {
    client.destroy();
  }
  return `${prefix}/`;
}

const verify = (prefix: string) => verifyParquet(prefix, s3, prefix, join(root, 'verify'), source);

describe('checksum of a pipeline\'s Parquet against the source table', () => {
  it('Postgres counts the rows and sums a non-zero checksum', () => {
    expect(source.rows).toBe(1000);
    expect(BigInt(source.checksum)).toBeGreaterThan(0n);
  });

  it('matches a faithful copy in the source\'s types, and one in the types dlt and the connectors write', async () => {
    const same = await verify(await writeParquet('same-types', 'SELECT * FROM rows'));
    expect(same).toMatchObject({ rows: 1000, checksum: source.checksum, codecs: 'ZSTD', files: 1 });
    // DECIMAL(38,9), a TIMESTAMP without zone in UTC, extra columns before and after, another column order.
    const other = await verify(
      await writeParquet(
        'other-types',
        `SELECT uuid()::VARCHAR AS _airbyte_ab_id, note, amount::DECIMAL(38,9) AS amount, created_at::TIMESTAMP AS created_at, name, id, 'x' AS _dlt_id FROM rows`,
      ),
    );
    expect(other.checksum).toBe(source.checksum);
  });

  it('catches one changed value, a NULL turned into an empty string, a lost row and a row duplicated in place of another', async () => {
    await expect(verify(await writeParquet('changed', `SELECT * REPLACE (CASE WHEN id = 500 THEN amount + 0.0001 ELSE amount END AS amount) FROM rows`))).rejects.toThrow(
      /values in s3:\/\/checksum\/changed\/ differ from the table's/,
    );
    await expect(verify(await writeParquet('null-to-empty', `SELECT * REPLACE (CASE WHEN id = 5 THEN '' ELSE note END AS note) FROM rows`))).rejects.toThrow(/differ/);
    await expect(verify(await writeParquet('lost', 'SELECT * FROM rows WHERE id <> 7'))).rejects.toThrow(/holds 999 rows in 1 Parquet files; the table has 1000/);
    await expect(
      verify(await writeParquet('duplicated', 'SELECT * FROM rows WHERE id <> 8 UNION ALL SELECT * FROM rows WHERE id = 9')),
    ).rejects.toThrow(/differ/);
  });
});
