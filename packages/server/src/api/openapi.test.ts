import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOpenApi, OPENAPI_PATH } from './openapi';
import * as routeModules from './routes/index';

describe('openapi.yaml', () => {
  it('has a handler for every operation (the document stays the truth, not a wish list)', () => {
    const handled = new Set(Object.values(routeModules).flatMap((m) => Object.keys(m).map((k) => `/v1/${k}`)));
    handled.add('/v1/openapi.yaml'); // served by the transport itself
    expect([...loadOpenApi().operations.keys()].filter((path) => !handled.has(path))).toEqual([]);
  });

  it('matches the generated openapi-types.ts of @platform/api-types (run `pnpm --filter @platform/server generate`)', () => {
    const cli = fileURLToPath(new URL('../../node_modules/.bin/openapi-typescript', import.meta.url));
    const generated = execFileSync(cli, [OPENAPI_PATH], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(generated).toBe(readFileSync(createRequire(import.meta.url).resolve('@platform/api-types/openapi-types.ts'), 'utf8'));
  });
});
