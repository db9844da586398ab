// The replication child precompiled: one JavaScript file built by esbuild from
// ./replication-main.ts and its imports, so each attempt's child starts without tsx
// transpiling the ~120 TypeScript modules it loads. Bootstrap builds it (`pnpm --filter
// @platform/server build-child`), `platform up` builds it when missing or stale; the worker
// uses it only while it is fresh (no input changed since the build), else it runs the
// TypeScript entry with tsx and says why.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPLICATION_MAIN_TS = fileURLToPath(new URL('./replication-main.ts', import.meta.url));
export const REPLICATION_BUNDLE = fileURLToPath(new URL('../../dist/replication-main.mjs', import.meta.url));

/**
 * Native addons (DuckDB's) and pg, with its optional native binding, stay outside the bundle:
 * Node loads them from the node_modules next to it (packages/server's own dependencies).
 */
const EXTERNAL = ['@duckdb/node-api', 'pg', 'pg-native'];

/** Every file the bundle was built from, beside it, to tell whether it is still fresh. */
const inputsFileOf = (bundle: string) => bundle.replace(/\.mjs$/, '.inputs.json');

/** Builds the bundle at `outFile` (with its list of inputs), replacing a previous one whole. */
export async function buildReplicationBundle(outFile = REPLICATION_BUNDLE): Promise<void> {
  // A devDependency, loaded only to build: the worker itself never needs it.
  const { build } = await import('esbuild');
  // Written aside and renamed into place: another process may build or read them meanwhile.
  const partial = `${outFile}.${process.pid}.tmp`;
  const partialInputs = `${inputsFileOf(outFile)}.${process.pid}.tmp`;
  try {
    const result = await build({
      entryPoints: [REPLICATION_MAIN_TS],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: partial,
      external: EXTERNAL,
      metafile: true,
      logLevel: 'silent',
      // CommonJS dependencies call require(); an ES module has none unless it makes one.
      banner: { js: `import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);` },
    });
    const cwd = process.cwd();
    const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(cwd, input));
    await writeFile(partialInputs, JSON.stringify(inputs));
    await rename(partialInputs, inputsFileOf(outFile));
    await rename(partial, outFile);
  } finally {
    await Promise.all([rm(partial, { force: true }), rm(partialInputs, { force: true })]);
  }
}

export type ReplicationEntry = { path: string; precompiled: true } | { path: string; precompiled: false; reason: string };

/** Why the bundle at `bundle` cannot run the child now; undefined when it can. */
function bundleUnusable(bundle: string, env: NodeJS.ProcessEnv): string | undefined {
  // Those are TypeScript modules (tests' fake connectors), which only tsx can import.
  if (env.PLATFORM_EXTRA_CONNECTORS) return 'PLATFORM_EXTRA_CONNECTORS is set';
  const inputsFile = inputsFileOf(bundle);
  if (!existsSync(bundle) || !existsSync(inputsFile)) return `no build at ${bundle} (pnpm --filter @platform/server build-child)`;
  const builtAt = statSync(bundle).mtimeMs;
  let inputs: string[];
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as string[];
  } catch (err) {
    return `${inputsFile} is unreadable: ${(err as Error).message}`;
  }
  for (const input of inputs) {
    const changed = statSync(input, { throwIfNoEntry: false });
    if (!changed || changed.mtimeMs > builtAt) return `${input} changed since the build (pnpm --filter @platform/server build-child)`;
  }
  return undefined;
}

/** The child's entry: the bundle when it is fresh, else the TypeScript entry with the reason. */
export function replicationEntry(env: NodeJS.ProcessEnv = process.env, bundle = REPLICATION_BUNDLE): ReplicationEntry {
  const reason = bundleUnusable(bundle, env);
  return reason === undefined ? { path: bundle, precompiled: true } : { path: REPLICATION_MAIN_TS, precompiled: false, reason };
}

/** Builds the bundle when it is missing or stale; true when it was (re)built. */
export async function ensureReplicationBundle(bundle = REPLICATION_BUNDLE): Promise<boolean> {
  if (bundleUnusable(bundle, {}) === undefined) return false;
  await buildReplicationBundle(bundle);
  return true;
}
