import { describe, expect, it } from 'vitest';
import { childEnvironment } from './child-env';

describe('childEnvironment', () => {
  it("passes the allow-list and what the worker sets, nothing else of the worker's environment", () => {
    const worker = {
      PATH: '/usr/bin',
      HOME: '/home/platform',
      LC_ALL: 'C.UTF-8',
      NODE_OPTIONS: '--enable-source-maps',
      SOURCE_POSTGRES_CHUNK_ROWS: '5000',
      DESTINATION_S3_DUCKDB_THREADS: '2',
      PLATFORM_SECRET_KEY: 'key',
      PLATFORM_DATABASE_URL: 'postgresql://postgres:pw@127.0.0.1/platform',
      PGPASSWORD: 'pw',
      AWS_SECRET_ACCESS_KEY: 'aws',
      WORKER_ID: 'worker-1',
    };
    expect(childEnvironment(worker, { TMPDIR: '/state/tmp/attempt-7', DUCKDB_MEMORY_LIMIT: '512MiB' })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/platform',
      LC_ALL: 'C.UTF-8',
      NODE_OPTIONS: '--enable-source-maps',
      SOURCE_POSTGRES_CHUNK_ROWS: '5000',
      DESTINATION_S3_DUCKDB_THREADS: '2',
      TMPDIR: '/state/tmp/attempt-7',
      DUCKDB_MEMORY_LIMIT: '512MiB',
    });
  });
});
