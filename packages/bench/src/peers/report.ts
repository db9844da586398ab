// The peers scenario's tables and the targets of issue 13 (point 4).
import type { ResultTable, ScenarioReport, Target } from '../scenario';
import { formatCount, formatMb, formatRatio, formatSeconds } from '../lib/format';
import { DLT_REQUIREMENTS } from './dlt-pipeline';
import type { PeersSize, PipelineName, PipelineRun } from './measure-peers';

const MB = 2 ** 20;
/** The large-table targets are stated for 10M rows; smaller tables get the 1M-row ones. */
const LARGE_ROWS = 10_000_000;
const TARGETS = {
  large: { vsBaseline: 1.0, vsDlt: 1.1, childPeakRssBytes: 400 * MB },
  small: { vsConnectors: 0.9, vsDlt: 1.1, queueSeconds: 0.05 },
  maxParquetVsBaseline: 1.25,
};

const LABELS: Record<PipelineName, string> = {
  baseline: 'baseline: COPY csv → DuckDB → Parquet → upload',
  connectors: 'connectors alone (child process)',
  platform: 'platform: sync through the API',
  dlt: 'dlt + ConnectorX',
};

const rowsPerSecond = (size: PeersSize, run: PipelineRun) => size.source.rows / run.seconds;
/** How many times faster `name` is than `than` (rows/s over rows/s). */
const speedup = (size: PeersSize, name: PipelineName, than: PipelineName) => size.runs[than].seconds / size.runs[name].seconds;

export function peersReport(sizes: PeersSize[]): ScenarioReport {
  return { tables: [resultTable(sizes), cpuTable(sizes)], targets: sizes.flatMap(targets) };
}

function resultTable(sizes: PeersSize[]): ResultTable {
  const row = (size: PeersSize, name: PipelineName) => {
    const run = size.runs[name];
    return [
      LABELS[name],
      formatCount(size.source.rows),
      formatSeconds(run.seconds),
      formatCount(rowsPerSecond(size, run)),
      formatRatio(speedup(size, name, 'baseline')),
      formatRatio(speedup(size, name, 'dlt')),
      formatMb(run.peakRssBytes),
      `${formatMb(run.output.bytes)} (${run.output.files})`,
      formatSeconds(run.cpuSeconds),
      formatSeconds(run.platformCpu.postgres),
      formatSeconds(run.platformCpu.s3),
    ];
  };
  const repeat = sizes[0]?.repeat ?? 1;
  return {
    title: 'Postgres → S3 Parquet ZSTD, full refresh: the platform and its peers, same table, same S3 bucket, same run',
    columns: ['pipeline', 'rows', 'seconds', 'rows/s', '× baseline', '× dlt', 'peak RSS MB', 'Parquet MB (files)', 'CPU s', 'Postgres CPU s', 'S3 CPU s'],
    rows: sizes.flatMap((size) => (['baseline', 'connectors', 'platform', 'dlt'] as const).map((name) => row(size, name))),
    notes: [
      'Every pipeline reads the bench table from the platform\'s source_db (its read-only login) and writes to the platform\'s S3 bucket (SeaweedFS), under its own prefix.',
      'seconds — baseline, connectors: inside their child process, first query to last object uploaded (process start and module loading excluded); platform: the job, connections/sync → attempt ended (queue wait, replication child start and teardown included); dlt: around pipeline.run in the Python process (extract, normalize, load; interpreter start and imports excluded).',
      '× baseline, × dlt: rows/s over the baseline\'s and dlt\'s rows/s in the same run.',
      'peak RSS — baseline, connectors: the child\'s VmHWM; platform: the replication child (all the worker\'s descendants: the sync runs in the child spawned ahead of time), dlt: the Python process tree; both sampled every 100 ms (summed RSS), or the largest VmHWM seen when higher.',
      'CPU s — the pipeline\'s own process(es) (platform: the replication child); Postgres and S3 CPU s: what the platform\'s Postgres (all its processes) and SeaweedFS spent during the run, from /proc, up to the output check (its download excluded). During the platform sync they include the bench polling jobs/get every 100 ms.',
      `dlt: ${DLT_REQUIREMENTS.join(', ')} in a fresh virtualenv under the run's temp dir; sql_table with backend="connectorx", return_type="arrow_stream" (default chunk size), filesystem destination on s3:// with path-style addressing, loader_file_format="parquet", write_disposition="replace", Parquet compression zstd.`,
      'The connectors\' and platform\'s Parquet also carry Airbyte\'s _airbyte_ab_id and _airbyte_emitted_at columns; dlt\'s carry _dlt_load_id and _dlt_id.',
      ...sizes.map(
        (s) =>
          `${s.table}: load average ${s.loadAverage[0].toFixed(2)} at its start, ${s.loadAverage[1].toFixed(2)} at its end; ${formatMb(s.csvBytes)} MB as CSV, ${formatMb(s.source.totalBytes)} MB in Postgres; codecs ${(['baseline', 'connectors', 'platform', 'dlt'] as const).map((n) => `${n} ${s.runs[n].output.codecs}`).join(', ')}.`,
      ),
      'Verified: each pipeline\'s Parquet, downloaded and read by DuckDB, holds the table\'s row count and the same checksum over every value (md5 of each row\'s canonical text, summed) as Postgres computes on the source.',
      ...(repeat > 1 ? [`Fastest of ${repeat} alternating runs of each; peak RSS the highest of them.`] : []),
    ],
  };
}

function cpuTable(sizes: PeersSize[]): ResultTable {
  const cell = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : formatSeconds(n));
  return {
    title: 'Where a platform sync\'s time goes: phases (seconds) and CPU seconds per process',
    columns: ['rows', 'job s', 'queue', 'child start', 'pipeline', 'finish', 'CPU: replication child', 'Postgres', 'S3', 'worker', 'server', 'query', 'CPU total / job s'],
    rows: sizes.map((size) => {
      const run = size.runs.platform;
      const p = run.phases!;
      const cpu = run.platformCpu;
      const total = Object.values(cpu).reduce((a, b) => a + b, 0);
      return [
        formatCount(size.source.rows),
        formatSeconds(run.seconds),
        formatSeconds(p.queue),
        cell(p.childStart),
        cell(p.pipeline),
        formatSeconds(p.finish),
        cell(cpu.replication),
        cell(cpu.postgres),
        cell(cpu.s3),
        cell(cpu.worker),
        cell(cpu.server),
        cell(cpu.query),
        `${formatSeconds(total / run.seconds)} cores`,
      ];
    }),
    notes: [
      'Phases from the platform database and the attempt log (see the platform scenario): queue = enqueued → claimed; child start = claimed → the replication child\'s first line; pipeline = → last STATE saved; finish = → attempt ended.',
      'CPU seconds from /proc over the sync (up to the output check): every service\'s process tree; server: mostly the bench\'s own jobs/get polling every 100 ms; replication child = the worker\'s children (reaped once they exit), worker = the worker process itself. 2 cores: "CPU total / job s" near 2 means the machine was the limit.',
    ],
  };
}

function targets(size: PeersSize): Target[] {
  const rows = formatCount(size.source.rows);
  const platform = size.runs.platform;
  const ratio = (than: PipelineName) => speedup(size, 'platform', than);
  const vs = (than: PipelineName, min: number): Target => ({
    description: `platform (API) rows/s ≥ ${min.toFixed(1)}× ${than === 'connectors' ? 'the connectors alone' : than === 'dlt' ? 'dlt + ConnectorX' : 'the baseline'} at ${rows} rows`,
    measured: formatRatio(ratio(than)),
    met: ratio(than) >= min,
  });
  const parquetRatio = platform.output.bytes / size.runs.baseline.output.bytes;
  const parquet: Target = {
    description: `platform Parquet ≤ ${TARGETS.maxParquetVsBaseline}× the baseline's bytes at ${rows} rows`,
    measured: `${formatRatio(parquetRatio)} (${formatMb(platform.output.bytes)} vs ${formatMb(size.runs.baseline.output.bytes)} MB)`,
    met: parquetRatio <= TARGETS.maxParquetVsBaseline,
  };
  if (size.source.rows >= LARGE_ROWS) {
    return [
      vs('baseline', TARGETS.large.vsBaseline),
      vs('dlt', TARGETS.large.vsDlt),
      {
        description: `replication child peak RSS < ${TARGETS.large.childPeakRssBytes / MB} MB at ${rows} rows`,
        measured: `${formatMb(platform.peakRssBytes)} MB`,
        met: platform.peakRssBytes < TARGETS.large.childPeakRssBytes,
      },
      parquet,
    ];
  }
  const queue = platform.phases!.queue;
  return [
    vs('connectors', TARGETS.small.vsConnectors),
    vs('dlt', TARGETS.small.vsDlt),
    { description: `queue wait ≤ ${TARGETS.small.queueSeconds * 1000} ms at ${rows} rows`, measured: `${(queue * 1000).toFixed(0)} ms`, met: queue <= TARGETS.small.queueSeconds },
    parquet,
  ];
}
