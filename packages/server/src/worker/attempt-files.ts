// Where a replication child may write: one directory per attempt under the worker's tmp
// root, given to the child as its TMPDIR, so every spill file of its connectors (source rows
// in plaintext, Parquet parts, DuckDB's spill) lives there. The worker removes the directory
// once the child has exited, however the attempt ended. A worker killed together with its
// child removes nothing, so every worker also sweeps the root: whatever is not the directory
// of a running attempt goes (the root belongs to the workers of one platform database).
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const ATTEMPT_DIR = /^attempt-(\d+)$/;

export function attemptDir(root: string, attemptId: number): string {
  return join(root, `attempt-${attemptId}`);
}

/** Readable by the worker's user only: it holds source rows. */
export async function createAttemptDir(root: string, attemptId: number): Promise<string> {
  const dir = attemptDir(root, attemptId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function removeAttemptDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Removes every entry of `root` except the directories of attempts `running` reports as
 * still running; returns the names it removed.
 */
export async function sweepTmpRoot(root: string, running: (attemptIds: number[]) => Promise<Set<number>>): Promise<string[]> {
  const entries = await readdir(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length === 0) return [];
  const ids = entries.flatMap((name) => {
    const m = ATTEMPT_DIR.exec(name);
    return m ? [Number(m[1])] : [];
  });
  const alive = await running(ids);
  const stale = entries.filter((name) => {
    const m = ATTEMPT_DIR.exec(name);
    return !m || !alive.has(Number(m[1]));
  });
  await Promise.all(stale.map((name) => rm(join(root, name), { recursive: true, force: true })));
  return stale;
}
