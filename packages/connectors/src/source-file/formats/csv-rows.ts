// Text → CSV data rows with resolved column names, in chunks (one array per text chunk).
// Applies the pandas options that shape the table: skiprows, header, names, nrows.
import { contentError } from '../errors';
import type { ReaderOptions } from '../reader-options';
import { CsvTokenizer } from './csv-tokenizer';

export interface CsvRowChunk {
  /** Column names; in no-header mode this grows to the widest row seen so far. */
  columns: string[];
  /** Data rows; none is wider than `columns`, shorter ones mean trailing nulls. */
  rows: string[][];
}

/** Drops the first `count` physical lines (pandas `skiprows=int`), before any CSV parsing. */
async function* dropLeadingLines(text: AsyncIterable<string>, count: number): AsyncGenerator<string> {
  let remaining = count;
  for await (let chunk of text) {
    while (remaining > 0) {
      const newline = chunk.indexOf('\n');
      if (newline === -1) break;
      chunk = chunk.slice(newline + 1);
      remaining--;
    }
    if (remaining === 0 && chunk.length > 0) yield chunk;
  }
}

/** pandas' names for header cells: empty ones become "Unnamed: i", repeats get ".1", ".2"... */
function headerNames(cells: string[]): string[] {
  const used = new Set<string>();
  return cells.map((cell, i) => {
    const base = cell.trim() === '' ? `Unnamed: ${i}` : cell;
    let name = base;
    for (let n = 1; used.has(name); n++) name = `${base}.${n}`;
    used.add(name);
    return name;
  });
}

/** Extra trailing fields that are all empty come from a trailing delimiter; they carry nothing. */
function hasExtraContent(row: string[], width: number): boolean {
  for (let i = width; i < row.length; i++) if (row[i] !== '') return true;
  return false;
}

class TableShaper {
  private headerRowsLeft: number;
  private columns: string[] | null;
  private dataRows = 0;

  constructor(private readonly options: ReaderOptions) {
    this.headerRowsLeft = options.headerRow ?? -1;
    this.columns = options.headerRow === null ? [...(options.names ?? [])] : null;
  }

  get columnNames(): string[] | null {
    return this.columns;
  }

  get exhausted(): boolean {
    return this.options.maxRows !== null && this.dataRows >= this.options.maxRows;
  }

  /** Turns tokenized rows into data rows, consuming the header row on the way. */
  shape(rows: string[][]): string[][] {
    let start = 0;
    while (this.columns === null && start < rows.length) {
      const row = rows[start++];
      if (this.headerRowsLeft-- === 0) this.columns = this.options.names ?? headerNames(row);
    }
    const columns = this.columns;
    if (columns === null) return [];
    const data = start === 0 ? rows : rows.slice(start);
    const generateNames = this.options.headerRow === null && this.options.names === null;
    for (let i = 0; i < data.length; i++) {
      const row = data[i];
      if (row.length <= columns.length) continue;
      if (generateNames) {
        for (let c = columns.length; c < row.length; c++) columns.push(`f${c}`);
      } else if (hasExtraContent(row, columns.length)) {
        throw contentError(`data row ${this.dataRows + i + 1} has ${row.length} fields but there are ${columns.length} columns; check the delimiter (sep) and quoting`);
      } else {
        data[i] = row.slice(0, columns.length);
      }
    }
    const room = this.options.maxRows === null ? data.length : this.options.maxRows - this.dataRows;
    const kept = data.length > room ? data.slice(0, room) : data;
    this.dataRows += kept.length;
    return kept;
  }
}

/** Yields data row chunks; always at least one chunk (maybe empty) once the columns are known. */
export async function* readCsvRows(text: AsyncIterable<string>, options: ReaderOptions): AsyncGenerator<CsvRowChunk> {
  const tokenizer = new CsvTokenizer(options.dialect);
  const shaper = new TableShaper(options);
  let yielded = false;
  for await (const chunk of options.skipRows > 0 ? dropLeadingLines(text, options.skipRows) : text) {
    const tokenized: string[][] = [];
    tokenizer.push(chunk, tokenized);
    const rows = shaper.shape(tokenized);
    if (rows.length > 0) {
      yielded = true;
      yield { columns: shaper.columnNames!, rows };
    }
    if (shaper.exhausted) return; // returning closes the file early
  }
  const last: string[][] = [];
  tokenizer.end(last);
  const rows = shaper.shape(last);
  const columns = shaper.columnNames;
  if (columns === null || (columns.length === 0 && !yielded && rows.length === 0)) {
    throw contentError(options.headerRow === null ? 'the file is empty' : 'the file is empty (no header row)');
  }
  if (rows.length > 0 || !yielded) yield { columns, rows };
}
