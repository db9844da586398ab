// `platform up|down|status|logs` for the docker runtime. Each returns the exit code; errors
// thrown here are printed by cli.ts as one line (with the log tail of a failed service).
import { createInterface } from 'node:readline/promises';
import type { SeededObject } from '@platform/api-client';
import { loginHint } from '../api-access';
import { resolveConfig, type PlatformOptions } from '../platform';
import { progressPrinter, step } from '../progress';
import { formatTable } from '../table';
import { containerMemory, dockerClient, projectContainers, requireEngine, writeContainerLog } from './engine';
import { connectDockerPlatform, readDockerRun, seedDockerPlatform, startDockerPlatform, stopDockerPlatform } from './runtime';

const err = (line: string) => process.stderr.write(`${line}\n`);

export async function runDockerUp(options: PlatformOptions, { seed }: { seed: boolean }): Promise<number> {
  const startedAt = performance.now();
  const progress = progressPrinter();
  const platform = await startDockerPlatform({ ...options, onProgress: progress, onNotice: (message) => err(`  ! ${message}`) });
  err(`  healthy in ${Math.round(performance.now() - startedAt)} ms`);
  let seeded: SeededObject[] = [];
  if (seed) {
    try {
      seeded = await step(progress, 'seed (config/seeds)', () => seedDockerPlatform(platform));
    } catch (error) {
      err(`Seeding failed: ${(error as Error).message}\nThe platform is up; fix the seed and run \`platform seed\`.`);
      return 1;
    }
    for (const object of seeded) err(`    ${object.action} ${object.kind} "${object.name}" ${object.id}`);
  }
  const { config } = resolveConfig(options);
  const connection = seeded.find((o) => o.kind === 'connection');
  console.log(`
  API (Config API v1)  ${platform.apiUrl}/api/v1        health: ${platform.apiUrl}/api/v1/health
  S3 (MinIO)           ${platform.s3.endpoint}            bucket ${platform.s3.bucket}, key ${platform.s3.accessKeyId}
  Postgres             postgresql://${platform.postgres.user}@127.0.0.1:${platform.postgres.port}  databases platform, source_db, analytics_db
  ${config.docker.dremio ? 'Dremio              ' : 'Query (Dremio API)  '} ${platform.run.query.url}        user ${platform.run.query.user}${config.docker.dremio ? '' : `; Postgres wire on port ${config.ports.query_pg}`}
  Compose project      ${config.docker.project}  (pnpm platform status | logs <service> | down)

Trigger a sync:
  pnpm platform sync ${JSON.stringify(connection?.name ?? '<connection name>')}`);
  return 0;
}

export async function runDockerDown(options: PlatformOptions, { volumes, yes }: { volumes: boolean; yes: boolean }): Promise<number> {
  const { config, paths } = resolveConfig(options);
  if (!readDockerRun(paths)) {
    err(`Not running in docker (state in ${paths.root}).`);
    return 0;
  }
  if (volumes && !yes && !(await confirm(`Remove the volumes of project ${config.docker.project} (Postgres, MinIO${config.docker.dremio ? ', Dremio' : ''} and worker data)? This deletes the platform's data. [y/N] `))) {
    err('Nothing removed (pass --yes to confirm without a prompt).');
    return 1;
  }
  await stopDockerPlatform(options, { volumes });
  err(volumes ? `Stopped; containers and volumes of ${config.docker.project} removed.` : `Stopped; the volumes of ${config.docker.project} are kept (\`platform down --volumes\` removes them).`);
  return 0;
}

/** Asks on the terminal; without one (a pipe, CI) the answer is no. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    err('down --volumes needs a confirmation: run it in a terminal, or add --yes');
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

export async function runDockerStatus(options: PlatformOptions): Promise<number> {
  const { config, paths } = resolveConfig(options);
  const docker = dockerClient();
  await requireEngine(docker);
  const containers = (await projectContainers(docker, config.docker.project)).sort((a, b) => a.service.localeCompare(b.service));
  if (containers.length === 0) {
    console.log(`not running: compose project ${config.docker.project} has no containers (state in ${paths.root})`);
    return 1;
  }
  const rows = await Promise.all(
    containers.map(async (c) => {
      const memory = c.state === 'running' ? await containerMemory(docker, c.id) : undefined;
      return [
        c.service,
        c.state === 'exited' ? `exited (${c.exitCode})` : c.state,
        c.health,
        String(c.restarts),
        memory ? `${Math.round(memory.usedMiB)} / ${Math.round(memory.limitMiB)} MiB` : '-',
        c.ports.join(' ') || '-',
        c.image,
      ];
    }),
  );
  console.log(`compose project ${config.docker.project} (state in ${paths.root})\n`);
  console.log(formatTable(['SERVICE', 'STATE', 'HEALTH', 'RESTARTS', 'MEMORY / LIMIT', 'PORTS', 'IMAGE'], rows));
  for (const c of containers.filter((c) => c.health === 'unhealthy' && c.lastHealthOutput)) console.log(`${c.service}: last healthcheck: ${c.lastHealthOutput}`);
  const platform = await connectDockerPlatform(options);
  if (platform) console.log(`\n${loginHint(platform.apiUrl, platform.run.apiCredentials)}`);
  // Setup jobs are done when they exited 0; everything else must be running and healthy.
  const ok = containers.every((c) => (c.state === 'exited' ? c.exitCode === 0 : c.state === 'running' && (c.health === 'healthy' || c.health === 'none')));
  return ok ? 0 : 1;
}

export async function runDockerLogs(options: PlatformOptions, { service, lines, follow }: { service?: string; lines: number; follow: boolean }): Promise<number> {
  const { config } = resolveConfig(options);
  const docker = dockerClient();
  await requireEngine(docker);
  const containers = await projectContainers(docker, config.docker.project);
  const container = containers.find((c) => c.service === service);
  if (!container) {
    throw new Error(`no service "${service ?? ''}" in compose project ${config.docker.project} (services: ${containers.map((c) => c.service).sort().join(', ') || 'none'})`);
  }
  await writeContainerLog(docker, container.id, { lines, follow }, process.stdout, process.stderr);
  return 0;
}
