// Which runtime a command uses. `up` takes the configured one, `auto` asking whether a Docker
// engine answers; the other commands follow what runs in the state folder (a docker run
// leaves its record there), so `platform status` needs no --runtime after `up --runtime docker`.
import type { Runtime } from '../config';
import type { StatePaths } from '../state';
import { probeEngine, type EngineInfo } from './engine';
import { readDockerRun } from './runtime';

export type ResolvedRuntime = 'embedded' | 'docker';

/** The runtime `up` starts, and why (said to the user when it was `auto`). */
export async function chooseRuntime(configured: Runtime, probe: () => Promise<EngineInfo | { unavailable: string }> = () => probeEngine()): Promise<{ runtime: ResolvedRuntime; reason?: string }> {
  if (configured !== 'auto') return { runtime: configured };
  const engine = await probe();
  if ('unavailable' in engine) return { runtime: 'embedded', reason: `runtime auto: embedded, no Docker engine answers (${engine.unavailable})` };
  return { runtime: 'docker', reason: `runtime auto: docker, Docker ${engine.serverVersion} answers (${engine.cpus} CPUs)` };
}

/** The runtime of what runs (or ran) in this state folder. */
export function runtimeInUse(paths: StatePaths, configured: Runtime): ResolvedRuntime {
  if (readDockerRun(paths)) return 'docker';
  return configured === 'docker' ? 'docker' : 'embedded';
}
