// The postgres scenario's tables and its target (issue 10, point 6).
import type { ResultTable, ScenarioReport, Target } from '../scenario';
import { formatCount, formatMb, formatRatio, formatSeconds } from '../lib/format';
import type { TableChecksum } from '../peers/checksum';
import type { FullRefreshRuns, PipelineRun } from './measure-full-refresh';
import type { IncrementalRuns } from './measure-incremental';
import { CDC_CHANGES_PER_SECOND, CDC_SYNCS, type CdcResult } from './measure-cdc';

/** The connectors must keep at least this share of COPY's rows/s, raw and with Basic normalization alike. */
const MIN_RATIO = 0.5;

export interface PostgresSize {
  table: string;
  checksum: TableChecksum;
  loadAverage: [number, number];
  /** Undefined for the parts --parts left out. */
  fullRefresh?: FullRefreshRuns;
  incremental?: IncrementalRuns;
}

const LABELS = { copy: 'baseline: COPY TO STDOUT | COPY FROM STDIN', raw: 'connectors, normalization none (raw)', basic: 'connectors, Basic normalization' } as const;

export function postgresReport(sizes: PostgresSize[], cdc: CdcResult | undefined, repeat: number): ScenarioReport {
  const measured = sizes.filter((s): s is MeasuredSize => s.fullRefresh !== undefined);
  const incremental = measured.filter((s) => s.incremental !== undefined);
  return {
    tables: [...(measured.length ? [fullRefreshTable(measured, repeat)] : []), ...(incremental.length ? [incrementalTable(incremental)] : []), ...(cdc ? [cdcTable(cdc)] : [])],
    targets: measured.flatMap(targets),
  };
}

type MeasuredSize = PostgresSize & { fullRefresh: FullRefreshRuns };

const rowsPerSecond = (size: MeasuredSize, run: PipelineRun) => size.checksum.rows / run.seconds;
const ratio = (size: MeasuredSize, name: 'raw' | 'basic') => size.fullRefresh.copy.seconds / size.fullRefresh[name].seconds;

function fullRefreshTable(sizes: MeasuredSize[], repeat: number): ResultTable {
  return {
    title: 'Postgres → Postgres, full refresh (overwrite): the connectors against COPY between the same two databases, same run',
    columns: ['pipeline', 'rows', 'seconds', 'CPU s', 'rows/s', '× COPY', 'peak RSS MB', 'STATEs'],
    rows: sizes.flatMap((size) =>
      (['copy', 'raw', 'basic'] as const).map((name) => {
        const run = size.fullRefresh[name];
        return [
          LABELS[name],
          formatCount(size.checksum.rows),
          formatSeconds(run.seconds),
          formatSeconds(run.cpuSeconds),
          formatCount(rowsPerSecond(size, run)),
          name === 'copy' ? '' : formatRatio(ratio(size, name)),
          formatMb(run.peakRssBytes),
          run.committedStates === undefined ? '' : String(run.committedStates),
        ];
      }),
    ),
    notes: [
      'One embedded Postgres 18 (wal_level=logical, default settings): source_db, and a destination database per pipeline; every table written is logged.',
      'baseline: COPY (SELECT * FROM t) TO STDOUT piped into COPY t FROM STDIN (text format, as pg_dump | psql), into a new table with the same columns.',
      'connectors: source-postgres (Standard, full_refresh) → destination-postgres (overwrite) in-process, as the replication child runs them; raw = _airbyte_raw_<stream> (jsonb) only, Basic = that plus the typed table, swapped in at the end.',
      `seconds, CPU s, peak RSS: inside a child process per run (process start and module loading excluded); CPU s is the child's own, Postgres's is not in it${repeat > 1 ? `; fastest of ${repeat} alternating runs, peak RSS the highest` : ''}.`,
      ...sizes.map((s) => `${s.table}: load average ${s.loadAverage[0].toFixed(2)} at its start, ${s.loadAverage[1].toFixed(2)} at its end.`),
      'Verified: row count and checksum over every value (md5 of each row\'s canonical text, summed) of the baseline\'s table, each raw table\'s _airbyte_data and the normalized table equal the source table\'s.',
    ],
  };
}

function incrementalTable(sizes: MeasuredSize[]): ResultTable {
  return {
    title: 'Incremental | Deduped (cursor created_at, key id, Basic normalization) against the full refresh',
    columns: ['sync', 'table rows', 'rows read', 'seconds', 'CPU s', '× full refresh s'],
    rows: sizes.flatMap((size) => {
      const full = size.fullRefresh.basic;
      const { initial, changed } = size.incremental!;
      const rows = formatCount(size.checksum.rows);
      return [
        ['full refresh, Basic (above)', rows, rows, formatSeconds(full.seconds), formatSeconds(full.cpuSeconds), '1.00×'],
        ['incremental, first sync (no state)', rows, formatCount(initial.rows), formatSeconds(initial.seconds), formatSeconds(initial.cpuSeconds), formatRatio(initial.seconds / full.seconds)],
        ['incremental, 1% of rows changed', rows, formatCount(changed.rows), formatSeconds(changed.seconds), formatSeconds(changed.cpuSeconds), formatRatio(changed.seconds / full.seconds)],
      ];
    }),
    notes: [
      'After the first sync every 100th row gets a newer created_at and a new note; the next sync reads those (index on created_at, as a cursor column has) and merges their keys into the typed table in Postgres.',
      '× full refresh s: this sync\'s seconds over the Basic full refresh\'s (lower is better).',
      'Verified after each sync: the normalized table equals the source table as it is then (row count and checksum of every value).',
    ],
  };
}

function cdcTable(cdc: CdcResult): ResultTable {
  const lag = (s: number) => (Number.isNaN(s) ? '' : formatSeconds(s));
  const total = cdc.syncs.reduce((a, s) => ({ changes: a.changes + s.changes, seconds: a.seconds + s.seconds }), { changes: 0, seconds: 0 });
  const writerRate = (cdc.writer.inserted + cdc.writer.updated) / cdc.writer.seconds;
  return {
    title: `CDC (pgoutput) under a steady write load of ${formatCount(CDC_CHANGES_PER_SECOND)} changes/s: ${CDC_SYNCS} syncs back to back, Basic normalization, append_dedup`,
    columns: ['sync', 'changes', 'seconds', 'changes/s', 'lag p50 s', 'lag p95 s', 'lag max s'],
    rows: [
      ...cdc.syncs.map((s, i) => [String(i + 1), formatCount(s.changes), formatSeconds(s.seconds), formatCount(s.changes / s.seconds), lag(s.lag.p50), lag(s.lag.p95), lag(s.lag.max)]),
      ['all', formatCount(total.changes), formatSeconds(total.seconds), formatCount(total.changes / total.seconds), '', '', ''],
    ],
    notes: [
      `Source: a logged ${formatCount(cdc.tableRows)}-row copy of the bench table in a publication with a pgoutput slot; snapshot synced first in ${formatSeconds(cdc.snapshotSeconds)} s (not in the table).`,
      `Writer: one transaction every 100 ms, half inserts of new rows and half updates of random rows; it committed ${formatCount(cdc.writer.inserted)} inserts and ${formatCount(cdc.writer.updated)} updates in ${formatSeconds(cdc.writer.seconds)} s (${formatCount(writerRate)} changes/s achieved).`,
      'changes/s: the changes a sync delivered over its seconds (child process: the WAL read, raw COPY, merge of the changed keys into the typed table) — what the pipeline can apply, above the write rate it was fed.',
      "lag: per change, the sync's end (its changes merged into the typed table) minus the change's commit time in the source (_ab_cdc_updated_at); syncs run back to back, so a change waits for the rest of the sync in flight, then the next one.",
      `Verified after one more sync with the writer stopped (${formatCount(cdc.finalChanges)} changes): the normalized table equals the source table (checksum of every value), and the raw table holds the snapshot plus exactly one row per committed change.`,
    ],
  };
}

function targets(size: MeasuredSize): Target[] {
  const rows = formatCount(size.checksum.rows);
  return (['raw', 'basic'] as const).map((name) => ({
    description: `connectors (${name === 'raw' ? 'raw' : 'Basic normalization'}) rows/s ≥ ${MIN_RATIO}× COPY at ${rows} rows`,
    measured: formatRatio(ratio(size, name)),
    met: ratio(size, name) >= MIN_RATIO,
  }));
}
