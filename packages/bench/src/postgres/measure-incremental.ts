// Incremental | Deduped on the bench table: a first cursor-based sync (created_at, key id) loads
// every row into Basic-normalized tables; then 1% of the rows change (a newer created_at and a new
// note) and the measured sync reads just those and deduplicates. Both outputs are checked value by
// value: the normalized table must equal the source table as it is after the change.
import { runInChild } from '../lib/run-in-child';
import { sourceChecksum } from '../peers/checksum';
import type * as PgConnectors from './pg-connectors-pipeline';
import { PG_CONNECTORS_URL, type PipelineRun } from './measure-full-refresh';
import { catalogOf, destinationPostgresConfig } from './setup';
import { typedAsBenchRows, verifyRows } from './verify';
import type { PostgresEnv } from './env';

/** Every 100th row changes. */
const CHANGED_EVERY = 100;

export interface IncrementalRuns {
  /** The first sync: no state yet, so every row. */
  initial: PipelineRun & { rows: number };
  /** The sync after 1% of the rows changed. */
  changed: PipelineRun & { rows: number };
}

export async function measureIncremental(env: PostgresEnv, table: string, rows: number): Promise<IncrementalRuns> {
  // A cursor column is indexed on a real source; without it every incremental read scans the table.
  await env.source.client.query(`CREATE INDEX IF NOT EXISTS ${table}_created_at ON ${table} (created_at)`);
  const catalog = await catalogOf(env.sourceConfig, table, { sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: ['created_at'], primary_key: [['id']] });
  const input = { sourceConfig: env.sourceConfig, destinationConfig: destinationPostgresConfig(env.destinations.incremental.endpoint, 'basic'), catalog };
  const final = typedAsBenchRows(table);
  const destination = env.destinations.incremental.client;

  const first = await runInChild<typeof PgConnectors>(PG_CONNECTORS_URL, input);
  await verifyRows(destination, `${table} incremental first sync`, final, await sourceChecksum(env.source.client, table));
  env.log(`${table} incremental first sync: ${first.seconds.toFixed(2)} s, checksum ok`);
  if (!first.output.lastState) throw new Error(`${table} incremental first sync: the destination acknowledged no STATE`);

  // Cursor values after every existing one, so the sync must pick up exactly the changed rows.
  const { rowCount: changed } = await env.source.client.query(
    `UPDATE ${table} SET created_at = timestamptz '2030-01-01 00:00:00+00' + id * interval '1 microsecond', note = 'changed ' || id WHERE id % ${CHANGED_EVERY} = 0`,
  );
  const second = await runInChild<typeof PgConnectors>(PG_CONNECTORS_URL, { ...input, state: [first.output.lastState] });
  await verifyRows(destination, `${table} incremental sync of ${changed} changed rows`, final, await sourceChecksum(env.source.client, table));
  env.log(`${table} incremental sync of ${changed} changed rows: ${second.seconds.toFixed(2)} s, checksum ok`);

  const run = (child: typeof first, n: number) => ({ seconds: child.seconds, cpuSeconds: child.cpuSeconds, peakRssBytes: child.peakRssBytes, committedStates: child.output.committedStates, rows: n });
  return { initial: run(first, rows), changed: run(second, changed ?? 0) };
}
