// Source rows (pg) and lake rows (DuckDB over Parquet) carry the same data in different
// JS shapes: Date vs "2025-01-01 10:00:00+00", "12.30" vs 12.3, objects vs JSON text,
// nested objects vs flattened `contact_email` columns. These helpers bring both to one
// canonical shape so rows compare with toEqual.

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (TIMESTAMP.test(value)) return Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
    if (NUMBER.test(value)) return Number(value);
    if (/^[[{]/.test(value)) {
      try {
        return canonical(JSON.parse(value));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
  return value;
}

/**
 * A source row as the lake is expected to hold it: each column as is (a JSON column keeps its
 * whole value), and object values also flattened one level into `<column>_<key>` (the
 * destination's flattening of the object keys source-postgres declares from a sample).
 */
export function flattenObjects(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    out[column] = value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      for (const [key, inner] of Object.entries(value)) out[`${column}_${key}`] = inner;
    }
  }
  return out;
}

/** Canonical rows keyed by primary key, for order-independent comparison. */
export function byKey(rows: Record<string, unknown>[], key: string): Map<unknown, unknown> {
  return new Map(rows.map((row) => [canonical(row[key]), canonical(row)]));
}
