// What one stream's read needs, and the SQL pieces both read modes share.
import pg from 'pg';
import type { ConnectorContext } from '../framework/connector';
import { postgresTimestampsWelcome, type CsvFileBatch } from '../framework/batches';
import type { SourceColumn, SourceTable } from './catalog';
import type { ReadTuning } from './config';
import type { SpillDirectory } from './copy-chunk';
import { nullable } from './types';

export interface RelationStats {
  /** Null for relations without storage (views). */
  filenode: number | null;
  /** Current size in pages. */
  blocks: number;
  blockSize: number;
  /** Planner estimate; -1 when never analyzed. */
  reltuples: number;
  relpages: number;
  bytes: number;
}

export interface StreamRun {
  client: pg.Client;
  table: SourceTable;
  /** Selected columns, in table order. */
  columns: SourceColumn[];
  descriptor: { name: string; namespace: string };
  stats: RelationStats;
  spill: SpillDirectory;
  tuning: ReadTuning;
  /** This stream's stream_state from the input state, if any. */
  priorState?: Record<string, unknown>;
  ctx: ConnectorContext;
}

/** The alias every query gives the relation, so `ROW(_ab_src.*)` cannot clash with a column name. */
export const SOURCE_ALIAS = '_ab_src';

export const quote = (identifier: string) => pg.escapeIdentifier(identifier);
export const qualifiedName = (table: SourceTable) => `${quote(table.namespace)}.${quote(table.name)}`;

export async function relationStats(client: pg.Client, table: SourceTable): Promise<RelationStats> {
  const { rows } = await client.query<RelationStats>(
    `SELECT pg_relation_filenode(c.oid)::bigint::float8 AS filenode,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::float8 AS blocks,
            current_setting('block_size')::int AS "blockSize",
            c.reltuples::float8 AS reltuples, c.relpages::float8 AS relpages,
            pg_relation_size(c.oid)::float8 AS bytes
     FROM pg_class c WHERE c.oid = $1::regclass`,
    [qualifiedName(table)],
  );
  return rows[0];
}

/**
 * `SELECT <typed expressions> FROM <relation> AS _ab_src <rest>` for COPY; timestamps as
 * PostgreSQL writes them when `postgresTimestamps`.
 */
export function selectQuery(run: StreamRun, rest: string, postgresTimestamps = false): string {
  const expression = (c: SourceColumn) => (postgresTimestamps && c.mapping.postgresTimestamp ? quote(c.name) : c.mapping.select(quote(c.name)));
  const list = run.columns.map((c) => `${expression(c)} AS ${quote(c.name)}`).join(', ');
  return `SELECT ${list} FROM ${qualifiedName(run.table)} AS ${SOURCE_ALIAS} ${rest}`;
}

/** COPYs one chunk to a file; returns the batch (absent when the chunk is empty) and its row count. */
export async function copyChunk(run: StreamRun, rest: string): Promise<{ batch?: CsvFileBatch; rowCount: number }> {
  // Decided before the first await: the consumer's context is the one that resumed this read.
  const postgresTimestamps = postgresTimestampsWelcome() && run.columns.some((c) => c.mapping.postgresTimestamp);
  const chunk = await run.spill.copy(run.client, selectQuery(run, rest, postgresTimestamps), run.ctx.signal);
  const columns = run.columns.map((c) => ({ name: c.name, schema: nullable(c.mapping.schema) }));
  return { batch: await run.spill.toBatch(chunk, run.descriptor, columns, postgresTimestamps), rowCount: chunk.rowCount };
}
