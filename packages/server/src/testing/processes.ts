// Test support for real processes: the platform's worker entry spawned as `platform up`
// starts it, and what /proc tells about processes besides @platform/services' childPids.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childPids, spawnNodeEntry } from '@platform/services';

const MAIN_WORKER = fileURLToPath(new URL('../main-worker.ts', import.meta.url));

/** Runs main-worker.ts with `env` on top of this process's environment; output appended to `logFile` (default: discarded). */
export function spawnWorkerProcess(env: Record<string, string>, logFile = '/dev/null'): ChildProcess {
  return spawnNodeEntry({ name: 'worker', entry: MAIN_WORKER, env: { ...process.env, ...env }, output: { logFile }, stopGraceMs: 30_000 }).child;
}

/** The replication child that a worker inside process `pid` started. */
export function replicationChildOf(pid: number): number | undefined {
  return childPids(pid).find((child) => existsSync(`/proc/${child}/cmdline`) && readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('replication-main'));
}

/** A process's environment as the kernel holds it. */
export function environmentOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** Polls `probe` until it returns something truthy. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
