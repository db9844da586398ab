// read: resolves the configured catalog against the database, then reads stream after stream,
// each inside its own REPEATABLE READ snapshot so chunk boundaries and states are exact.
import type pg from 'pg';
import {
  estimateMessage,
  streamStatusMessage,
  type AirbyteStateMessage,
  type ConfiguredAirbyteCatalog,
  type ConfiguredAirbyteStream,
} from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { ConnectorContext } from '../framework/connector';
import { configError } from '../framework/errors';
import { introspect, isCtidScannable, type SourceColumn, type SourceTable } from './catalog';
import { resolveConfig, type PostgresSourceConfig, type ReadTuning } from './config';
import { READ_CONNECT_TIMEOUT_MS, connect, errorContext } from './connection';
import { SpillDirectory } from './copy-chunk';
import { toConnectorError } from './errors';
import { readFullRefresh } from './full-refresh';
import { readIncremental } from './incremental';
import { findStreamState } from './state';
import { relationStats, type StreamRun } from './stream-run';

interface StreamPlan {
  table: SourceTable;
  columns: SourceColumn[];
  /** Set for incremental streams. */
  cursor?: SourceColumn;
}

const display = (namespace: string | null | undefined, name: string) => (namespace ? `${namespace}.${name}` : name);

function selectedColumns(table: SourceTable, configured: ConfiguredAirbyteStream, ctx: ConnectorContext): SourceColumn[] {
  const properties = (configured.stream.json_schema as { properties?: Record<string, unknown> }).properties;
  if (!properties) return table.columns;
  const wanted = new Set(Object.keys(properties));
  const columns = table.columns.filter((c) => wanted.has(c.name));
  const missing = [...wanted].filter((name) => !table.columns.some((c) => c.name === name));
  if (missing.length > 0) ctx.log('WARN', `${display(table.namespace, table.name)} no longer has column(s) ${missing.join(', ')}; they are skipped.`);
  return columns;
}

function cursorColumn(table: SourceTable, configured: ConfiguredAirbyteStream): SourceColumn {
  const stream = display(table.namespace, table.name);
  const field = configured.cursor_field ?? [];
  if (field.length === 0) throw configError(`Stream ${stream} is incremental but has no cursor_field.`);
  if (field.length > 1) throw configError(`Stream ${stream}: nested cursor field ${field.join('.')} is not supported; choose a top-level column.`);
  const column = table.columns.find((c) => c.name === field[0]);
  if (!column) throw configError(`Cursor field "${field[0]}" is not a column of ${stream}.`);
  if (!column.mapping.cursorCapable) throw configError(`Column "${column.name}" of ${stream} has type ${column.sqlType}, which cannot be a cursor.`);
  return column;
}

/** Matches every configured stream to a relation, failing with a config_error that names all missing ones. */
async function planStreams(client: pg.Client, config: PostgresSourceConfig & { schemas: string[] }, catalog: ConfiguredAirbyteCatalog, ctx: ConnectorContext): Promise<StreamPlan[]> {
  const namespaces = new Set([...config.schemas, ...catalog.streams.flatMap((s) => (s.stream.namespace ? [s.stream.namespace] : []))]);
  const tables = await introspect(client, [...namespaces]);
  const find = (s: ConfiguredAirbyteStream) =>
    tables.find((t) => t.name === s.stream.name && (s.stream.namespace ? t.namespace === s.stream.namespace : config.schemas.includes(t.namespace)));
  const missing = catalog.streams.filter((s) => !find(s)).map((s) => display(s.stream.namespace, s.stream.name));
  if (missing.length > 0) {
    throw configError(
      `Stream${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in database "${config.database}" (or not readable by user "${config.username}"). Refresh the source schema or fix the catalog.`,
    );
  }
  return catalog.streams.map((configured) => {
    const table = find(configured)!;
    const cursor = configured.sync_mode === 'incremental' ? cursorColumn(table, configured) : undefined;
    return { table, columns: selectedColumns(table, configured, ctx), cursor };
  });
}

async function supportsTidRangeScans(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(`SELECT current_setting('server_version_num')::int >= 140000 AS ok`);
  return rows[0].ok;
}

interface ReadSession {
  client: pg.Client;
  config: PostgresSourceConfig;
  state: AirbyteStateMessage[] | undefined;
  spill: SpillDirectory;
  tuning: ReadTuning;
  tidRangeScans: boolean;
  ctx: ConnectorContext;
}

/** One stream in its own snapshot, bracketed by STREAM_STATUS traces; failures name the stream. */
async function* readStream(session: ReadSession, plan: StreamPlan): AsyncGenerator<SourceOutput> {
  const { client } = session;
  const descriptor = { name: plan.table.name, namespace: plan.table.namespace };
  yield streamStatusMessage(descriptor, 'STARTED');
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const stats = await relationStats(client, plan.table);
    // Table statistics describe a whole-table read; an incremental window is usually far smaller.
    if (!plan.cursor && isCtidScannable(plan.table)) {
      yield estimateMessage(descriptor, stats.reltuples >= 0 ? Math.round(stats.reltuples) : undefined, stats.bytes);
    }
    const run: StreamRun = {
      client,
      table: plan.table,
      columns: plan.columns,
      descriptor,
      stats,
      spill: session.spill,
      tuning: session.tuning,
      priorState: findStreamState(session.state, descriptor),
      ctx: session.ctx,
    };
    yield* plan.cursor ? readIncremental(run, plan.cursor) : readFullRefresh(run, session.tidRangeScans);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    yield streamStatusMessage(descriptor, 'INCOMPLETE');
    throw toConnectorError(err, errorContext(session.config, display(descriptor.namespace, descriptor.name)));
  }
  yield streamStatusMessage(descriptor, 'COMPLETE');
}

export async function* readPostgres(
  rawConfig: unknown,
  catalog: ConfiguredAirbyteCatalog,
  state: AirbyteStateMessage[] | undefined,
  ctx: ConnectorContext,
  tuning: ReadTuning,
): AsyncGenerator<SourceOutput> {
  const config = resolveConfig(rawConfig);
  const client = await connect(config, { connectTimeoutMs: READ_CONNECT_TIMEOUT_MS, ctx });
  let spill: SpillDirectory | undefined;
  try {
    let plans: StreamPlan[];
    let tidRangeScans: boolean;
    try {
      plans = await planStreams(client, config, catalog, ctx);
      tidRangeScans = await supportsTidRangeScans(client);
    } catch (err) {
      throw toConnectorError(err, errorContext(config));
    }
    spill = await SpillDirectory.create();
    const session: ReadSession = { client, config, state, spill, tuning, tidRangeScans, ctx };
    for (const plan of plans) yield* readStream(session, plan);
  } finally {
    await client.end().catch(() => {});
    await spill?.close();
  }
}
