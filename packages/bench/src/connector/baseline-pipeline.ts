// The baseline: the shortest bulk path with the same tools the connectors use, and no framework.
// COPY ... TO STDOUT (csv) into a temp file → DuckDB read_csv with explicit types → Parquet ZSTD
// → multipart streaming upload. Runs in a child process (see run-in-child.ts).
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { Upload } from '@aws-sdk/lib-storage';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { BENCH_COLUMNS } from './source-table';
import { createS3Client, type PostgresEndpoint, type S3Endpoint } from './endpoints';

export interface BaselineInput {
  postgres: PostgresEndpoint;
  table: string;
  s3: S3Endpoint;
  /** Object key of the Parquet file. */
  key: string;
  /** Where the CSV and Parquet temp files go. */
  workDir: string;
}

export interface BaselineOutput {
  /** Size of the table as COPY (FORMAT csv) writes it. */
  csvBytes: number;
}

export async function run(input: BaselineInput): Promise<BaselineOutput> {
  const csvPath = join(input.workDir, `${input.table}.csv`);
  const parquetPath = join(input.workDir, `${input.table}.parquet`);
  await copyTableToCsv(input.postgres, input.table, csvPath);
  const { size: csvBytes } = await stat(csvPath);
  await csvToParquet(csvPath, parquetPath, input.workDir);
  await rm(csvPath);
  await new Upload({ client: createS3Client(input.s3), params: { Bucket: input.s3.bucket, Key: input.key, Body: createReadStream(parquetPath) } }).done();
  await rm(parquetPath);
  return { csvBytes };
}

async function copyTableToCsv(postgres: PostgresEndpoint, table: string, csvPath: string): Promise<void> {
  const client = new pg.Client(postgres);
  await client.connect();
  try {
    await pipeline(client.query(copyTo(`COPY (SELECT * FROM ${table}) TO STDOUT (FORMAT csv)`)), createWriteStream(csvPath));
  } finally {
    await client.end();
  }
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

async function csvToParquet(csvPath: string, parquetPath: string, tempDir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: tempDir });
  const connection = await instance.connect();
  try {
    const columns = BENCH_COLUMNS.map((c) => `${sqlString(c.name)}: ${sqlString(c.duckdbType)}`).join(', ');
    // COPY's csv writes NULL as an empty unquoted field and '' quoted: only the former is NULL.
    await connection.run(
      `COPY (SELECT * FROM read_csv(${sqlString(csvPath)}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
         allow_quoted_nulls = false, columns = {${columns}}))
       TO ${sqlString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
