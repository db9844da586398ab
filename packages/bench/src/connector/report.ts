// The connector scenario's table and targets.
import type { ResultTable, ScenarioReport, Target } from '../scenario';
import { formatCount, formatMb, formatRatio, formatSeconds } from '../lib/format';
import type { PipelineMeasurement, SizeMeasurement } from './measure-size';

/** Connectors must keep at least this share of the baseline's rows/s. */
const MIN_RATIO = 0.6;
const MAX_PEAK_RSS_BYTES = 400 * 2 ** 20;

const rowsPerSecond = (size: SizeMeasurement, p: PipelineMeasurement) => size.source.rows / p.seconds;
const ratio = (size: SizeMeasurement) => rowsPerSecond(size, size.connectors) / rowsPerSecond(size, size.baseline);

export function connectorReport(sizes: SizeMeasurement[], repeat: number): ScenarioReport {
  return { tables: [resultTable(sizes, repeat)], targets: sizes.flatMap(targets) };
}

function resultTable(sizes: SizeMeasurement[], repeat: number): ResultTable {
  const row = (size: SizeMeasurement, name: string, p: PipelineMeasurement, ratioCell: string) => [
    name,
    formatCount(size.source.rows),
    formatSeconds(p.seconds),
    formatSeconds(p.cpuSeconds),
    formatCount(rowsPerSecond(size, p)),
    formatMb(size.csvBytes / p.seconds),
    `${formatMb(p.peakRssBytes)} (${formatMb(p.startRssBytes)})`,
    `${formatMb(p.output.bytes)} (${p.output.files})`,
    ratioCell,
  ];
  return {
    title: 'Postgres → S3 Parquet ZSTD, full refresh',
    columns: ['pipeline', 'rows', 'seconds', 'CPU s', 'rows/s', 'MB/s', 'peak RSS MB (at start)', 'Parquet MB (files)', 'ratio rows/s'],
    rows: sizes.flatMap((size) => [
      row(size, 'baseline', size.baseline, ''),
      row(size, 'connectors', size.connectors, formatRatio(ratio(size))),
    ]),
    notes: [
      'baseline: COPY csv → temp file → DuckDB read_csv → Parquet ZSTD → lib-storage Upload; connectors: sourcePostgres.read → destinationS3.write in-process.',
      `seconds: inside a child process per run, first query to last object uploaded (process start and module loading excluded)${repeat > 1 ? `; fastest of ${repeat} alternating runs, peak RSS the highest` : ''}.`,
      "CPU s: the child's user + system CPU time, all its threads (DuckDB's too; Postgres and SeaweedFS are other processes). Steadier than seconds on a busy machine.",
      "MB/s: the table's size as COPY (FORMAT csv) text, divided by seconds.",
      "peak RSS: the child's VmHWM; (at start): its RSS with Node, tsx and the pipeline's modules loaded, before the first query.",
      "ratio: connectors' rows/s over the baseline's. The connectors' Parquet also carries Airbyte's _airbyte_ab_id and _airbyte_emitted_at columns.",
      ...sizes.map(
        (s) => `${s.table}: ${formatMb(s.csvBytes)} MB as CSV, ${formatMb(s.source.totalBytes)} MB in Postgres (pg_total_relation_size, PK index included).`,
      ),
      'Row counts checked: read_parquet over each pipeline\'s downloaded objects equals count(*) of the table.',
    ],
  };
}

function targets(size: SizeMeasurement): Target[] {
  const rows = formatCount(size.source.rows);
  return [
    {
      description: `connectors/baseline rows/s ≥ ${MIN_RATIO}× at ${rows} rows`,
      measured: formatRatio(ratio(size)),
      met: ratio(size) >= MIN_RATIO,
    },
    {
      description: `connectors peak RSS < ${MAX_PEAK_RSS_BYTES / 2 ** 20} MB at ${rows} rows`,
      measured: `${formatMb(size.connectors.peakRssBytes)} MB`,
      met: size.connectors.peakRssBytes < MAX_PEAK_RSS_BYTES,
    },
  ];
}
