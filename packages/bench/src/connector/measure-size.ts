// One table size: generate the table, then run the baseline and the connectors, alternating,
// each run in a child process of its own and checked to have written exactly the table's rows.
import { join } from 'node:path';
import type pg from 'pg';
import { runInChild, type ChildRun } from '../lib/run-in-child';
import type * as Baseline from './baseline-pipeline';
import type * as Connectors from './connectors-pipeline';
import { countParquetRows, type ParquetOutput } from './count-parquet-rows';
import { destinationS3ParquetConfig, fullRefreshCatalog, sourcePostgresConfig } from './connector-setup';
import { benchTableName, createSourceTable, type SourceTableStats } from './source-table';
import type { PostgresEndpoint, S3Endpoint } from './endpoints';

export interface PipelineMeasurement {
  /** The fastest run's, as is its CPU time. */
  seconds: number;
  cpuSeconds: number;
  /** The highest of all runs. */
  peakRssBytes: number;
  /** The child's RSS before the pipeline started (of the run with the highest peak). */
  startRssBytes: number;
  output: ParquetOutput;
}

export interface SizeMeasurement {
  table: string;
  source: SourceTableStats;
  csvBytes: number;
  baseline: PipelineMeasurement;
  connectors: PipelineMeasurement;
}

export interface MeasureEnv {
  admin: pg.Client;
  postgres: PostgresEndpoint;
  s3: S3Endpoint;
  workDir: string;
  repeat: number;
  log(message: string): void;
}

const BASELINE_URL = new URL('./baseline-pipeline.ts', import.meta.url);
const CONNECTORS_URL = new URL('./connectors-pipeline.ts', import.meta.url);

export async function measureSize(env: MeasureEnv, rows: number): Promise<SizeMeasurement> {
  const table = benchTableName(rows);
  const started = performance.now();
  const source = await createSourceTable(env.admin, table, rows);
  env.log(`${table}: generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const baselinePrefix = `baseline/${table}`;
  const baselineInput = { postgres: env.postgres, table, s3: env.s3, key: `${baselinePrefix}/${table}.parquet`, workDir: env.workDir };
  const sourceConfig = sourcePostgresConfig(env.postgres);
  const connectorsPrefix = `connectors/${table}`;
  const connectorsInput = {
    sourceConfig,
    destinationConfig: destinationS3ParquetConfig(env.s3, connectorsPrefix),
    catalog: await fullRefreshCatalog(sourceConfig, table),
  };

  const baselineRuns: PipelineMeasurement[] = [];
  const connectorsRuns: PipelineMeasurement[] = [];
  let csvBytes = 0;
  for (let run = 1; run <= env.repeat; run++) {
    const baseline = await runInChild<typeof Baseline>(BASELINE_URL, baselineInput);
    csvBytes = baseline.output.csvBytes;
    baselineRuns.push(await verified(env, `${table}: baseline run ${run}`, baseline, baselinePrefix, source.rows));
    const connectors = await runInChild<typeof Connectors>(CONNECTORS_URL, connectorsInput);
    const label = `${table}: connectors run ${run} (${connectors.output.committedStates} STATE committed)`;
    connectorsRuns.push(await verified(env, label, connectors, connectorsPrefix, source.rows));
  }
  return { table, source, csvBytes, baseline: bestOf(baselineRuns), connectors: bestOf(connectorsRuns) };
}

async function verified(env: MeasureEnv, label: string, run: ChildRun<unknown>, prefix: string, expectedRows: number): Promise<PipelineMeasurement> {
  env.log(`${label}: ${run.seconds.toFixed(2)} s, ${run.cpuSeconds.toFixed(2)} CPU s, peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MB`);
  const output = await countParquetRows(env.s3, `${prefix}/`, join(env.workDir, 'verify'));
  if (output.rows !== expectedRows) {
    throw new Error(`${label}: s3://${env.s3.bucket}/${prefix}/ holds ${output.rows} rows in ${output.files} Parquet files; the table has ${expectedRows}`);
  }
  const { seconds, cpuSeconds, peakRssBytes, startRssBytes } = run;
  return { seconds, cpuSeconds, peakRssBytes, startRssBytes, output };
}

function bestOf(runs: PipelineMeasurement[]): PipelineMeasurement {
  const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const largest = runs.reduce((a, b) => (b.peakRssBytes > a.peakRssBytes ? b : a));
  return { ...fastest, peakRssBytes: largest.peakRssBytes, startRssBytes: largest.startRssBytes };
}
