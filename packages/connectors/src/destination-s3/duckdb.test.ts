import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckDbMemoryLimit, openDuckDb } from './duckdb';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duckdb-limits-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('DuckDB memory limit', () => {
  it('is half the memory the platform gives the connector in its context', async () => {
    const duckdb = await openDuckDb(dir, { memoryMiB: 2048 });
    try {
      const reader = await duckdb.connection.runAndReadAll(`SELECT current_setting('memory_limit') AS limit`);
      // DuckDB shows 1024 MiB as "1.0 GiB".
      expect(reader.getRowObjects()[0].limit).toBe('1.0 GiB');
    } finally {
      duckdb.close();
    }
  });

  it('never goes below 64 MiB, and without limits falls back to the CLI setting, then 256MB', () => {
    expect(duckDbMemoryLimit({ memoryMiB: 48 })).toBe('64MiB');
    expect(duckDbMemoryLimit({ memoryMiB: 2048 }, { DESTINATION_S3_DUCKDB_MEMORY_LIMIT: '4GB' })).toBe('1024MiB');
    expect(duckDbMemoryLimit(undefined, { DESTINATION_S3_DUCKDB_MEMORY_LIMIT: '4GB' })).toBe('4GB');
    expect(duckDbMemoryLimit(undefined, {})).toBe('256MB');
  });
});
