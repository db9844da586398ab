// Runs the `platform` CLI as a user would (`pnpm platform ...` runs the same file).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stopPlatform } from '@platform/launcher';

const PLATFORM_BIN = createRequire(import.meta.url).resolve('@platform/launcher/bin');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function platformCli(args: string[], timeoutMs = 240_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PLATFORM_BIN, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Stops the platform through the CLI as users do (stopPlatform also cleans up after a dead supervisor), then removes its state unless KEEP_E2E_STATE is set. */
export async function tearDownPlatform(stateDir: string, flags: string[]): Promise<void> {
  await platformCli(['down', ...flags]).catch(() => undefined);
  await stopPlatform({ stateDir }).catch(() => undefined);
  if (process.env.KEEP_E2E_STATE) console.log(`state kept in ${stateDir}`);
  else rmSync(stateDir, { recursive: true, force: true });
}
