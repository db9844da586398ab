// Cold start: the whole platform (`startPlatform`, a detached supervisor bringing up embedded
// Postgres, SeaweedFS, the API server and a worker) in a fresh state folder on free ports, against
// its irreducible part: the same embedded Postgres and SeaweedFS started bare, side by side, as the
// supervisor starts them.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts, PostgresService, SeaweedService } from '@platform/services';
import { groupMemory, processTree, type ProcessGroupMemory } from './proc-stats';
import { seedPlatform, startPlatform, stopPlatform, unwrap, type PlatformHandle, type ProgressEvent } from './workspace';

export interface BareServicesStart {
  /** Both ready (they start in parallel). */
  seconds: number;
  postgresSeconds: number;
  s3Seconds: number;
  /** Idle memory of each, `idleWaitMs` after both were ready, when asked for. */
  idle?: { postgres: ProcessGroupMemory; s3: ProcessGroupMemory };
}

/** Starts embedded Postgres (initdb on an empty dir) and SeaweedFS side by side, then stops both and removes their data. */
export async function startBareServices(dir: string, idleWaitMs?: number): Promise<BareServicesStart> {
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  let postgresSeconds = 0;
  let s3Seconds = 0;
  const [postgres, s3] = await Promise.allSettled([
    new PostgresService({ dataDir: join(dir, 'postgres') }).start().then((s) => ((postgresSeconds = since()), s)),
    new SeaweedService({ dataDir: join(dir, 's3') }).start().then((s) => ((s3Seconds = since()), s)),
  ]);
  const seconds = since();
  try {
    if (postgres.status === 'rejected') throw postgres.reason;
    if (s3.status === 'rejected') throw s3.reason;
    let idle: BareServicesStart['idle'];
    if (idleWaitMs !== undefined) {
      await sleep(idleWaitMs);
      idle = { postgres: groupMemory('bare Postgres', processTree(postgres.value.pid!)), s3: groupMemory('bare SeaweedFS', processTree(s3.value.pid!)) };
    }
    return { seconds, postgresSeconds, s3Seconds, idle };
  } finally {
    if (postgres.status === 'fulfilled') await postgres.value.stop();
    if (s3.status === 'fulfilled') await s3.value.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface StepSpan {
  step: string;
  /** Seconds since startPlatform was called. */
  start: number;
  end: number;
}

export interface PlatformStart {
  platform: PlatformHandle;
  /** startPlatform resolved (the supervisor reports ready once the server answers /health and the worker runs) and our own GET /api/v1/health said available. */
  healthySeconds: number;
  /** …and config/seeds applied through the API (what `platform up` does next). */
  seededSeconds: number;
  steps: StepSpan[];
}

/**
 * Starts the platform in `stateDir` on free ports and seeds it. `registerStop` is told how to stop
 * it before anything starts, so a failure half-way (or Ctrl-C) still takes the supervisor down.
 *
 * `tmpDir` becomes the supervisor's TMPDIR, inherited by the server and worker. It matters because
 * tsx, which runs the platform's TypeScript, caches what it transpiled under $TMPDIR/tsx-<uid>: an
 * empty `tmpDir` gives a first start on a machine, one a previous start used a repeated start.
 */
export async function startPlatformTimed(stateDir: string, tmpDir: string, registerStop: (stop: () => Promise<void>) => void): Promise<PlatformStart> {
  await mkdir(tmpDir, { recursive: true });
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const spans = new Map<string, StepSpan>();
  const onProgress = (event: ProgressEvent) => {
    // "postgres on :5432" → "postgres"; "s3 (SeaweedFS) on ..." → "s3"
    const step = event.step.split(/[ (]/)[0];
    if (event.state === 'start') spans.set(step, { step, start: since(), end: NaN });
    else if (spans.has(step)) spans.get(step)!.end = since();
  };
  // The supervisor is spawned inside startPlatform after an await, so TMPDIR stays set until it resolves.
  const savedTmpDir = process.env.TMPDIR;
  process.env.TMPDIR = tmpDir;
  let platform: PlatformHandle;
  try {
    platform = await startPlatformOnFreePorts(stateDir, registerStop, onProgress);
  } finally {
    if (savedTmpDir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpDir;
  }
  const health = await unwrap('health', platform.client.GET('/v1/health'));
  if (!health.available) throw new Error(`the platform in ${stateDir} started but GET /api/v1/health says unavailable`);
  const healthySeconds = since();
  await seedPlatform(platform);
  const seededSeconds = since();
  return { platform, healthySeconds, seededSeconds, steps: [...spans.values()].sort((a, b) => a.start - b.start) };
}

/**
 * Starts the platform in `stateDir` with every port free-chosen, so it never meets another
 * platform on this machine. `registerStop` is told how to stop it (and remove `stateDir`) before
 * anything starts, so a failure half-way (or Ctrl-C) still takes the supervisor down.
 */
export async function startPlatformOnFreePorts(
  stateDir: string,
  registerStop: (stop: () => Promise<void>) => void,
  onProgress?: (event: ProgressEvent) => void,
): Promise<PlatformHandle> {
  const [api, webapp, postgres, s3, query, query_pg] = await freePorts(6);
  registerStop(async () => {
    await stopPlatform({ stateDir });
    await rm(stateDir, { recursive: true, force: true });
  });
  return startPlatform({ stateDir, ports: { api, webapp, postgres, s3, query, query_pg }, onProgress });
}
