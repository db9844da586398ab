// What /proc tells about a process tree: a process's children, and the memory of it and its
// descendants (for `platform status`). Linux only: elsewhere there are no children to find
// and no memory to report.
import { readdirSync, readFileSync } from 'node:fs';

/** The children of `pid`, started from any of its threads. */
export function childPids(pid: number): number[] {
  return safeReaddir(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/**
 * Memory of a process and its descendants (Postgres is one postmaster plus a process per
 * backend) in MiB, as PSS: shared pages are split among their users, so sums stay honest.
 * Undefined where /proc cannot tell (not Linux, or not our process).
 */
export function processTreeMemoryMiB(pid: number): number | undefined {
  let totalKiB = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const pss = pssKiB(current);
    if (pss === undefined) return current === pid ? undefined : totalKiB / 1024;
    totalKiB += pss;
    pending.push(...childPids(current));
  }
  return totalKiB / 1024;
}

function pssKiB(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
