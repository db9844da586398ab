// The public API's application of a state folder, and `platform credentials` printing it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { credentialLines, ensureApiApplication, readApiApplication } from './api-application';

const BIN = fileURLToPath(new URL('../bin/platform.mjs', import.meta.url));
const NO_OVERRIDES = { PLATFORM_API_CLIENT_ID: '', PLATFORM_API_CLIENT_SECRET: '' };

const dirs: string[] = [];
const tempDir = () => {
  dirs.push(mkdtempSync(path.join(tmpdir(), 'api-application-')));
  return dirs.at(-1)!;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function platform(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, env: { ...process.env, ...NO_OVERRIDES } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('an application is generated once per state folder (0600) and found again', () => {
  const file = path.join(tempDir(), 'state', 'api-application.json');
  expect(readApiApplication(file, NO_OVERRIDES)).toBeUndefined();
  const created = ensureApiApplication(file, NO_OVERRIDES);
  expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
  expect(created.clientSecret.length).toBeGreaterThanOrEqual(32);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(ensureApiApplication(file, NO_OVERRIDES)).toEqual(created);
  expect(readApiApplication(file, NO_OVERRIDES)).toEqual(created);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(created);
});

test('PLATFORM_API_CLIENT_ID and PLATFORM_API_CLIENT_SECRET win over the file', () => {
  const file = path.join(tempDir(), 'api-application.json');
  const env = { PLATFORM_API_CLIENT_ID: 'ci-client', PLATFORM_API_CLIENT_SECRET: 'ci-secret' };
  expect(ensureApiApplication(file, env)).toEqual({ clientId: 'ci-client', clientSecret: 'ci-secret' });
});

test('a damaged application file is refused naming the fix', () => {
  const file = path.join(tempDir(), 'api-application.json');
  writeFileSync(file, '{"clientId": 1}');
  expect(() => readApiApplication(file, NO_OVERRIDES)).toThrow(/delete it and run `platform up`/);
});

test('`platform credentials` prints AIRBYTE_API_URL, AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET, one a line', async () => {
  const dir = tempDir();
  const application = ensureApiApplication(path.join(dir, 'api-application.json'), NO_OVERRIDES);
  const result = await platform(['credentials', '--state-dir', dir, '--api-port', '18123']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toBe(
    `AIRBYTE_API_URL=http://127.0.0.1:18123/api/public/v1\nAIRBYTE_CLIENT_ID=${application.clientId}\nAIRBYTE_CLIENT_SECRET=${application.clientSecret}\n`,
  );
  expect(result.stdout).toBe(`${credentialLines('http://127.0.0.1:18123', application).join('\n')}\n`);
});

test('`platform credentials` before any `up` says how to create the application', async () => {
  const result = await platform(['credentials', '--state-dir', tempDir()]);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/no application .* yet; `platform up` creates it/);
});
