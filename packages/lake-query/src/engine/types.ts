// DuckDB column types in Dremio's names (the REST API's schema, INFORMATION_SCHEMA) and Postgres
// type OIDs (the wire protocol).

export interface DremioType {
  name: string;
  precision?: number;
  scale?: number;
}

export function dremioType(duckType: string): DremioType {
  const t = duckType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return { name: 'DECIMAL', precision: Number(decimal[1]), scale: Number(decimal[2]) };
  if (t.endsWith(']')) return { name: 'LIST' };
  if (t.startsWith('STRUCT')) return { name: 'STRUCT' };
  if (t.startsWith('MAP')) return { name: 'MAP' };
  if (t.startsWith('UNION')) return { name: 'UNION' };
  if (t.startsWith('TIMESTAMP')) return { name: 'TIMESTAMP' };
  if (t.startsWith('TIME')) return { name: 'TIME' };
  switch (t) {
    case 'BOOLEAN':
      return { name: 'BOOLEAN' };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
      return { name: 'INTEGER' };
    case 'BIGINT':
    case 'UINTEGER':
      return { name: 'BIGINT' };
    case 'UBIGINT':
    case 'HUGEINT':
    case 'UHUGEINT':
      return { name: 'DECIMAL', precision: 38, scale: 0 };
    case 'FLOAT':
      return { name: 'FLOAT' };
    case 'DOUBLE':
      return { name: 'DOUBLE' };
    case 'DATE':
      return { name: 'DATE' };
    case 'INTERVAL':
      return { name: 'INTERVAL' };
    case 'BLOB':
      return { name: 'VARBINARY' };
    case '"NULL"':
    case 'NULL':
      return { name: 'NULL' };
    default:
      return { name: 'VARCHAR' };
  }
}

/** The SQL-standard name INFORMATION_SCHEMA.COLUMNS.DATA_TYPE shows. */
export function sqlTypeName(type: DremioType): string {
  return { VARCHAR: 'CHARACTER VARYING', VARBINARY: 'BINARY VARYING', FLOAT: 'FLOAT', DOUBLE: 'DOUBLE' }[type.name as 'VARCHAR'] ?? type.name;
}

/** Postgres type OID for a DuckDB type; nested and unknown types travel as text (JSON for nested). */
export function pgTypeOid(duckType: string): number {
  const t = duckType.toUpperCase();
  if (/^DECIMAL/.test(t) || ['HUGEINT', 'UHUGEINT', 'UBIGINT'].includes(t)) return 1700;
  if (t.endsWith(']') || t.startsWith('STRUCT') || t.startsWith('MAP')) return 114;
  if (t === 'TIMESTAMP WITH TIME ZONE') return 1184;
  if (t.startsWith('TIMESTAMP')) return 1114;
  const oids: Record<string, number> = {
    BOOLEAN: 16, TINYINT: 21, SMALLINT: 21, UTINYINT: 21, INTEGER: 23, USMALLINT: 23, BIGINT: 20, UINTEGER: 20,
    FLOAT: 700, DOUBLE: 701, DATE: 1082, TIME: 1083, INTERVAL: 1186, BLOB: 17, UUID: 2950, JSON: 114,
  };
  return oids[t] ?? 25;
}
