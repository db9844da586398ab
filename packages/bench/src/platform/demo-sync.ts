// A sync through the whole control plane against the same connectors run bare. The platform's
// source_db gets the connector scenario's table; a connection from it to the platform's S3 lake
// (Parquet ZSTD, full refresh overwrite) is synced with connections/sync and followed with
// jobs/get; the baseline runs sourcePostgres.read → destinationS3.write in a child process of its
// own (the connector scenario's pipeline module) on the same table, to the same S3, with the
// limits the worker gives its replication child.
import pg from 'pg';
import { runInChild, type ChildRun } from '../lib/run-in-child';
import { countParquetRows, type ParquetOutput } from '../connector/count-parquet-rows';
import { destinationS3ParquetConfig, fullRefreshCatalog, sourcePostgresConfig } from '../connector/connector-setup';
import type * as Connectors from '../connector/connectors-pipeline';
import type * as LoadConnectors from './load-connectors';
import type { PostgresEndpoint, S3Endpoint } from '../connector/endpoints';
import { benchTableName, createSourceTable, type SourceTableStats } from '../connector/source-table';
import {
  jobFailureMessage,
  loadResourceLimits,
  replicationChildLimits,
  selectStreams,
  startSync,
  unwrap,
  waitForJob,
  type PlatformHandle,
} from './workspace';

const CONNECTORS_URL = new URL('../connector/connectors-pipeline.ts', import.meta.url);
const SOURCE_DATABASE = 'source_db';
const JOB_TIMEOUT_MS = 30 * 60_000;
/** How often jobs/get is polled: the wall-clock figure is late by at most this. */
const POLL_MS = 100;

export interface SyncSetup {
  table: string;
  source: SourceTableStats;
  connectionId: string;
  platformPrefix: string;
  baselinePrefix: string;
  baselineInput: Connectors.ConnectorsInput;
  /** The heap flag the worker gives its replication child, applied to the baseline's child too. */
  childEnv: Record<string, string>;
}

/** Where the time of one platform sync went, in seconds, from the platform's own records (ms precision). */
export interface SyncPhases {
  /** jobs.created_at (connections/sync) → attempts.created_at (a worker claimed it). */
  queue: number;
  /** Claim → the replication child's first line ("writing N stream(s)"): job context, spawn, tsx, modules, config checks. */
  childStart: number;
  /** That line → the last acknowledged STATE saved (connection_state.updated_at): the data movement. */
  pipeline: number;
  /** Last STATE → attempts.ended_at: child exit, final stats and logs persisted. */
  finish: number;
  /** attempts.ended_at → jobs/get seen terminal by the client (poll every POLL_MS). */
  observed: number;
}

export interface PlatformSyncRun {
  jobId: number;
  recordsSynced: number;
  /** connections/sync called → jobs/get returned the terminal status. */
  wallSeconds: number;
  /** jobs.created_at → attempts.ended_at, from the platform database. */
  jobSeconds: number;
  /** The same from the API's epoch-second fields (createdAt → attempt endedAt); coarse. */
  apiJobSeconds: number;
  phases: SyncPhases;
  output: ParquetOutput;
}

export interface BaselineSyncRun {
  /** Inside the child: first query to last object committed (process start and module loading excluded). */
  seconds: number;
  /** Around runInChild: with the fork, tsx and module loading, as the worker's child pays them. */
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  output: ParquetOutput;
}

export interface SyncEnv {
  platform: PlatformHandle;
  /** Superuser connection to the platform's `platform` database (timings) — open it after memory is measured. */
  platformDb: pg.Client;
  workDir: string;
  log(message: string): void;
  /** Checks what a run wrote under a prefix (`bench/…/table/`); default: the row count only. */
  verifyOutput?: (label: string, prefix: string) => Promise<ParquetOutput>;
}

const s3Of = (platform: PlatformHandle): S3Endpoint => ({ ...platform.s3 });

/** Generates the table in source_db and creates its source, destination and connection through the API. */
export async function prepareSync(env: SyncEnv, rows: number): Promise<SyncSetup> {
  const { platform } = env;
  const { client } = platform;
  const table = benchTableName(rows);

  const admin = new pg.Client({ connectionString: platform.postgres.connectionUrl(SOURCE_DATABASE) });
  await admin.connect();
  let source: SourceTableStats;
  try {
    const started = performance.now();
    source = await createSourceTable(admin, table, rows);
    env.log(`${table}: generated in source_db in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await admin.end();
  }

  // The platform's read-only login for source_db, as the seeded source uses; configs built by the
  // connector scenario's helpers, so the platform and the baseline run byte-identical configs.
  const { host, port } = platform.postgres;
  const sourceEndpoint: PostgresEndpoint = { host, port, user: platform.run.sourceDb.user, password: platform.run.sourceDb.password, database: SOURCE_DATABASE };
  const sourceConfig = sourcePostgresConfig(sourceEndpoint);
  const platformPrefix = `bench/platform/${table}`;
  const baselinePrefix = `bench/connectors/${table}`;

  const sourceDefinitionId = (await unwrap('source_definitions/list', client.POST('/v1/source_definitions/list'))).sourceDefinitions.find(
    (d) => d.dockerRepository === 'airbyte/source-postgres',
  )?.sourceDefinitionId;
  const destinationDefinitionId = (await unwrap('destination_definitions/list', client.POST('/v1/destination_definitions/list'))).destinationDefinitions.find(
    (d) => d.dockerRepository === 'airbyte/destination-s3',
  )?.destinationDefinitionId;
  if (!sourceDefinitionId || !destinationDefinitionId) throw new Error('the platform lists no airbyte/source-postgres or airbyte/destination-s3 definition');

  const { sourceId } = await unwrap(
    'sources/create',
    client.POST('/v1/sources/create', { body: { sourceDefinitionId, name: `bench ${table}`, connectionConfiguration: sourceConfig } }),
  );
  const { destinationId } = await unwrap(
    'destinations/create',
    client.POST('/v1/destinations/create', {
      body: { destinationDefinitionId, name: `bench ${table} (Parquet ZSTD)`, connectionConfiguration: destinationS3ParquetConfig(s3Of(platform), platformPrefix) },
    }),
  );
  const discovered = await unwrap('sources/discover_schema', client.POST('/v1/sources/discover_schema', { body: { sourceId, disable_cache: true } }));
  if (!discovered.catalog) throw new Error(`discovering source_db failed: ${discovered.jobInfo.failureReason?.externalMessage ?? 'no catalog'}`);
  const where = `connection for ${table}`;
  const syncCatalog = selectStreams(discovered.catalog, [{ name: table, namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }], where);
  const { connectionId } = await unwrap(
    'connections/create',
    client.POST('/v1/connections/create', {
      body: { name: `bench ${table} → S3`, sourceId, destinationId, syncCatalog, sourceCatalogId: discovered.catalogId, namespaceDefinition: 'source', scheduleType: 'manual' },
    }),
  );

  const limits = replicationChildLimits(loadResourceLimits(platform.configDir));
  const childEnv: Record<string, string> = limits.execArgv.length ? { NODE_OPTIONS: [process.env.NODE_OPTIONS, ...limits.execArgv].filter(Boolean).join(' ') } : {};
  return {
    table,
    source,
    connectionId,
    platformPrefix,
    baselinePrefix,
    baselineInput: {
      sourceConfig,
      destinationConfig: destinationS3ParquetConfig(s3Of(platform), baselinePrefix),
      catalog: await fullRefreshCatalog(sourceConfig, table),
      limits: limits.connectors,
    },
    childEnv,
  };
}

export async function runPlatformSync(env: SyncEnv, setup: SyncSetup): Promise<PlatformSyncRun> {
  const { client } = env.platform;
  const started = performance.now();
  const job = await startSync(client, setup.connectionId);
  const done = await waitForJob(client, job.job.id, { intervalMs: POLL_MS, timeoutMs: JOB_TIMEOUT_MS });
  const wallSeconds = (performance.now() - started) / 1000;
  const observedAt = Date.now();
  if (done.job.status !== 'succeeded') throw new Error(`platform sync of ${setup.table}: job ${done.job.id} ${done.job.status}: ${jobFailureMessage(done) ?? 'no failure message'}`);
  const attempt = done.attempts.at(-1)!;
  if (done.attempts.length > 1) env.log(`${setup.table}: job ${done.job.id} needed ${done.attempts.length} attempts`);

  const { rows: [t] } = await env.platformDb.query<{ job_created: number; attempt_created: number; attempt_ended: number; state_saved: number | null }>(
    `SELECT extract(epoch FROM j.created_at) * 1000 AS job_created,
            extract(epoch FROM a.created_at) * 1000 AS attempt_created,
            extract(epoch FROM a.ended_at) * 1000 AS attempt_ended,
            (SELECT extract(epoch FROM max(s.updated_at)) * 1000 FROM connection_state s WHERE s.connection_id = j.connection_id) AS state_saved
       FROM jobs j JOIN attempts a ON a.job_id = j.id
      WHERE j.id = $1 ORDER BY a.attempt_number DESC LIMIT 1`,
    [done.job.id],
  );
  const at = (v: number | string | null) => Number(v);
  const childFirstLine = logTime(attempt.logs.logLines, /\[replication\] writing \d+ stream/);
  const jobCreated = at(t.job_created);
  const attemptCreated = at(t.attempt_created);
  const attemptEnded = at(t.attempt_ended);
  // A full refresh acknowledges STATE per committed chunk; without any, the pipeline ends with the attempt.
  const pipelineEnded = t.state_saved === null ? attemptEnded : at(t.state_saved);
  const phases: SyncPhases = {
    queue: (attemptCreated - jobCreated) / 1000,
    childStart: childFirstLine === undefined ? NaN : (childFirstLine - attemptCreated) / 1000,
    pipeline: childFirstLine === undefined ? NaN : (pipelineEnded - childFirstLine) / 1000,
    finish: (attemptEnded - pipelineEnded) / 1000,
    observed: (observedAt - attemptEnded) / 1000,
  };
  const apiEnd = attempt.attempt.endedAt ?? done.job.updatedAt;
  const output = await verifyOutput(env, `${setup.table}: platform job ${done.job.id}`, `${setup.platformPrefix}/`);
  const recordsSynced = attempt.attempt.recordsSynced ?? 0;
  checkRows(`${setup.table}: platform job ${done.job.id}`, output, setup.source.rows, recordsSynced);
  return {
    jobId: done.job.id,
    recordsSynced,
    wallSeconds,
    jobSeconds: (attemptEnded - jobCreated) / 1000,
    apiJobSeconds: apiEnd - done.job.createdAt,
    phases,
    output,
  };
}

const LOAD_CONNECTORS_URL = new URL('./load-connectors.ts', import.meta.url);

/** Loads the baseline's modules once in a throw-away child, so tsx has transpiled them before any timed run. */
export async function warmUpBaseline(): Promise<void> {
  await runInChild<typeof LoadConnectors>(LOAD_CONNECTORS_URL, undefined);
}

export async function runBaselineSync(env: SyncEnv, setup: SyncSetup): Promise<BaselineSyncRun> {
  const started = performance.now();
  // fork() copies the environment when called, inside runInChild, before it returns.
  const child = withEnv(setup.childEnv, () => runInChild<typeof Connectors>(CONNECTORS_URL, setup.baselineInput));
  const run: ChildRun<Connectors.ConnectorsOutput> = await child;
  const wallSeconds = (performance.now() - started) / 1000;
  const output = await verifyOutput(env, `${setup.table}: connectors baseline`, `${setup.baselinePrefix}/`);
  checkRows(`${setup.table}: connectors baseline`, output, setup.source.rows);
  return { seconds: run.seconds, wallSeconds, cpuSeconds: run.cpuSeconds, peakRssBytes: run.peakRssBytes, output };
}

function verifyOutput(env: SyncEnv, label: string, prefix: string): Promise<ParquetOutput> {
  return env.verifyOutput ? env.verifyOutput(label, prefix) : countParquetRows(s3Of(env.platform), prefix, `${env.workDir}/verify`);
}

function checkRows(label: string, output: ParquetOutput, expected: number, reported?: number): void {
  if (output.rows !== expected) throw new Error(`${label}: S3 holds ${output.rows} rows in ${output.files} Parquet files; the table has ${expected}`);
  if (reported !== undefined && reported !== expected) throw new Error(`${label}: the job reports ${reported} records synced; the table has ${expected}`);
}

/** Epoch ms of the first attempt log line matching `pattern` (lines start with an ISO timestamp). */
function logTime(lines: string[], pattern: RegExp): number | undefined {
  const line = lines.find((l) => pattern.test(l));
  return line === undefined ? undefined : Date.parse(line.slice(0, line.indexOf(' ')));
}

function withEnv<T>(vars: Record<string, string>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
