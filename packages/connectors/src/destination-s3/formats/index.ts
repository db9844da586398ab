// The output formats behind one interface: where records collect before they become files,
// and (Parquet only) the fast path that turns a whole CSV chunk into files in one step.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CsvFileBatch } from '../../framework/batches';
import { isDateTimeColumn } from '../../framework/expand';
import type { FormatSettings, ParquetSettings, TextSettings } from '../config';
import type { InputColumn } from '../columns';
import { LineFile } from '../line-file';
import { writeParquetFiles } from './parquet';
import { textContentType, textExtension, textLayout } from './text';

/** Records of one stream collecting in a local file until they are turned into output files. */
export interface RecordBuffer {
  readonly rows: number;
  readonly bytes: number;
  append(records: Record<string, unknown>[], emittedAt: number): Promise<void>;
  /** Closes the buffer; returns the local files to upload, none when it stayed empty. */
  finish(): Promise<string[]>;
}

export interface OutputFormat {
  extension: string;
  contentType: string;
  /** A buffer working inside `dir`, a fresh directory of its own. */
  openBuffer(columns: InputColumn[], dir: string, label: string): Promise<RecordBuffer>;
  /**
   * Converts a CSV chunk into output files inside `dir`, with the stream's `columns` (from the
   * catalog); absent when the format takes the chunk's records instead.
   */
  convertCsvBatch?(batch: CsvFileBatch, columns: InputColumn[], dir: string, label: string): Promise<string[]>;
  /** Whether convertCsvBatch reads CSV batches with PostgreSQL's timestamp text (CsvFileBatch.postgresTimestamps). */
  readsPostgresTimestamps?: boolean;
}

export interface FormatDeps {
  duckdb(): Promise<DuckDBConnection>;
  /** Parquet files split past this size. */
  maxFileBytes: number;
}

/** A value as the text DuckDB types it from: strings as they are, anything else as JSON. */
function spillText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * One spill line per record: `{"e": <emitted_at>, "v": [<each column's text>], "x": <JSON text of
 * the properties outside the catalog, or null>}`. By position, so no property name reaches SQL.
 */
function spillLine(columns: InputColumn[]): (data: Record<string, unknown>, emittedAt: number) => string {
  const names = columns.map((c) => c.name);
  const declared = new Set(names);
  return (data, emittedAt) => {
    // Without declared properties the whole record is "outside the catalog".
    let undeclared: Record<string, unknown> | undefined = names.length === 0 ? data : undefined;
    if (!undeclared) for (const key of Object.keys(data)) if (!declared.has(key) && data[key] !== undefined) (undeclared ??= {})[key] = data[key];
    const values = names.map((name) => spillText(data[name])).join(',');
    return `{"e":${emittedAt},"v":[${values}],"x":${undeclared ? spillText(undeclared) : 'null'}}\n`;
  };
}

const LONG_LINE_CHARS = 1024 * 1024;

function parquetFormat(settings: ParquetSettings, deps: FormatDeps): OutputFormat {
  const toParquet = async (staged: Parameters<typeof writeParquetFiles>[1], dir: string, label: string) =>
    writeParquetFiles(await deps.duckdb(), staged, settings, join(dir, 'parquet'), deps.maxFileBytes, label);
  return {
    extension: '.parquet',
    contentType: 'application/vnd.apache.parquet',
    async openBuffer(columns, dir, label) {
      // Records spill as NDJSON; DuckDB types and flattens them exactly as it does CSV chunks.
      const spill = new LineFile(join(dir, 'records.ndjson'), false);
      const toLine = spillLine(columns);
      let maxLineBytes = 0;
      return {
        get rows() {
          return spill.rows;
        },
        get bytes() {
          return spill.bytes;
        },
        append(records, emittedAt) {
          let lines = '';
          for (const data of records) {
            const line = toLine(data, emittedAt);
            // Only long lines matter (DuckDB's JSON reader takes 16 MB objects by default); count their UTF-8 bytes.
            if (line.length > LONG_LINE_CHARS) maxLineBytes = Math.max(maxLineBytes, Buffer.byteLength(line));
            lines += line;
          }
          return spill.append(lines, records.length);
        },
        async finish() {
          await spill.close();
          try {
            return spill.rows === 0 ? [] : await toParquet({ kind: 'ndjson', path: spill.path, columns, maxLineBytes }, dir, label);
          } finally {
            await rm(spill.path, { force: true });
          }
        },
      };
    },
    convertCsvBatch(batch, columns, dir, label) {
      const csvColumns = batch.columns.map((c) => c.name);
      // The batch's own schemas say which columns hold PostgreSQL's timestamp text.
      const postgresTimestampColumns = batch.postgresTimestamps ? batch.columns.filter((c) => isDateTimeColumn(c.schema)).map((c) => c.name) : [];
      return toParquet(
        { kind: 'csv', path: batch.path, columns: columns.length > 0 ? columns : batch.columns, csvColumns, postgresTimestampColumns, emittedAt: batch.emittedAt },
        dir,
        label,
      );
    },
    readsPostgresTimestamps: true,
  };
}

function textFormat(settings: TextSettings): OutputFormat {
  const extension = textExtension(settings);
  return {
    extension,
    contentType: textContentType(settings),
    async openBuffer(columns, dir) {
      const layout = textLayout(settings, columns.map((c) => c.name));
      const file = new LineFile(join(dir, `part${extension}`), settings.gzip);
      await file.append(layout.header, 0);
      return {
        get rows() {
          return file.rows;
        },
        get bytes() {
          return file.bytes;
        },
        append: (records, emittedAt) => file.append(layout.lines(records, emittedAt), records.length),
        async finish() {
          await file.close();
          return file.rows === 0 ? [] : [file.path];
        },
      };
    },
  };
}

export function outputFormat(settings: FormatSettings, deps: FormatDeps): OutputFormat {
  return settings.type === 'parquet' ? parquetFormat(settings, deps) : textFormat(settings);
}
