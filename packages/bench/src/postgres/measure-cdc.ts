// CDC under a steady write load: a logged copy of the bench table in a publication with a
// pgoutput slot, its snapshot synced to Basic-normalized append_dedup tables, then K syncs back to
// back while a bounded writer inserts and updates at a fixed rate. Per sync: changes applied per
// second, and each change's end-to-end lag = the sync's last commit in the destination minus the
// change's commit time in the source (_ab_cdc_updated_at). After the writer stops, one more sync;
// then the normalized table must equal the source table value by value, and the raw table must
// hold exactly one row per committed change.
import { runInChild, type ChildRun } from '../lib/run-in-child';
import { createSourceTable } from '../connector/source-table';
import { sourceChecksum } from '../peers/checksum';
import type { AirbyteStateMessage } from '@platform/protocol';
import type * as PgConnectors from './pg-connectors-pipeline';
import { PG_CONNECTORS_URL } from './measure-full-refresh';
import { catalogOf, destinationPostgresConfig } from './setup';
import { SteadyWriter, type WriterTotals } from './steady-writer';
import { typedAsBenchRows, verifyRows } from './verify';
import type { PostgresEnv } from './env';

const TABLE = 'cdc_bench';
const SLOT = 'cdc_bench_slot';
const PUBLICATION = 'cdc_bench_pub';
/** The CDC table's size: CDC cost follows the changes, not the table, so it stays small whatever --rows says. */
export const CDC_TABLE_ROWS = 100_000;
export const CDC_CHANGES_PER_SECOND = 1_000;
export const CDC_SYNCS = 5;
/** The writer runs alone this long before the first measured sync, so it has changes to read. */
const LEAD_MS = 2_000;

export interface CdcSync {
  changes: number;
  seconds: number;
  lag: { p50: number; p95: number; max: number };
}

export interface CdcResult {
  tableRows: number;
  snapshotSeconds: number;
  syncs: CdcSync[];
  writer: WriterTotals;
  /** Changes the sync after the writer stopped picked up. */
  finalChanges: number;
}

export async function measureCdc(env: PostgresEnv): Promise<CdcResult> {
  const { rows: tableRows } = await createSourceTable(env.source.client, TABLE, CDC_TABLE_ROWS, { logged: true });
  await env.source.client.query(`CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${TABLE}`);
  await env.source.client.query(`SELECT pg_create_logical_replication_slot('${SLOT}', 'pgoutput')`);
  const sourceConfig = { ...env.sourceConfig, replication_method: { method: 'CDC', replication_slot: SLOT, publication: PUBLICATION } };
  const catalog = await catalogOf(sourceConfig, TABLE, { sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: ['_ab_cdc_lsn'], primary_key: [['id']] });
  const destinationConfig = destinationPostgresConfig(env.destinations.cdc.endpoint, 'basic');
  let state: AirbyteStateMessage[] | undefined;
  const sync = async (label: string): Promise<ChildRun<Awaited<ReturnType<typeof PgConnectors.run>>>> => {
    const child = await runInChild<typeof PgConnectors>(PG_CONNECTORS_URL, { sourceConfig, destinationConfig, catalog, state });
    if (!child.output.lastState) throw new Error(`${label}: the destination acknowledged no STATE`);
    state = [child.output.lastState];
    return child;
  };

  const snapshot = await sync('CDC snapshot');
  env.log(`${TABLE}: snapshot of ${tableRows} rows in ${snapshot.seconds.toFixed(2)} s`);

  const writer = new SteadyWriter(env.writerDb, TABLE, tableRows, CDC_CHANGES_PER_SECOND);
  let totals: WriterTotals;
  const syncs: CdcSync[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, LEAD_MS));
    for (let k = 1; k <= CDC_SYNCS; k++) {
      const child = await sync(`CDC sync ${k}`);
      const measured = { ...(await changesOf(env, child.output.startedAtMs, child.output.endedAtMs)), seconds: child.seconds };
      syncs.push(measured);
      env.log(`CDC sync ${k}/${CDC_SYNCS}: ${measured.changes} changes in ${child.seconds.toFixed(2)} s, lag p50 ${measured.lag.p50.toFixed(2)} s, max ${measured.lag.max.toFixed(2)} s`);
    }
  } finally {
    totals = await writer.stop();
  }
  const last = await sync('CDC sync after the writer stopped');
  const finalChanges = (await changesOf(env, last.output.startedAtMs, last.output.endedAtMs)).changes;

  await verifyRows(env.destinations.cdc.client, `${TABLE} after CDC`, typedAsBenchRows(TABLE), await sourceChecksum(env.source.client, TABLE));
  const { rows: [raw] } = await env.destinations.cdc.client.query<{ n: string }>(`SELECT count(*) AS n FROM _airbyte_raw_${TABLE}`);
  const committed = totals.inserted + totals.updated;
  if (Number(raw.n) !== tableRows + committed) {
    throw new Error(`${TABLE}: the raw table holds ${raw.n} rows; the snapshot's ${tableRows} plus the ${committed} committed changes make ${tableRows + committed}`);
  }
  env.log(`${TABLE}: ${committed} changes committed by the writer, all in the raw table; the normalized table equals the source (checksum ok)`);
  return { tableRows, snapshotSeconds: snapshot.seconds, syncs, writer: totals, finalChanges };
}

/** The changes a sync delivered (raw rows it emitted) and their lag, from source commit to the sync's end. */
async function changesOf(env: PostgresEnv, startedAtMs: number, endedAtMs: number): Promise<Omit<CdcSync, 'seconds'>> {
  const { rows: [r] } = await env.destinations.cdc.client.query<{ changes: string; p50: number | null; p95: number | null; max: number | null }>(
    `SELECT count(*) AS changes, percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY lag) AS p95, max(lag) AS max
      FROM (SELECT $2::float8 - extract(epoch FROM (_airbyte_data->>'_ab_cdc_updated_at')::timestamptz)::float8 AS lag
        FROM _airbyte_raw_${TABLE} WHERE _airbyte_emitted_at >= to_timestamp($1::float8)) AS x`,
    [startedAtMs / 1000, endedAtMs / 1000],
  );
  return { changes: Number(r.changes), lag: { p50: r.p50 ?? NaN, p95: r.p95 ?? NaN, max: r.max ?? NaN } };
}
