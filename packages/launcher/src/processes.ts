// What /proc tells about a process tree (memory for `platform status`).
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of a process and its descendants (Postgres is one postmaster plus a process per
 * backend) in MiB, as PSS: shared pages are split among their users, so sums stay honest.
 * Undefined where /proc cannot tell (not Linux, or not our process).
 */
export function processTreeMemoryMiB(pid: number): number | undefined {
  const children = new Map<number, number[]>();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentPid(Number(entry));
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  let totalKiB = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const pss = pssKiB(current);
    if (pss === undefined) return current === pid ? undefined : totalKiB / 1024;
    totalKiB += pss;
    pending.push(...(children.get(current) ?? []));
  }
  return totalKiB / 1024;
}

function parentPid(pid: number): number | undefined {
  try {
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return undefined;
  }
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
