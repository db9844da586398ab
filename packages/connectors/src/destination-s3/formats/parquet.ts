// Parquet, built by DuckDB from a staged local file, never row by row in JS:
//   CSV chunk (the source's COPY output) ─┐
//   NDJSON spill (records)               ─┴→ read_csv / read_json with explicit types
//     → SELECT typed + flattened columns + _airbyte_ab_id, _airbyte_emitted_at
//     → COPY TO <dir> (FORMAT parquet, codec, row-group bound, FILE_SIZE_BYTES) → data_N.parquet
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { systemError } from '../../framework/errors';
import { withoutRowContent } from '../../framework/row-content';
import type { ParquetSettings } from '../config';
import { duckType, flattenedColumns, needsKeyDiscovery, sqlIdent, sqlString, type DiscoveredKey, type InputColumn, type OutputColumn } from '../columns';

export type StagedFile =
  /** A CSV file as PostgreSQL COPY (FORMAT csv, HEADER) writes it: NULL unquoted-empty, '' quoted. */
  | { kind: 'csv'; path: string; columns: InputColumn[]; emittedAt: number }
  /** One `{"e": <emitted_at ms>, "d": <record data>}` per line. */
  | { kind: 'ndjson'; path: string; columns: InputColumn[] };

interface Relation {
  /** FROM clause; the row alias is `t`. */
  from: string;
  ref(column: string): string;
  emittedAt: string;
}

const CSV_BUFFER_BYTES = 4 * 1024 * 1024;

function relationOf(staged: StagedFile): Relation {
  if (staged.kind === 'csv') {
    const types = staged.columns.map((c) => `${sqlString(c.name)}: ${sqlString(duckType(c.schema))}`).join(', ');
    return {
      // allow_quoted_nulls=false keeps '' (quoted) apart from NULL (unquoted empty). 4 MB read
      // buffers (DuckDB's default is 32 MB per buffer) take ~60 MB off the peak RSS at the same
      // speed; they also bound a row's size, twice DuckDB's default 2 MB.
      from: `read_csv(${sqlString(staged.path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false,
        buffer_size = ${CSV_BUFFER_BYTES}, max_line_size = ${CSV_BUFFER_BYTES}, columns = {${types}}) AS t`,
      ref: (column) => `t.${sqlIdent(column)}`,
      emittedAt: `epoch_ms(${Math.trunc(staged.emittedAt)}::BIGINT)::TIMESTAMPTZ`,
    };
  }
  // Typed by DuckDB's JSON reader: exact DECIMALs from JSON strings, timestamps from ISO text.
  const dataType = staged.columns.length > 0 ? `STRUCT(${staged.columns.map((c) => `${sqlIdent(c.name)} ${duckType(c.schema)}`).join(', ')})` : 'JSON';
  return {
    from: `read_json(${sqlString(staged.path)}, format = 'newline_delimited', columns = {'e': 'BIGINT', 'd': ${sqlString(dataType)}}) AS t`,
    ref: (column) => `t.d.${sqlIdent(column)}`,
    emittedAt: 'epoch_ms(t.e)::TIMESTAMPTZ',
  };
}

/** Keys (and their JSON types) of each object column that declares no properties. */
async function discoverKeys(db: DuckDBConnection, relation: Relation, columns: InputColumn[]): Promise<Map<string, DiscoveredKey[]>> {
  const found = new Map<string, DiscoveredKey[]>();
  for (const column of columns.filter((c) => needsKeyDiscovery(c.schema))) {
    const value = relation.ref(column.name);
    const result = await db.runAndReadAll(
      `SELECT e.key AS key, list(DISTINCT e.type) AS types FROM ${relation.from}, json_each(${value}) AS e
       WHERE json_type(${value}) = 'OBJECT' AND e.key IS NOT NULL GROUP BY e.key ORDER BY e.key`,
    );
    found.set(
      column.name,
      result.getRowObjectsJS().map((r) => ({ key: String(r.key), jsonTypes: (r.types as unknown[]).map(String) })),
    );
  }
  return found;
}

const ROW_GROUP_MAX_ROWS = 61_440;

function copyOptions(settings: ParquetSettings, maxFileBytes: number): string {
  return [
    'FORMAT parquet',
    `COMPRESSION ${settings.codec}`,
    // block_size_mb bounds a row group's bytes; the row cap (half DuckDB's default) keeps the
    // writer's per-thread buffers, and so the process's memory, flat and small.
    `ROW_GROUP_SIZE_BYTES ${settings.rowGroupBytes}`,
    `ROW_GROUP_SIZE ${ROW_GROUP_MAX_ROWS}`,
    // DICTIONARY_SIZE_LIMIT counts entries (0 = no dictionary); the page limit is in bytes.
    ...(settings.dictionaryEncoding ? [`STRING_DICTIONARY_PAGE_SIZE_LIMIT ${settings.dictionaryPageBytes}`] : ['DICTIONARY_SIZE_LIMIT 0']),
    // Bounded files even from one huge chunk: DuckDB rotates data_0, data_1, ... at this size.
    `FILE_SIZE_BYTES ${maxFileBytes}`,
  ].join(', ');
}

const partIndex = (file: string) => Number(/(\d+)\.parquet$/.exec(file)?.[1] ?? 0);

/**
 * Converts a staged file into Parquet files inside `outDir` (created by DuckDB) and returns
 * their paths in order; none when the input had no rows. `label` names the input in errors.
 */
export async function writeParquetFiles(db: DuckDBConnection, staged: StagedFile, settings: ParquetSettings, outDir: string, maxFileBytes: number, label: string): Promise<string[]> {
  try {
    const relation = relationOf(staged);
    const columns: OutputColumn[] =
      staged.columns.length > 0
        ? flattenedColumns(staged.columns, relation.ref, await discoverKeys(db, relation, staged.columns))
        : [{ name: '_airbyte_data', sql: 'CAST(t.d AS VARCHAR)' }];
    const select = [
      // A string, as Airbyte writes it. Time-ordered (v7) ids share their leading digits within a
      // chunk, so files come out ~15% smaller than with random v4 ids, at the same CPU cost.
      'uuidv7()::VARCHAR AS "_airbyte_ab_id"',
      `${relation.emittedAt} AS "_airbyte_emitted_at"`,
      ...columns.map((c) => `${c.sql} AS ${sqlIdent(c.name)}`),
    ].join(', ');
    const result = await db.runAndReadAll(`COPY (SELECT ${select} FROM ${relation.from}) TO ${sqlString(outDir)} (${copyOptions(settings, maxFileBytes)})`);
    if (Number(result.getRowObjectsJS()[0]?.Count ?? 0) === 0) {
      // DuckDB still writes an empty data_0.parquet; an empty chunk is no file at all.
      await rm(outDir, { recursive: true, force: true });
      return [];
    }
    const files = (await readdir(outDir)).filter((f) => f.endsWith('.parquet')).sort((a, b) => partIndex(a) - partIndex(b));
    return files.map((f) => join(outDir, f));
  } catch (err) {
    // DuckDB's message quotes the offending CSV line and value; its first paragraph names the line, column and type.
    const { message, stack } = err as Error;
    throw systemError(`could not convert ${label} to Parquet: ${withoutRowContent(message.split('\n\n')[0])}`, stack && withoutRowContent(stack), err);
  }
}
