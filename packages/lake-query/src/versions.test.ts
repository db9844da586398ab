import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { versions } from '@platform/services';

it('uses the DuckDB version the pinned httpfs extension wheel is built for', () => {
  // An extension loads only into the exact DuckDB version it was built for.
  const installed = JSON.parse(readFileSync(new URL('../node_modules/@duckdb/node-api/package.json', import.meta.url), 'utf8')) as { version: string };
  expect(installed.version.split('-')[0]).toBe(versions.duckdbHttpfs);
});
