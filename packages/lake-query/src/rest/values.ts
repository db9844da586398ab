// Result values as Dremio's JSON writes them: exact numbers as number literals (a BIGINT or
// DECIMAL is never rounded through a double), timestamps as "YYYY-MM-DD HH:MM:SS.mmm" in UTC.
import type { DuckDBType } from '@duckdb/node-api';
import { dremioType } from '../engine/types';

export type ValueWriter = (value: unknown) => string;

export function jsonWriter(type: DuckDBType): ValueWriter {
  const name = dremioType(type.toString()).name;
  if (name === 'BIGINT' || name === 'INTEGER' || name === 'DECIMAL') {
    return (v) => (v === null ? 'null' : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? v : JSON.stringify(v));
  }
  if (name === 'TIMESTAMP') return (v) => (v === null ? 'null' : JSON.stringify(dremioTimestamp(String(v))));
  return (v) => (v === undefined ? 'null' : JSON.stringify(v));
}

/** "2025-01-02 03:04:05.678901+00" → "2025-01-02 03:04:05.678". */
export function dremioTimestamp(text: string): string {
  const m = /^(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(text);
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}` : text;
}
