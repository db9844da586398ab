// Whole-platform idle CPU: the CPU time (user + system, from /proc, not wall-clock) every platform
// process uses over a window in which nothing is asked of it, as % of one core. Each service is its
// process tree (Postgres's postmaster with its auxiliary processes and backends; node with tsx's
// esbuild service); the supervisor is the rest of its tree.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processChildren, processCpuSeconds, processTree } from './proc-stats';
import { readRunFile, statePaths } from './workspace';

export interface ProcessIdleCpu {
  service: string;
  pid: number;
  /** `postgres: checkpointer`, `node main-worker.ts`, `weed mini`. */
  label: string;
  /** CPU seconds in the window: its own and its reaped children's. */
  seconds: number;
}

export interface IdleCpu {
  windowSeconds: number;
  /** Per service, in the run file's order, then the supervisor. */
  services: Array<{ name: string; seconds: number; processes: number }>;
  /** Every process that used any CPU in the window, busiest first. */
  processes: ProcessIdleCpu[];
  totalSeconds: number;
}

type Snapshot = Map<number, { service: string; cpu: number }>;

export async function measureIdleCpu(stateDir: string, windowSeconds: number): Promise<IdleCpu> {
  const before = snapshot(stateDir);
  await sleep(windowSeconds * 1000);
  const after = snapshot(stateDir);
  const processes: ProcessIdleCpu[] = [];
  // A process that started in the window counts from zero; one that ended in it counts in its parent's reaped-children time.
  for (const [pid, { service, cpu }] of after) {
    processes.push({ service, pid, label: processLabel(pid), seconds: cpu - (before.get(pid)?.cpu ?? 0) });
  }
  const names = [...new Set([...after.values()].map((p) => p.service))];
  const services = names.map((name) => {
    const members = processes.filter((p) => p.service === name);
    return { name, seconds: members.reduce((n, p) => n + p.seconds, 0), processes: members.length };
  });
  return {
    windowSeconds,
    services,
    processes: processes.filter((p) => p.seconds > 0).sort((a, b) => b.seconds - a.seconds),
    totalSeconds: services.reduce((n, s) => n + s.seconds, 0),
  };
}

function snapshot(stateDir: string): Snapshot {
  const run = readRunFile(statePaths(stateDir).runFile);
  if (!run) throw new Error(`no run file in ${stateDir}: the platform is not running`);
  const children = processChildren();
  const result: Snapshot = new Map();
  const add = (service: string, pids: number[]) => {
    for (const pid of pids) {
      if (result.has(pid)) continue;
      const { own, reapedChildren } = processCpuSeconds(pid);
      result.set(pid, { service, cpu: own + reapedChildren });
    }
  };
  for (const service of run.services) add(service.name, processTree(service.pid, children));
  add('supervisor', processTree(run.supervisorPid, children));
  return result;
}

/** What a person would call the process: Postgres's own title, else the command and its script's file name. */
function processLabel(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (argv.length === 1) return argv[0]; // postgres sets its title as one string: "postgres: checkpointer"
    const command = argv[0].split('/').at(-1)!;
    // The entry comes last, after loader flags (`--import file:///…/tsx/…/loader.mjs`).
    const script = argv.slice(1).filter((a) => /\.(ts|js|mjs)$/.test(a) && !a.startsWith('-')).at(-1);
    const sub = command === 'weed' ? argv.find((a) => !a.startsWith('-') && a !== argv[0]) : undefined;
    return [command, sub ?? script?.split('/').at(-1)].filter(Boolean).join(' ');
  } catch {
    return '(exited)';
  }
}
