// The CLI commands. Each returns the process exit code; errors thrown here are printed
// by cli.ts as one line.
import { createReadStream, existsSync, statSync, watch } from 'node:fs';
import path from 'node:path';
import { findConnection, jobFailureMessage, jobProgress, startSync, unwrap, waitForJob, type JobInfo, type SeededObject } from '@platform/api-client';
import { isPidAlive, tail } from '@platform/services';
import { apiClientUrl, loginHint } from './api-access';
import { credentialLines, readApiApplication } from './api-application';
import { connectPlatform, resolveConfig, seedFiles, seedPlatform, servicesNotUp, startPlatform, stopPlatform, type PlatformHandle, type PlatformOptions } from './platform';
import { progressPrinter, step } from './progress';
import { readRunFile } from './run-file';
import { formatRows, type SqlFormat } from './sql-output';
import { DremioClient, DremioQueryError } from '@platform/lake-query/client';
import { pypiDefinition } from './pypi-definition';
import { printServicesStatus, serviceState } from './status';
import { connectionSyncLines } from './connection-freshness';
import { cdcHealthLines } from './cdc-health';
import { runDockerDown, runDockerLogs, runDockerStatus, runDockerUp } from './docker/commands';
import { chooseRuntime, runtimeInUse } from './docker/runtime-choice';
import { connectDockerPlatform, seedDockerPlatform } from './docker/runtime';

const err = (line: string) => process.stderr.write(`${line}\n`);

export async function runUp(options: PlatformOptions, { seed }: { seed: boolean }): Promise<number> {
  const startedAt = performance.now();
  const progress = progressPrinter();
  const { config } = resolveConfig(options);
  const { runtime, reason } = await chooseRuntime(config.runtime);
  if (reason) err(reason);
  err(`Starting the platform (${runtime} runtime, state in ${config.stateDir})`);
  if (runtime === 'docker') return runDockerUp(options, { seed });
  const platform = await startPlatform({ ...options, runtime, onProgress: progress, onNotice: (message) => err(`  ! ${message}`) });
  if (platform.alreadyRunning) {
    const notUp = servicesNotUp(platform.run);
    if (platform.repaired.length) {
      err(`Repaired the running platform (supervisor pid ${platform.run.supervisorPid}):`);
      for (const action of platform.repaired) err(`  ${action}`);
    } else if (notUp.length === 0) {
      err(`Already running (supervisor pid ${platform.run.supervisorPid}), every service up; \`platform down\` stops it.`);
    }
    if (notUp.length) err(`Not up: ${notUp.map((s) => `${s.name} (${serviceState(s)})`).join(', ')}; see \`platform status\` and \`platform logs <service>\`.`);
    printEndpoints(platform, config.ports.webapp);
    return notUp.length ? 1 : 0;
  }
  err(`  healthy in ${Math.round(performance.now() - startedAt)} ms`);
  let seeded: SeededObject[] = [];
  if (seed) {
    try {
      seeded = await step(progress, 'seed (config/seeds)', () => seedPlatform(platform));
    } catch (error) {
      err(`Seeding failed: ${(error as Error).message}\nThe platform is up; fix the seed and run \`platform seed\`.`);
      printEndpoints(platform, config.ports.webapp);
      return 1;
    }
    for (const object of seeded) err(`    ${object.action} ${object.kind} "${object.name}" ${object.id}`);
  }
  printEndpoints(platform, config.ports.webapp, seeded.find((o) => o.kind === 'connection'));
  return 0;
}

function printEndpoints({ run }: PlatformHandle, webappPort: number, connection?: SeededObject): void {
  console.log(`
  API (Config API v1)  ${run.apiUrl}/api/v1        health: ${run.apiUrl}/api/v1/health
  S3                   ${run.s3.endpoint}            bucket ${run.s3.bucket}, key ${run.s3.accessKeyId}
  Postgres             postgresql://${run.postgres.user}@${run.postgres.host}:${run.postgres.port}  databases platform, source_db, analytics_db
  Query (Dremio API)   ${run.query.url}/api/v3        user ${run.query.user}; Postgres wire: psql -h ${run.postgres.host} -p ${run.query.pgPort} -U ${run.query.user}
  Web UI               http://localhost:${webappPort}
  State and logs       ${run.stateDir}  (platform logs <service>)

Trigger a sync:
  pnpm platform sync ${JSON.stringify(connection?.name ?? '<connection name>')}
  curl -X POST ${run.apiUrl}/api/v1/connections/sync -H "Content-Type: application/json" -d '{"connectionId": "${connection?.id ?? '<connection id>'}"}'`);
}

export async function runDown(options: PlatformOptions, docker: { volumes: boolean; yes: boolean } = { volumes: false, yes: false }): Promise<number> {
  const { config, paths } = resolveConfig(options);
  if (runtimeInUse(paths, config.runtime) === 'docker') return runDockerDown(options, docker);
  if (docker.volumes) throw new Error('--volumes removes the docker runtime\'s volumes; the embedded runtime keeps its data in the state folder');
  const startedAt = performance.now();
  const wasRunning = await stopPlatform(options);
  err(wasRunning ? `Stopped in ${Math.round(performance.now() - startedAt)} ms; state kept in ${paths.root}` : `Not running (state in ${paths.root}).`);
  return 0;
}

/** The public API's URL and application, one VAR=value a line (stdout only, for scripts). */
export function runCredentials(options: PlatformOptions): number {
  const { config, paths } = resolveConfig(options);
  if (runtimeInUse(paths, config.runtime) === 'docker') {
    err('credentials: the docker runtime has no public API application yet; use the embedded runtime (`platform up --runtime embedded`)');
    return 1;
  }
  const application = readApiApplication(paths.apiApplicationFile);
  if (!application) {
    err(`credentials: no application in ${paths.root} yet; \`platform up\` creates it`);
    return 1;
  }
  console.log(credentialLines(apiClientUrl(config.api, config.ports.api), application).join('\n'));
  return 0;
}

export async function runStatus(options: PlatformOptions): Promise<number> {
  const { config, paths } = resolveConfig(options);
  if (runtimeInUse(paths, config.runtime) === 'docker') return runDockerStatus(options);
  const run = readRunFile(paths.runFile);
  if (!run) {
    console.log(`not running (state in ${paths.root})`);
    return 1;
  }
  if (!isPidAlive(run.supervisorPid)) {
    console.log(`not running: stale run file ${paths.runFile} (supervisor pid ${run.supervisorPid} is gone); \`platform up\` cleans it up`);
    return 1;
  }
  console.log(`platform ${run.state} since ${run.startedAt} (supervisor pid ${run.supervisorPid}, state in ${run.stateDir})\n`);
  const healthy = await printServicesStatus(run);
  const platform = connectPlatform(options);
  const cdc = platform ? await cdcHealthLines(platform.client).catch((error: Error) => [`unknown (${error.message})`]) : [];
  if (cdc.length) console.log(`\nCDC sources (replication slot WAL):\n${cdc.map((line) => `  ${line}`).join('\n')}`);
  const syncs = platform ? await connectionSyncLines(platform.client).catch((error: Error) => [`unknown (${error.message})`]) : [];
  if (syncs.length) console.log(`\nConnections (last sync; freshness = time since the last successful sync):\n${syncs.map((line) => `  ${line}`).join('\n')}`);
  console.log(loginHint(run.apiUrl, run.apiCredentials));
  return healthy ? 0 : 1;
}

export async function runLogs(
  options: PlatformOptions,
  { service, job, attempt, lines, follow }: { service?: string; job?: number; attempt?: number; lines: number; follow: boolean },
): Promise<number> {
  if (job !== undefined) {
    const platform = await requireRunning(options);
    const info = await unwrap('jobs/get', platform.client.POST('/v1/jobs/get', { body: { id: job } }));
    const chosen = attempt === undefined ? info.attempts.at(-1) : info.attempts.find((a) => a.attempt.id === attempt);
    if (!chosen) {
      throw new Error(info.attempts.length ? `job ${job} has no attempt ${attempt} (attempts: ${info.attempts.map((a) => a.attempt.id).join(', ')})` : `job ${job} has no attempt yet`);
    }
    console.log(chosen.logs.logLines.slice(-lines).join('\n'));
    return 0;
  }
  const { config, paths } = resolveConfig(options);
  if (runtimeInUse(paths, config.runtime) === 'docker') return runDockerLogs(options, { service, lines, follow });
  const file = path.join(paths.logsDir, `${service ?? 'supervisor'}.log`);
  if (!existsSync(file)) throw new Error(`no log ${file} (services: postgres, s3, server, worker, query, webapp, supervisor)`);
  console.log(tail(file, lines));
  if (follow) await followFile(file);
  return 0;
}

/** Prints what is appended to `file` until the process is interrupted. */
async function followFile(file: string): Promise<never> {
  let offset = statSync(file).size;
  const printNew = () => {
    const size = statSync(file).size;
    if (size < offset) offset = 0; // truncated
    if (size === offset) return;
    createReadStream(file, { start: offset, end: size - 1 }).pipe(process.stdout, { end: false });
    offset = size;
  };
  watch(file, printNew);
  return new Promise<never>(() => {});
}

export async function runSeed(options: PlatformOptions, files: string[]): Promise<number> {
  const platform = await requireRunning(options);
  const chosen = files.length ? files.map((f) => path.resolve(f)) : seedFiles(platform.configDir);
  const seeded = await (platform.run.supervisorPid === 0 ? seedDockerPlatform(platform, chosen) : seedPlatform(platform, chosen));
  for (const object of seeded) console.log(`${object.action} ${object.kind} "${object.name}" ${object.id}`);
  return 0;
}

export async function runSync(options: PlatformOptions, nameOrId: string, { wait }: { wait: boolean }): Promise<number> {
  const platform = await requireRunning(options);
  const connection = await findConnection(platform.client, nameOrId);
  const started = await startSync(platform.client, connection.connectionId);
  const jobId = started.job.id;
  err(`sync of "${connection.name}" started: job ${jobId}`);
  if (!wait) {
    console.log(jobId);
    return 0;
  }
  const startedAt = performance.now();
  const show = jobLinePrinter(jobId, startedAt);
  const done = await waitForJob(platform.client, jobId, { onUpdate: show });
  show(done, true);
  if (done.job.status === 'succeeded') return 0;
  err(`job ${jobId} ${done.job.status}${jobFailureMessage(done) ? `: ${jobFailureMessage(done)}` : ''}\n  logs: pnpm platform logs --job ${jobId}`);
  return 1;
}

/** `connectors add airbyte-source-faker==7.2.1`: the server installs it (PyPI) and registers it once it answers spec. */
export async function runConnectorsAdd(options: PlatformOptions, requirement: string, name?: string): Promise<number> {
  const definition = pypiDefinition(requirement);
  const platform = await requireRunning(options);
  const body = { name: name ?? definition.dockerRepository.replace('airbyte/', ''), dockerRepository: definition.dockerRepository, dockerImageTag: definition.dockerImageTag };
  err(`installing ${requirement} (PyPI) on the platform; this takes a minute or two`);
  const created =
    definition.kind === 'source'
      ? await unwrap('source_definitions/create_custom', platform.client.POST('/v1/source_definitions/create_custom', { body: { sourceDefinition: body } }))
      : await unwrap('destination_definitions/create_custom', platform.client.POST('/v1/destination_definitions/create_custom', { body: { destinationDefinition: body } }));
  const id = 'sourceDefinitionId' in created ? created.sourceDefinitionId : created.destinationDefinitionId;
  err(`${definition.kind} definition "${created.name}" registered (${created.dockerRepository}:${created.dockerImageTag})`);
  console.log(id);
  return 0;
}

/** A progress line for a job: rewritten in place on a TTY, printed on change (at most every 5 s) elsewhere. */
function jobLinePrinter(jobId: number, startedAt: number): (job: JobInfo, final?: boolean) => void {
  const interactive = process.stderr.isTTY === true;
  let lastPrinted = 0;
  let lastLine = '';
  return (job, final = false) => {
    const { records, bytes } = jobProgress(job);
    const attempts = job.attempts.length > 1 ? `, attempt ${job.attempts.length}` : '';
    const line = `  job ${jobId} ${job.job.status}${attempts}: ${records.toLocaleString('en-US')} records, ${formatBytes(bytes)}, ${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
    if (interactive) {
      process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
      return;
    }
    const content = line.replace(/, [\d.]+ s$/, '');
    if (final || (content !== lastLine && Date.now() - lastPrinted > 5_000)) {
      err(line);
      lastPrinted = Date.now();
      lastLine = content;
    }
  };
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export async function runSql(options: PlatformOptions, sql: string, format: SqlFormat): Promise<number> {
  const { run } = await requireRunning(options);
  const client = await DremioClient.login(run.query.url, run.query.user, run.query.password);
  try {
    const result = await client.query(sql);
    console.log(formatRows(result.schema.map((f) => f.name), result.rows, format));
    return 0;
  } catch (error) {
    if (error instanceof DremioQueryError) throw new Error(`query ${error.jobState.toLowerCase()}: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
    throw error;
  }
}

async function requireRunning(options: PlatformOptions): Promise<PlatformHandle> {
  const { config, paths } = resolveConfig(options);
  const platform = runtimeInUse(paths, config.runtime) === 'docker' ? await connectDockerPlatform(options) : connectPlatform(options);
  if (!platform) throw new Error('the platform is not running; start it with `pnpm platform up`');
  return platform;
}
