// Runs the `platform` CLI as a user would (`pnpm platform ...` runs the same file).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PLATFORM_BIN = fileURLToPath(new URL('../../launcher/bin/platform.mjs', import.meta.url));

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
