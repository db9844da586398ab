// The output formats behind one interface: where records collect before they become files,
// and (Parquet only) the fast path that turns a whole CSV chunk into files in one step.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CsvFileBatch } from '../../framework/batches';
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
  /** Converts a CSV chunk into output files inside `dir`; absent when the format takes the chunk's records instead. */
  convertCsvBatch?(batch: CsvFileBatch, dir: string, label: string): Promise<string[]>;
}

export interface FormatDeps {
  duckdb(): Promise<DuckDBConnection>;
  /** Parquet files split past this size. */
  maxFileBytes: number;
}

function parquetFormat(settings: ParquetSettings, deps: FormatDeps): OutputFormat {
  const toParquet = async (staged: Parameters<typeof writeParquetFiles>[1], dir: string, label: string) =>
    writeParquetFiles(await deps.duckdb(), staged, settings, join(dir, 'parquet'), deps.maxFileBytes, label);
  return {
    extension: '.parquet',
    contentType: 'application/vnd.apache.parquet',
    async openBuffer(columns, dir, label) {
      // Records spill as NDJSON; DuckDB types and flattens them exactly as it does CSV chunks.
      const spill = new LineFile(join(dir, 'records.ndjson'), false);
      return {
        get rows() {
          return spill.rows;
        },
        get bytes() {
          return spill.bytes;
        },
        append(records, emittedAt) {
          let lines = '';
          for (const data of records) lines += `{"e":${emittedAt},"d":${JSON.stringify(data)}}\n`;
          return spill.append(lines, records.length);
        },
        async finish() {
          await spill.close();
          try {
            return spill.rows === 0 ? [] : await toParquet({ kind: 'ndjson', path: spill.path, columns }, dir, label);
          } finally {
            await rm(spill.path, { force: true });
          }
        },
      };
    },
    convertCsvBatch(batch, dir, label) {
      return toParquet({ kind: 'csv', path: batch.path, columns: batch.columns, emittedAt: batch.emittedAt }, dir, label);
    },
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
