// Builds the UI (vite) into dist/ when it is missing: bootstrap builds it, and `platform up`
// on a checkout that was never bootstrapped builds it once before serving it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const WEBAPP_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEBAPP_DIST = path.join(WEBAPP_ROOT, 'dist');

export function webappBuilt(distDir = WEBAPP_DIST): boolean {
  return existsSync(path.join(distDir, 'index.html'));
}

/** Runs `vite build` in packages/webapp; resolves when dist/ is written, rejects with vite's output. */
export async function buildWebapp(): Promise<void> {
  // vite's `exports` hide bin/vite.js; its package.json names the CLI.
  const require = createRequire(path.join(WEBAPP_ROOT, 'package.json'));
  const manifest = require.resolve('vite/package.json');
  const vite = path.join(path.dirname(manifest), (require(manifest) as { bin: { vite: string } }).bin.vite);
  try {
    await promisify(execFile)(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: WEBAPP_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`building the web UI failed (pnpm --filter @platform/webapp build):\n${stderr || stdout || (error as Error).message}`);
  }
  if (!webappBuilt()) throw new Error(`building the web UI wrote no ${path.join(WEBAPP_DIST, 'index.html')}`);
}

export async function ensureWebappBuilt(): Promise<'built' | 'present'> {
  if (webappBuilt()) return 'present';
  await buildWebapp();
  return 'built';
}
