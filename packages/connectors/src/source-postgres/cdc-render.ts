// Turns decoded WAL changes into the same CSV chunks snapshot reads produce. The changes go to
// a temp table as row literals in Postgres's text form; one COPY then casts them back to the
// table's row type and applies each column's output expression, so a value looks the same
// whether it came from the snapshot or from the WAL.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CsvFileBatch } from '../framework/batches';
import type { SourceColumn, SourceTable } from './catalog';
import { cdcColumns } from './cdc-columns';
import type { SpillDirectory } from './copy-chunk';
import { qualifiedName, quote } from './stream-run';
import { nullable } from './types';

export interface PendingChange {
  lsn: bigint;
  /** ISO-8601 commit time. */
  committedAt: string;
  deleted: boolean;
  /** Text values by column name; null is NULL, undefined an unchanged TOASTed value the WAL left out. */
  values: Record<string, string | null | undefined>;
}

export interface RenderTarget {
  table: SourceTable;
  /** Selected columns of the table (without the CDC columns). */
  columns: SourceColumn[];
  descriptor: { name: string; namespace: string };
}

const CHANGES = 'pg_temp._ab_cdc_changes';
const SRC = '_ab_src';
const LIVE = '_ab_live';

const csvField = (value: string | null) => (value === null ? '' : `"${value.replace(/"/g, '""')}"`);
/** A composite (row) literal: every field quoted, NULL left empty. */
const compositeField = (value: string | null | undefined) => (value == null ? '' : `"${value.replace(/[\\"]/g, '\\$&')}"`);
const arrayLiteral = (items: string[]) => `{${items.map((i) => `"${i.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

export async function createChangesTable(client: pg.Client): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS _ab_cdc_changes (seq bigint, lsn numeric, committed_at text, deleted_at text, row_text text, unchanged text[])`,
  );
}

/** Columns an update left out (unchanged TOAST), for the warning and the live-row lookup. */
export const unchangedColumns = (table: SourceTable, change: PendingChange) =>
  change.deleted ? [] : table.columns.filter((c) => c.name in change.values && change.values[c.name] === undefined).map((c) => c.name);

function renderQuery(target: RenderTarget): string {
  const { table } = target;
  const pk = table.primaryKey;
  // Unchanged TOASTed values are read from the table's current row (by primary key).
  const live =
    pk.length > 0
      ? ` LEFT JOIN LATERAL (SELECT * FROM ${qualifiedName(table)} AS l WHERE c.unchanged IS NOT NULL AND ${pk.map((k) => `l.${quote(k)} = ${SRC}.${quote(k)}`).join(' AND ')}) AS ${LIVE} ON true`
      : '';
  const value = (column: SourceColumn) => {
    const fromWal = column.mapping.select(`${SRC}.${quote(column.name)}`);
    if (!live) return fromWal;
    return `CASE WHEN c.unchanged @> ARRAY[${`'${column.name.replace(/'/g, "''")}'`}]::text[] THEN ${column.mapping.select(`${LIVE}.${quote(column.name)}`)} ELSE ${fromWal} END`;
  };
  const meta = cdcColumns({ lsn: 'c.lsn', updatedAt: 'c.committed_at', deletedAt: 'c.deleted_at' });
  const list = [...target.columns.map((c) => `${value(c)} AS ${quote(c.name)}`), ...meta.map((c) => `${c.mapping.select(c.name)} AS ${quote(c.name)}`)];
  // unnest of a one-element array casts the literal once and exposes the row type's columns.
  return `SELECT ${list.join(', ')} FROM ${CHANGES} AS c CROSS JOIN LATERAL unnest(ARRAY[c.row_text::${qualifiedName(table)}]) AS ${SRC}${live} ORDER BY c.seq`;
}

/** Renders one stream's changes, in order, to a CSV batch. */
export async function renderChanges(client: pg.Client, spill: SpillDirectory, target: RenderTarget, changes: PendingChange[], signal?: AbortSignal): Promise<CsvFileBatch | undefined> {
  await client.query(`TRUNCATE ${CHANGES}`);
  const lines = changes.map((change, seq) => {
    const row = `(${target.table.columns.map((c) => compositeField(change.values[c.name])).join(',')})`;
    const unchanged = unchangedColumns(target.table, change);
    return [String(seq), change.lsn.toString(), csvField(change.committedAt), csvField(change.deleted ? change.committedAt : null), csvField(row), csvField(unchanged.length > 0 ? arrayLiteral(unchanged) : null)].join(',') + '\n';
  });
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY ${CHANGES} FROM STDIN (FORMAT csv)`)));
  const chunk = await spill.copy(client, renderQuery(target), signal);
  const columns = [...target.columns, ...cdcColumns({ lsn: '', updatedAt: '', deletedAt: '' })].map((c) => ({ name: c.name, schema: nullable(c.mapping.schema) }));
  return spill.toBatch(chunk, target.descriptor, columns);
}
