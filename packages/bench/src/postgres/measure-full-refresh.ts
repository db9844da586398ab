// Full refresh of the bench table from source_db to dest_db: the COPY baseline, then the connectors
// with normalization none (raw tables) and Basic, alternating, each in a child process of its own
// and each output checked value by value against the source.
import { runInChild, type ChildRun } from '../lib/run-in-child';
import type { TableChecksum } from '../peers/checksum';
import type * as CopyBaseline from './copy-baseline';
import type * as PgConnectors from './pg-connectors-pipeline';
import { catalogOf, destinationPostgresConfig } from './setup';
import { rawAsBenchRows, typedAsBenchRows, verifyRows } from './verify';
import type { PostgresEnv } from './env';

export const COPY_BASELINE_URL = new URL('./copy-baseline.ts', import.meta.url);
export const PG_CONNECTORS_URL = new URL('./pg-connectors-pipeline.ts', import.meta.url);

export type FullRefreshPipeline = 'copy' | 'raw' | 'basic';
export const FULL_REFRESH_PIPELINES: readonly FullRefreshPipeline[] = ['copy', 'raw', 'basic'];

export interface PipelineRun {
  seconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  /** STATE messages the destination acknowledged (connectors only). */
  committedStates?: number;
}

export type FullRefreshRuns = Record<FullRefreshPipeline, PipelineRun>;

export async function measureFullRefresh(env: PostgresEnv, table: string, checksum: TableChecksum): Promise<FullRefreshRuns> {
  const catalog = await catalogOf(env.sourceConfig, table, { sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' });
  const all: Record<FullRefreshPipeline, PipelineRun[]> = { copy: [], raw: [], basic: [] };
  for (let run = 1; run <= env.repeat; run++) {
    const label = (name: string) => `${table} ${name} run ${run}/${env.repeat}`;

    const { copy: copyDb, raw: rawDb, basic: basicDb } = env.destinations;
    const copy = await runInChild<typeof CopyBaseline>(COPY_BASELINE_URL, { source: env.source.endpoint, table, destination: copyDb.endpoint, target: table });
    await verifyRows(copyDb.client, label('copy'), typedAsBenchRows(table), checksum);
    all.copy.push(logged(env, label('copy'), copy));

    const raw = await runInChild<typeof PgConnectors>(PG_CONNECTORS_URL, { sourceConfig: env.sourceConfig, destinationConfig: destinationPostgresConfig(rawDb.endpoint, 'none'), catalog });
    await verifyRows(rawDb.client, label('raw'), rawAsBenchRows(`_airbyte_raw_${table}`), checksum);
    all.raw.push({ ...logged(env, label('raw'), raw), committedStates: raw.output.committedStates });

    const basic = await runInChild<typeof PgConnectors>(PG_CONNECTORS_URL, { sourceConfig: env.sourceConfig, destinationConfig: destinationPostgresConfig(basicDb.endpoint, 'basic'), catalog });
    await verifyRows(basicDb.client, `${label('basic')} (raw table)`, rawAsBenchRows(`_airbyte_raw_${table}`), checksum);
    await verifyRows(basicDb.client, `${label('basic')} (normalized table)`, typedAsBenchRows(table), checksum);
    all.basic.push({ ...logged(env, label('basic'), basic), committedStates: basic.output.committedStates });
  }
  const best = (runs: PipelineRun[]): PipelineRun => ({ ...runs.reduce((a, b) => (b.seconds < a.seconds ? b : a)), peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)) });
  return { copy: best(all.copy), raw: best(all.raw), basic: best(all.basic) };
}

function logged(env: PostgresEnv, label: string, run: ChildRun<unknown>): PipelineRun {
  env.log(`${label}: ${run.seconds.toFixed(2)} s, ${run.cpuSeconds.toFixed(2)} CPU s, peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MB, checksum ok`);
  return { seconds: run.seconds, cpuSeconds: run.cpuSeconds, peakRssBytes: run.peakRssBytes };
}
