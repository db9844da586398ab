// `platform sql` output: an aligned table (default), CSV or JSON.
import { ConfigError } from './config';
import { formatTable } from './table';

export type SqlFormat = 'table' | 'csv' | 'json';

export function sqlFormat(raw: string | undefined): SqlFormat {
  if (raw === undefined) return 'table';
  if (raw === 'table' || raw === 'csv' || raw === 'json') return raw;
  throw new ConfigError(`--format: "${raw}" is not one of table, csv, json`);
}

export function formatRows(columns: string[], rows: Record<string, unknown>[], format: SqlFormat): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'csv') return [columns, ...rows.map((row) => columns.map((c) => text(row[c], '')))].map((cells) => cells.map(csvCell).join(',')).join('\n');
  const table = formatTable(columns, rows.map((row) => columns.map((c) => text(row[c], 'null'))));
  return `${table}\n(${rows.length} row${rows.length === 1 ? '' : 's'})`;
}

function text(value: unknown, nullText: string): string {
  if (value === null || value === undefined) return nullText;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
