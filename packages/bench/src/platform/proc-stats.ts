// Memory and CPU time of process trees from /proc (Linux). Memory as PSS, where a page shared by
// n processes counts 1/n to each, so sums over Postgres's postmaster and backends stay honest;
// and as plain RSS, which counts shared pages once per process and so overstates a sum.
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeMemory {
  pids: number[];
  pssBytes: number;
  rssBytes: number;
}

/** Children of every process, from field 4 (ppid) of /proc/<pid>/stat; one snapshot for many trees. */
export function processChildren(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name in brackets may hold spaces and ')'; the fields after the last ') ' do not.
    const ppid = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  return children;
}

/** `pid` and all its descendants. */
export function processTree(pid: number, children = processChildren()): number[] {
  const tree: number[] = [];
  for (const pending = [pid]; pending.length > 0; ) {
    const current = pending.pop()!;
    tree.push(current);
    pending.push(...(children.get(current) ?? []));
  }
  return tree;
}

/** Summed PSS and RSS of the given processes; ones that exited meanwhile count nothing. */
export function memoryOf(pids: number[]): TreeMemory {
  let pssKb = 0;
  let rssKb = 0;
  const alive: number[] = [];
  for (const pid of pids) {
    let rollup: string;
    try {
      rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    } catch {
      continue;
    }
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    pssKb += field('Pss');
    rssKb += field('Rss');
    alive.push(pid);
  }
  return { pids: alive, pssBytes: pssKb * 1024, rssBytes: rssKb * 1024 };
}

/** Memory of a named set of processes, with their command names. */
export interface ProcessGroupMemory extends TreeMemory {
  name: string;
  /** Command names, counted: "postgres ×11", "node, esbuild". */
  commands: string;
}

export function groupMemory(name: string, pids: number[]): ProcessGroupMemory {
  const memory = memoryOf(pids);
  return { name, commands: commandNames(memory.pids), ...memory };
}

function commandNames(pids: number[]): string {
  const counts = new Map<string, number>();
  for (const pid of pids) {
    let name = '?';
    try {
      name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // exited meanwhile
    }
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([command, n]) => (n > 1 ? `${command} ×${n}` : command)).join(', ');
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node runs on

/** utime, stime, cutime, cstime of one process in clock ticks; undefined once it is gone. */
function cpuTicks(pid: number): [number, number, number, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields 14–17, i.e. 12th–15th after the command name.
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return [Number(f[11]), Number(f[12]), Number(f[13]), Number(f[14])];
  } catch {
    return undefined;
  }
}

/** A process's own CPU seconds, and what its exited-and-reaped children used (cutime + cstime). */
export function processCpuSeconds(pid: number): { own: number; reapedChildren: number } {
  const [utime, stime, cutime, cstime] = cpuTicks(pid) ?? [0, 0, 0, 0];
  return { own: (utime + stime) / CLOCK_TICKS_PER_SECOND, reapedChildren: (cutime + cstime) / CLOCK_TICKS_PER_SECOND };
}

/** Resident set now and its high-water mark (VmHWM), in bytes; zeros once the process is gone. */
export function residentBytes(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/**
 * User + system CPU seconds a process tree has used so far, including descendants that have
 * exited and were reaped (a Postgres backend whose connection closed): each live process's own
 * utime + stime plus its cutime + cstime, which hold what its reaped children used.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    // A member that exited meanwhile counts nothing.
    for (const t of cpuTicks(member) ?? []) ticks += t;
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}
