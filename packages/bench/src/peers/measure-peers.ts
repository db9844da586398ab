// One table size of the peers scenario: the bench table generated in the platform's source_db,
// then four pipelines copy it to the platform's S3 bucket, alternating, each checked row count and
// checksum against the source: the bare baseline, the connectors in a child process, a sync
// through the platform's API, and dlt + ConnectorX. For each run, the CPU time Postgres and
// SeaweedFS spent on it (and for the sync, every platform process) is taken from /proc.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { PostgresEndpoint, S3Endpoint } from '../connector/endpoints';
import type { SourceTableStats } from '../connector/source-table';
import type * as Baseline from '../connector/baseline-pipeline';
import { runInChild } from '../lib/run-in-child';
import { prepareSync, runBaselineSync, runPlatformSync, type SyncEnv, type SyncPhases, type SyncSetup } from '../platform/demo-sync';
import { descendantsOf, PeakRssSampler } from '../platform/peak-rss-sampler';
import type { PlatformHandle } from '../platform/workspace';
import { sourceChecksum, verifyParquet, type TableChecksum, type VerifiedOutput } from './checksum';
import { runDlt } from './dlt-pipeline';
import { cpuSpent, platformCpu, type PlatformCpu } from './platform-cpu';

const BASELINE_URL = new URL('../connector/baseline-pipeline.ts', import.meta.url);
const SOURCE_DATABASE = 'source_db';

export type PipelineName = 'baseline' | 'connectors' | 'platform' | 'dlt';
export const PIPELINES: readonly PipelineName[] = ['baseline', 'connectors', 'platform', 'dlt'];

export interface PipelineRun {
  /** What rows/s is computed from: for the platform the job (request → job end), for the others the pipeline inside its process. */
  seconds: number;
  /** CPU time of the pipeline's own process(es): the child, dlt's Python, or the replication child. */
  cpuSeconds: number;
  peakRssBytes: number;
  output: VerifiedOutput;
  /** CPU seconds of every platform process during the run, its output check excluded (postgres, s3, server, worker, replication, query). */
  platformCpu: PlatformCpu;
  /** Platform sync only: where the job's time went. */
  phases?: SyncPhases;
}

export interface PeersSize {
  table: string;
  source: SourceTableStats;
  checksum: TableChecksum;
  /** The table as COPY (FORMAT csv) text, from the baseline. */
  csvBytes: number;
  repeat: number;
  /** 1-minute load average when this size started and when it ended: other work on the machine. */
  loadAverage: [number, number];
  /** Fastest run of each pipeline, with the highest peak RSS of its runs. */
  runs: Record<PipelineName, PipelineRun>;
}

export interface PeersEnv {
  platform: PlatformHandle;
  /** Superuser connection to the platform database (job timings). */
  platformDb: pg.Client;
  python: string;
  workDir: string;
  repeat: number;
  log(message: string): void;
}

export async function measurePeers(env: PeersEnv, rows: number): Promise<PeersSize> {
  const loadAtStart = loadavg()[0];
  const { platform } = env;
  const s3: S3Endpoint = { ...platform.s3 };
  let checksum: TableChecksum = { rows: NaN, checksum: '' };
  // Downloading the output for the check costs S3 and Postgres CPU too: a run's CPU window ends where its check starts.
  let checkStarted: PlatformCpu | undefined;
  const verify = (label: string, prefix: string) => {
    checkStarted ??= platformCpu(platform.stateDir);
    return verifyParquet(label, s3, prefix, join(env.workDir, 'verify'), checksum);
  };
  const measured = async (pipeline: () => Promise<Omit<PipelineRun, 'platformCpu'>>): Promise<PipelineRun> => {
    checkStarted = undefined;
    const before = platformCpu(platform.stateDir);
    const run = await pipeline();
    return { ...run, platformCpu: cpuSpent(before, checkStarted ?? platformCpu(platform.stateDir)) };
  };
  const syncEnv: SyncEnv = { platform, platformDb: env.platformDb, workDir: env.workDir, log: env.log, verifyOutput: verify };

  const setup = await prepareSync(syncEnv, rows);
  const { table } = setup;
  checksum = await withSourceDb(platform, (client) => sourceChecksum(client, table));
  env.log(`${table}: ${checksum.rows} rows, checksum ${checksum.checksum}`);
  // The platform's read-only login to source_db, as the platform's own source uses.
  const postgres: PostgresEndpoint = { ...pick(platform.postgres), user: platform.run.sourceDb.user, password: platform.run.sourceDb.password, database: SOURCE_DATABASE };

  const all: Record<PipelineName, PipelineRun[]> = { baseline: [], connectors: [], platform: [], dlt: [] };
  let csvBytes = 0;
  for (let run = 1; run <= env.repeat; run++) {
    const label = (name: PipelineName) => `${table} ${name} run ${run}/${env.repeat}`;

    all.baseline.push(
      await measured(async () => {
        const prefix = `bench/baseline/${table}`;
        const child = await runInChild<typeof Baseline>(BASELINE_URL, { postgres, table, s3, key: `${prefix}/${table}.parquet`, workDir: env.workDir });
        csvBytes = child.output.csvBytes;
        return { seconds: child.seconds, cpuSeconds: child.cpuSeconds, peakRssBytes: child.peakRssBytes, output: await verify(label('baseline'), `${prefix}/`) };
      }),
    );
    report(env, label('baseline'), all.baseline);

    all.connectors.push(
      await measured(async () => {
        const child = await runBaselineSync(syncEnv, setup);
        return { seconds: child.seconds, cpuSeconds: child.cpuSeconds, peakRssBytes: child.peakRssBytes, output: child.output as VerifiedOutput };
      }),
    );
    report(env, label('connectors'), all.connectors);

    all.platform.push(await measured(() => platformSync(syncEnv, setup)));
    report(env, label('platform'), all.platform);

    all.dlt.push(
      await measured(async () => {
        const prefix = `bench/dlt/${table}`;
        const dataset = 'bench';
        const dlt = await runDlt({ python: env.python, postgres, s3, table, prefix, dataset, pipelinesDir: join(env.workDir, 'dlt-pipelines') });
        if (dlt.rows !== checksum.rows) throw new Error(`${label('dlt')}: dlt reports ${dlt.rows} rows; the table has ${checksum.rows}`);
        return { seconds: dlt.seconds, cpuSeconds: dlt.cpuSeconds, peakRssBytes: dlt.peakRssBytes, output: await verify(label('dlt'), `${prefix}/${dataset}/${table}/`) };
      }),
    );
    report(env, label('dlt'), all.dlt);
  }
  const best = (runs: PipelineRun[]): PipelineRun => {
    const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return { ...fastest, peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)) };
  };
  return {
    table,
    source: setup.source,
    checksum,
    csvBytes,
    repeat: env.repeat,
    loadAverage: [loadAtStart, loadavg()[0]],
    runs: { baseline: best(all.baseline), connectors: best(all.connectors), platform: best(all.platform), dlt: best(all.dlt) },
  };
}

/**
 * A sync through the API, with the replication child's peak RSS sampled: all the worker's
 * descendants, since the child that runs the sync was spawned ahead of time (the next one,
 * spawned when the attempt ends, is only there once the sync's child has exited).
 */
async function platformSync(env: SyncEnv, setup: SyncSetup): Promise<Omit<PipelineRun, 'platformCpu'>> {
  const worker = env.platform.run.services.find((s) => s.name === 'worker');
  if (!worker) throw new Error('the run file names no worker');
  const sampler = new PeakRssSampler(descendantsOf(worker.pid, new Set([worker.pid])));
  const cpuBefore = platformCpu(env.platform.stateDir);
  let sync: Awaited<ReturnType<typeof runPlatformSync>>;
  let peakRssBytes: number;
  try {
    sync = await runPlatformSync(env, setup);
  } finally {
    peakRssBytes = sampler.stop();
  }
  const { replication } = cpuSpent(cpuBefore, platformCpu(env.platform.stateDir));
  return { seconds: sync.jobSeconds, cpuSeconds: replication, peakRssBytes, output: sync.output as VerifiedOutput, phases: sync.phases };
}

function report(env: PeersEnv, label: string, runs: PipelineRun[]): void {
  const r = runs.at(-1)!;
  env.log(
    `${label}: ${r.seconds.toFixed(2)} s, ${r.cpuSeconds.toFixed(2)} CPU s, Postgres ${r.platformCpu.postgres.toFixed(2)} CPU s, ` +
      `S3 ${r.platformCpu.s3.toFixed(2)} CPU s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB, ` +
      `${(r.output.bytes / 2 ** 20).toFixed(1)} MB in ${r.output.files} files (${r.output.codecs}), checksum ok`,
  );
}

function pick({ host, port }: { host: string; port: number }): { host: string; port: number } {
  return { host, port };
}

async function withSourceDb<T>(platform: PlatformHandle, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: platform.postgres.connectionUrl(SOURCE_DATABASE) });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
