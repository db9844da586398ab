// Parquet, built by DuckDB from a staged local file, never row by row in JS:
//   CSV chunk (the source's COPY output) ─┐
//   NDJSON spill (records)               ─┴→ read_csv / read_json, every value as VARCHAR
//     → SELECT typed + flattened columns (columns.ts)
//     → COPY TO <dir> (FORMAT parquet, codec, row-group bound, FILE_SIZE_BYTES) → data_N.parquet
// Columns are read by position under generated names, so no column name (quotes, case,
// "_airbyte_…") can clash inside DuckDB.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { systemError } from '../../framework/errors';
import { withoutRowContent } from '../../framework/row-content';
import type { ParquetSettings } from '../config';
import { airbyteTimestampSql, copyTextType, parquetSelect, sqlString, strictTimestampSql, type InputColumn } from '../columns';
import { ROW_ORDINAL_SQL, ensureRowIdSequence, rowIdPrefix, rowIdSql } from '../row-ids';

export type StagedFile =
  /**
   * A CSV file as PostgreSQL COPY (FORMAT csv, HEADER) writes it: NULL unquoted-empty, '' quoted.
   * `csvColumns` names its columns in file order; `columns` (the catalog's) decide the output.
   */
  /**
   * `postgresTimestampColumns` hold PostgreSQL's timestamp text (CsvFileBatch.postgresTimestamps):
   * typed from it directly, and rewritten to the protocol's text wherever text is kept.
   */
  | { kind: 'csv'; path: string; columns: InputColumn[]; csvColumns: string[]; postgresTimestampColumns: string[]; emittedAt: number }
  /**
   * One `{"e": <emitted_at ms>, "v": [<each column's text or null>], "x": <JSON text of the
   * properties outside the catalog, or null>}` per line; `maxLineBytes` bounds its longest line.
   */
  | { kind: 'ndjson'; path: string; columns: InputColumn[]; maxLineBytes: number };


const MB = 1024 * 1024;
/**
 * 4 MB CSV read buffers (DuckDB's default is 32 MB per buffer) take ~60 MB off the peak RSS at
 * the same speed. A buffer bounds the longest row DuckDB can read, so a chunk with a longer row
 * is read again with larger ones, single-threaded (DuckDB's parallel reader needs each row
 * inside one buffer of its own).
 */
const CSV_BUFFER_BYTES = [4 * MB, 32 * MB, 256 * MB, 1024 * MB];

/**
 * The SELECT of a CSV chunk's Parquet rows, read with `bufferBytes` buffers. Not `tolerant`,
 * the CSV reader types the columns it can itself (PostgreSQL's text of a numeric, integer,
 * float, boolean or time is exact for it) and any value that does not fit fails the query.
 */
function csvSelect(staged: Extract<StagedFile, { kind: 'csv' }>, bufferBytes: number, tolerant: boolean): string {
  const byName = new Map(staged.columns.map((c) => [c.name, c]));
  const readTypes = staged.csvColumns.map((name) => {
    const column = byName.get(name);
    return (!tolerant && column && copyTextType(column.schema)) || 'VARCHAR';
  });
  const positions = new Map(staged.csvColumns.map((name, i) => [name, i]));
  const postgresText = new Set(staged.postgresTimestampColumns);
  // A catalog column the chunk lacks is NULL, so every file of the stream has the same columns.
  const text = (i: number) => {
    const position = positions.get(staged.columns[i].name);
    if (position === undefined) return undefined;
    return postgresText.has(staged.columns[i].name) ? airbyteTimestampSql(`t.c${position}`) : `t.c${position}`;
  };
  const typed = (i: number) => {
    const position = positions.get(staged.columns[i].name);
    if (position === undefined) return undefined;
    // DuckDB reads PostgreSQL's text and the protocol's as the same instants (destination-s3.test.ts).
    if (postgresText.has(staged.columns[i].name)) return strictTimestampSql(`t.c${position}`, staged.columns[i].schema);
    return readTypes[position] === 'VARCHAR' ? undefined : `t.c${position}`;
  };
  const types = readTypes.map((type, i) => `'c${i}': '${type}'`).join(', ');
  // allow_quoted_nulls=false keeps '' (quoted) apart from NULL (unquoted empty).
  const from = `read_csv(${sqlString(staged.path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false,
    buffer_size = ${bufferBytes}, max_line_size = ${bufferBytes}${bufferBytes > CSV_BUFFER_BYTES[0] ? ', parallel = false' : ''}, columns = {${types}}) AS t`;
  return parquetSelect(staged.columns, { text, typed, emittedAt: `epoch_ms(${Math.trunc(staged.emittedAt)}::BIGINT)::TIMESTAMPTZ`, idPrefix: rowIdPrefix() }, from, tolerant).sql;
}

/** DuckDB's JSON reader refuses objects above maximum_object_size (16 MB by default). */
const jsonObjectLimit = (maxLineBytes: number) => Math.max(16 * MB, 2 ** Math.ceil(Math.log2(maxLineBytes + 1)));

function ndjsonSelect(staged: Extract<StagedFile, { kind: 'ndjson' }>, tolerant: boolean): string {
  const from = `read_json(${sqlString(staged.path)}, format = 'newline_delimited', maximum_object_size = ${jsonObjectLimit(staged.maxLineBytes)},
    columns = {'e': 'BIGINT', 'v': 'VARCHAR[]', 'x': 'VARCHAR'}) AS t`;
  const emittedAt = 'epoch_ms(t.e)::TIMESTAMPTZ';
  // A stream without declared properties: each record as one JSON column.
  if (staged.columns.length === 0) {
    const values = `SELECT ${ROW_ORDINAL_SQL} AS o, ${emittedAt} AS e, t.x FROM ${from}`;
    return `SELECT ${rowIdSql(rowIdPrefix(), 's.o')} AS _airbyte_ab_id, s.e AS _airbyte_emitted_at, s.x AS _airbyte_data FROM (${values}) AS s`;
  }
  return parquetSelect(staged.columns, { text: (i) => `t.v[${i + 1}]`, emittedAt, undeclared: 't.x', idPrefix: rowIdPrefix() }, from, tolerant).sql;
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

/** Writes the rows of `select` to `outDir`; returns the files, none when it had no rows. */
async function copyToParquet(db: DuckDBConnection, select: string, settings: ParquetSettings, outDir: string, maxFileBytes: number): Promise<string[]> {
  await ensureRowIdSequence(db);
  const result = await db.runAndReadAll(`COPY (${select}) TO ${sqlString(outDir)} (${copyOptions(settings, maxFileBytes)})`);
  if (Number(result.getRowObjectsJS()[0]?.Count ?? 0) === 0) {
    // DuckDB still writes an empty data_0.parquet; an empty chunk is no file at all.
    await rm(outDir, { recursive: true, force: true });
    return [];
  }
  const files = (await readdir(outDir)).filter((f) => f.endsWith('.parquet')).sort((a, b) => partIndex(a) - partIndex(b));
  return files.map((f) => join(outDir, f));
}

/** Errors of DuckDB's CSV reader, which a row longer than its buffer causes. */
const isCsvReadError = (err: unknown) => /CSV/.test((err as Error).message);

/**
 * Runs the checking-free SELECT, then, when it fails (a value that does not fit its type, or a
 * row longer than the read buffer), the tolerant one, which keeps such values in
 * _airbyte_unfit_values. `attempt` may first remove what a failed COPY left in `outDir`.
 */
async function strictThenTolerant(db: DuckDBConnection, outDir: string, attempt: (tolerant: boolean) => Promise<string[]>): Promise<string[]> {
  try {
    return await attempt(false);
  } catch {
    await rm(outDir, { recursive: true, force: true });
  }
  // Checking every value takes several expressions per column, each a vector per thread: one
  // thread keeps a wide table within the memory limit on this rare path.
  const threads = (await db.runAndReadAll(`SELECT current_setting('threads') AS n`)).getRowObjectsJS()[0].n;
  await db.run('SET threads = 1');
  try {
    return await attempt(true);
  } finally {
    await db.run(`SET threads = ${Number(threads)}`);
  }
}

async function convertCsv(db: DuckDBConnection, staged: Extract<StagedFile, { kind: 'csv' }>, settings: ParquetSettings, outDir: string, maxFileBytes: number): Promise<string[]> {
  const fileBytes = (await stat(staged.path)).size;
  for (const bufferBytes of CSV_BUFFER_BYTES) {
    try {
      return await strictThenTolerant(db, outDir, (tolerant) => copyToParquet(db, csvSelect(staged, bufferBytes, tolerant), settings, outDir, maxFileBytes));
    } catch (err) {
      // A buffer as large as the whole file already held every row: the cause is elsewhere.
      if (!isCsvReadError(err) || bufferBytes > fileBytes || bufferBytes === CSV_BUFFER_BYTES.at(-1)) throw err;
      await rm(outDir, { recursive: true, force: true });
    }
  }
  throw new Error('unreachable');
}

/**
 * Converts a staged file into Parquet files inside `outDir` (created by DuckDB) and returns
 * their paths in order; none when the input had no rows. `label` names the input in errors.
 */
export async function writeParquetFiles(db: DuckDBConnection, staged: StagedFile, settings: ParquetSettings, outDir: string, maxFileBytes: number, label: string): Promise<string[]> {
  try {
    return staged.kind === 'csv'
      ? await convertCsv(db, staged, settings, outDir, maxFileBytes)
      : await strictThenTolerant(db, outDir, (tolerant) => copyToParquet(db, ndjsonSelect(staged, tolerant), settings, outDir, maxFileBytes));
  } catch (err) {
    // DuckDB's first line names the line, column and type; what it quotes is row content.
    const { message, stack = '' } = err as Error;
    const frames = stack.split('\n').filter((line) => line.startsWith('    at '));
    throw systemError(`could not convert ${label} to Parquet: ${withoutRowContent(message.split('\n')[0])}`, frames.join('\n'), err);
  }
}
