// Guards the generated client against drift: schema.d.ts must be exactly what the
// `generate` script makes from the server's openapi.yaml today.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

test('src/schema.d.ts is up to date with packages/server/openapi.yaml (run `pnpm --filter @platform/api-client generate`)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-client-schema-'));
  try {
    const fresh = path.join(dir, 'schema.d.ts');
    execFileSync(path.join(packageDir, 'node_modules/.bin/openapi-typescript'), ['../server/openapi.yaml', '-o', fresh], { cwd: packageDir, stdio: 'pipe' });
    expect(readFileSync(path.join(packageDir, 'src/schema.d.ts'), 'utf8')).toBe(readFileSync(fresh, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
