// Whole-platform idle memory: every process the supervisor's run file names, each with its
// descendants (Postgres's backends, tsx's esbuild service, a replication child if one runs), and
// the supervisor with the rest of its process tree.
import { setTimeout as sleep } from 'node:timers/promises';
import { groupMemory, processChildren, processTree, type ProcessGroupMemory, type TreeMemory } from './proc-stats';
import { isActiveJobStatus, readRunFile, statePaths, unwrap, type PlatformClient } from './workspace';

export interface PlatformMemory {
  /** postgres, s3, server, worker (each with its descendants), then the supervisor with the rest of its tree. */
  groups: ProcessGroupMemory[];
  total: TreeMemory;
}

export function platformMemory(stateDir: string): PlatformMemory {
  const run = readRunFile(statePaths(stateDir).runFile);
  if (!run) throw new Error(`no run file in ${stateDir}: the platform is not running`);
  const children = processChildren();
  const groups = run.services.map((s) => groupMemory(s.name, processTree(s.pid, children)));
  // The supervisor with whatever else runs under it that is no service's (tsx's esbuild service).
  const counted = new Set(groups.flatMap((g) => g.pids));
  groups.push(groupMemory('supervisor', processTree(run.supervisorPid, children).filter((pid) => !counted.has(pid))));
  return {
    groups,
    total: {
      pids: groups.flatMap((g) => g.pids),
      pssBytes: groups.reduce((n, g) => n + g.pssBytes, 0),
      rssBytes: groups.reduce((n, g) => n + g.rssBytes, 0),
    },
  };
}

/**
 * A freshly seeded platform is not idle yet: the seeded connection has a schedule and has never
 * run, so the scheduler (a pass every 10 s) enqueues its first sync at once. Waits until a sync
 * job has ended and none is queued or running, or until `quietMs` pass without any job.
 * Returns what it saw, for the notes.
 */
export async function waitForSeededSync(client: PlatformClient, quietMs = 25_000, timeoutMs = 180_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const { jobs } = await unwrap('jobs/list', client.POST('/v1/jobs/list', { body: { configTypes: ['sync'] } }));
    const active = jobs.filter((j) => isActiveJobStatus(j.job.status));
    const ended = jobs.filter((j) => !isActiveJobStatus(j.job.status));
    if (active.length === 0 && ended.length > 0) {
      return `the seeded connection's first scheduled sync ran (${ended.map((j) => `job ${j.job.id}, ${j.job.status}`).join('; ')})`;
    }
    if (jobs.length === 0 && Date.now() - started > quietMs) return `no sync job was scheduled within ${quietMs / 1000} s of seeding`;
    if (Date.now() - started > timeoutMs) throw new Error(`sync jobs still active ${timeoutMs / 1000} s after seeding: ${active.map((j) => `job ${j.job.id} ${j.job.status}`).join(', ')}`);
    await sleep(500);
  }
}
