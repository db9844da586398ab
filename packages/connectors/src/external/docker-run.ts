// An external connector packaged as a Docker image (Airbyte's own way), run by the same
// adapter as a local program: `docker run --rm -i` with the run's private directory mounted
// read-only at the same path, so `--config <dir>/config.json` means the same inside. stdin and
// stdout are the client's, which the engine attaches to the container's; the memory limit is
// the engine's (cgroup) instead of RLIMIT_AS. The container has a name of ours, so a run we
// stop with SIGKILL (which the client cannot forward) is removed by name.
export interface DockerRun {
  image: string;
  /** The run's private directory (config, catalog, state files). */
  dir: string;
  /** The verb and its `--config <file>` ... arguments. */
  verbArgs: string[];
  memoryMiB?: number;
  /** Extra environment the connector gets (never secrets). */
  env?: Record<string, string>;
  /** Unique per run: how a run is removed when its client was killed. */
  containerName: string;
}

/** The `docker` arguments that run `image verbArgs` as an Airbyte connector. */
export function dockerRunArgs(run: DockerRun): string[] {
  const args = ['run', '--rm', '-i', '--name', run.containerName];
  // The connector reaches what a local program would (127.0.0.1 services of the platform).
  args.push('--network', 'host');
  args.push('--volume', `${run.dir}:${run.dir}:ro`);
  // No swap beyond the limit: past it the kernel's OOM killer ends the container (exit 137).
  if (run.memoryMiB !== undefined) args.push('--memory', `${run.memoryMiB}m`, '--memory-swap', `${run.memoryMiB}m`);
  for (const [key, value] of Object.entries(run.env ?? {})) args.push('--env', `${key}=${value}`);
  args.push(run.image, ...run.verbArgs);
  return args;
}
