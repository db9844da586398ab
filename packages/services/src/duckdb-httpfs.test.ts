import { existsSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { findHttpfsExtension } from './duckdb-httpfs.js';
import { MissingDependencyError } from './errors.js';

const saved = { DUCKDB_HTTPFS_EXTENSION: process.env.DUCKDB_HTTPFS_EXTENSION, PATH: process.env.PATH };
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

it('finds the httpfs extension the wheel installed for the pinned DuckDB version', () => {
  delete process.env.DUCKDB_HTTPFS_EXTENSION;
  const file = findHttpfsExtension();
  expect(file).toMatch(/duckdb_extension_httpfs\/extensions\/v1\.5\.5\/httpfs\.duckdb_extension$/);
  expect(existsSync(file)).toBe(true);
});

it('says how to install the extension when it is missing', () => {
  process.env.DUCKDB_HTTPFS_EXTENSION = '/no/such/httpfs.duckdb_extension';
  expect(() => findHttpfsExtension()).toThrow(MissingDependencyError);
  delete process.env.DUCKDB_HTTPFS_EXTENSION;
  process.env.PATH = ''; // no python3 to ask
  expect(() => findHttpfsExtension()).toThrow(
    "DuckDB's httpfs extension (v1.5.5) not found: run `bash scripts/bootstrap.sh` or `pip install duckdb-extension-httpfs==1.5.5` (or set DUCKDB_HTTPFS_EXTENSION to the httpfs.duckdb_extension file)",
  );
});
