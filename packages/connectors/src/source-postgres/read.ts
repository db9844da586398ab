// read: resolves the configured catalog against the database, then reads stream after stream,
// each inside its own REPEATABLE READ snapshot so chunk boundaries and states are exact.
// A stream fails alone, as in Airbyte's CDK: one that is missing, unreadable or holds a value
// Postgres cannot output ends with STREAM_STATUS INCOMPLETE and an ERROR trace naming it, the
// next stream is read, and the read ends with a StreamsFailedError. Losing the connection or
// being cancelled ends the whole read at once.
import pg from 'pg';
import {
  errorTraceMessage,
  estimateMessage,
  streamStatusMessage,
  type AirbyteStateMessage,
  type ConfiguredAirbyteCatalog,
  type ConfiguredAirbyteStream,
} from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { ConnectorContext } from '../framework/connector';
import { configError, StreamsFailedError, type ConnectorError } from '../framework/errors';
import { introspect, isCtidScannable, type SourceColumn, type SourceTable } from './catalog';
import { CDC_COLUMN_NAMES } from './cdc-columns';
import { readPostgresCdc } from './cdc-read';
import { cdcMethod, resolveConfig, type PostgresSourceConfig, type ReadTuning } from './config';
import { READ_CONNECT_TIMEOUT_MS, connect, errorContext } from './connection';
import { SpillDirectory } from './copy-chunk';
import { toConnectorError } from './errors';
import { readFullRefresh } from './full-refresh';
import { readIncremental } from './incremental';
import { findStreamState } from './state';
import { relationStats, type StreamRun } from './stream-run';

export interface StreamPlan {
  descriptor: { name: string; namespace: string };
  table: SourceTable;
  columns: SourceColumn[];
  /** Set for incremental streams read with a user cursor (Standard replication). */
  cursor?: SourceColumn;
  /** Incremental streams of CDC replication: a snapshot, then the WAL. */
  cdc?: boolean;
}

const display = (namespace: string | null | undefined, name: string) => (namespace ? `${namespace}.${name}` : name);

function selectedColumns(table: SourceTable, configured: ConfiguredAirbyteStream, ctx: ConnectorContext): SourceColumn[] {
  const properties = (configured.stream.json_schema as { properties?: Record<string, unknown> }).properties;
  if (!properties) return table.columns;
  // The CDC columns are the connector's own, not the table's.
  const wanted = new Set(Object.keys(properties).filter((name) => !CDC_COLUMN_NAMES.includes(name)));
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

/** A configured stream that cannot be read at all, with the config_error saying why. */
export interface UnreadableStream {
  descriptor: { name: string; namespace?: string | null };
  error: ConnectorError;
}

/** Matches every configured stream to a relation; those without one (or without a usable cursor) are unreadable. */
export async function planStreams(
  client: pg.Client,
  config: PostgresSourceConfig & { schemas: string[] },
  catalog: ConfiguredAirbyteCatalog,
  ctx: ConnectorContext,
): Promise<Array<StreamPlan | UnreadableStream>> {
  const namespaces = new Set([...config.schemas, ...catalog.streams.flatMap((s) => (s.stream.namespace ? [s.stream.namespace] : []))]);
  const tables = await introspect(client, [...namespaces]);
  const find = (s: ConfiguredAirbyteStream) =>
    tables.find((t) => t.name === s.stream.name && (s.stream.namespace ? t.namespace === s.stream.namespace : config.schemas.includes(t.namespace)));
  return catalog.streams.map((configured) => {
    const table = find(configured);
    if (!table) {
      const error = configError(
        `Stream ${display(configured.stream.namespace, configured.stream.name)} not found in database "${config.database}" (or not readable by user "${config.username}"). Refresh the source schema or fix the catalog.`,
      );
      return { descriptor: { name: configured.stream.name, namespace: configured.stream.namespace }, error };
    }
    const descriptor = { name: table.name, namespace: table.namespace };
    try {
      const columns = selectedColumns(table, configured, ctx);
      // With CDC the cursor is the connector's (_ab_cdc_lsn), whatever the catalog says.
      if (configured.sync_mode === 'incremental' && cdcMethod(config)) return { descriptor, table, columns, cdc: true };
      const cursor = configured.sync_mode === 'incremental' ? cursorColumn(table, configured) : undefined;
      return { descriptor, table, columns, cursor };
    } catch (err) {
      return { descriptor, error: err as ConnectorError };
    }
  });
}

export type StreamFailures = StreamsFailedError['failures'];

/** A stream that failed on its own: Airbyte's INCOMPLETE status, then the error naming the stream. */
export function* streamFailed(descriptor: UnreadableStream['descriptor'], error: ConnectorError, failures: StreamFailures): Generator<SourceOutput> {
  failures.push({ stream: descriptor, error });
  yield streamStatusMessage(descriptor, 'INCOMPLETE');
  yield errorTraceMessage(error.message, error.failureType, error.internalMessage, descriptor);
}

export async function supportsTidRangeScans(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(`SELECT current_setting('server_version_num')::int >= 140000 AS ok`);
  return rows[0].ok;
}

export interface ReadSession {
  client: pg.Client;
  /** An exported snapshot every stream's transaction reads in (CDC's initial snapshot). */
  snapshotName?: string;
  config: PostgresSourceConfig;
  state: AirbyteStateMessage[] | undefined;
  spill: SpillDirectory;
  tuning: ReadTuning;
  tidRangeScans: boolean;
  ctx: ConnectorContext;
  failures: StreamFailures;
}

/** One stream in its own snapshot, bracketed by STREAM_STATUS traces; failures name the stream. */
export async function* readStream(session: ReadSession, plan: StreamPlan): AsyncGenerator<SourceOutput> {
  const { client } = session;
  const { descriptor } = plan;
  yield streamStatusMessage(descriptor, 'STARTED');
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (session.snapshotName) await client.query(`SET TRANSACTION SNAPSHOT ${pg.escapeLiteral(session.snapshotName)}`);
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
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    const error = toConnectorError(err, errorContext(session.config, display(descriptor.namespace, descriptor.name)));
    // A lost connection, a cancel or a server going away are no stream's own: the read stops.
    if (!rolledBack || error.failureType === 'transient_error') {
      yield streamStatusMessage(descriptor, 'INCOMPLETE');
      throw error;
    }
    yield* streamFailed(descriptor, error, session.failures);
    return;
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
  const cdc = cdcMethod(config);
  if (cdc) {
    yield* readPostgresCdc(config, cdc, catalog, state, ctx, tuning);
    return;
  }
  const client = await connect(config, { connectTimeoutMs: READ_CONNECT_TIMEOUT_MS, ctx });
  let spill: SpillDirectory | undefined;
  try {
    let plans: Array<StreamPlan | UnreadableStream>;
    let tidRangeScans: boolean;
    try {
      plans = await planStreams(client, config, catalog, ctx);
      tidRangeScans = await supportsTidRangeScans(client);
    } catch (err) {
      throw toConnectorError(err, errorContext(config));
    }
    spill = await SpillDirectory.create();
    const session: ReadSession = { client, config, state, spill, tuning, tidRangeScans, ctx, failures: [] };
    for (const plan of plans) {
      if ('error' in plan) yield* streamFailed(plan.descriptor, plan.error, session.failures);
      else yield* readStream(session, plan);
    }
    if (session.failures.length > 0) throw new StreamsFailedError(session.failures);
  } finally {
    await client.end().catch(() => {});
    await spill?.close();
  }
}
