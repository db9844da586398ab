// CPU seconds each platform process spends while a pipeline runs, from /proc (exact CPU time, not
// wall-clock): every service's process tree, and the worker split into itself and its children
// (the replication child of a sync; counted once it exits and the worker has reaped it).
import { processCpuSeconds, treeCpuSeconds } from '../platform/proc-stats';
import { readRunFile, statePaths } from '../platform/workspace';

export type PlatformCpu = Record<string, number>;

/** CPU seconds used so far: one entry per service ("postgres", "s3", "server", "worker", "query"), plus "replication" (the worker's children). */
export function platformCpu(stateDir: string): PlatformCpu {
  const run = readRunFile(statePaths(stateDir).runFile);
  if (!run) throw new Error(`no run file in ${stateDir}: the platform is not running`);
  const cpu: PlatformCpu = {};
  for (const service of run.services) {
    const tree = treeCpuSeconds(service.pid);
    if (service.name === 'worker') {
      const { own } = processCpuSeconds(service.pid);
      cpu.worker = own;
      cpu.replication = tree - own;
    } else {
      cpu[service.name] = tree;
    }
  }
  return cpu;
}

export function cpuSpent(before: PlatformCpu, after: PlatformCpu): PlatformCpu {
  return Object.fromEntries(Object.entries(after).map(([name, seconds]) => [name, seconds - (before[name] ?? 0)]));
}
