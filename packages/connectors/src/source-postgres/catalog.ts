// Introspection: the tables and views of the configured schemas, their columns and primary keys,
// read from pg_catalog in two queries.
import type { AirbyteStream, JsonSchema } from '@platform/protocol';
import type pg from 'pg';
import { CDC_LSN, CDC_PROPERTIES } from './cdc-columns';
import { columnMapping, nullable, type ColumnMapping } from './types';

export type RelationKind = 'table' | 'partitioned_table' | 'view' | 'materialized_view' | 'foreign_table';

const RELATION_KINDS: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned_table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
};

export interface SourceColumn {
  name: string;
  /** Base type name (domains resolved), e.g. "jsonb". */
  typeName: string;
  /** format_type() spelling, used to cast cursor literals back to the column's type. */
  sqlType: string;
  mapping: ColumnMapping;
}

export interface SourceTable {
  namespace: string;
  name: string;
  kind: RelationKind;
  columns: SourceColumn[];
  primaryKey: string[];
}

// An empty schema list means every user schema, as in Airbyte's connector.
const SCHEMA_FILTER = `(n.nspname = ANY($1::text[])
  OR (cardinality($1::text[]) = 0 AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'))`;

const COLUMNS_SQL = `
SELECT n.nspname AS namespace, c.relname AS name, c.relkind::text AS relkind,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS sql_type,
       bt.typname AS type_name, bt.typcategory::text AS category, et.typname AS element_type_name,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
WHERE ${SCHEMA_FILTER}
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname, a.attnum`;

const PRIMARY_KEYS_SQL = `
SELECT n.nspname AS namespace, c.relname AS name, array_agg(a.attname::text ORDER BY k.ord) AS columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE con.contype = 'p' AND ${SCHEMA_FILTER}
GROUP BY n.nspname, c.relname`;

interface ColumnRow {
  namespace: string;
  name: string;
  relkind: string;
  column_name: string;
  sql_type: string;
  type_name: string;
  category: string;
  element_type_name: string | null;
  typmod: number;
}

const tableKey = (namespace: string, name: string) => `${namespace}\u0000${name}`;

export async function introspect(client: pg.Client, schemas: string[]): Promise<SourceTable[]> {
  const [columns, keys] = await Promise.all([
    client.query<ColumnRow>(COLUMNS_SQL, [schemas]),
    client.query<{ namespace: string; name: string; columns: string[] }>(PRIMARY_KEYS_SQL, [schemas]),
  ]);
  const primaryKeys = new Map(keys.rows.map((r) => [tableKey(r.namespace, r.name), r.columns]));
  const tables = new Map<string, SourceTable>();
  for (const row of columns.rows) {
    const key = tableKey(row.namespace, row.name);
    let table = tables.get(key);
    if (!table) {
      table = { namespace: row.namespace, name: row.name, kind: RELATION_KINDS[row.relkind], columns: [], primaryKey: primaryKeys.get(key) ?? [] };
      tables.set(key, table);
    }
    table.columns.push({
      name: row.column_name,
      typeName: row.type_name,
      sqlType: row.sql_type,
      mapping: columnMapping({ typeName: row.type_name, category: row.category, elementTypeName: row.element_type_name, typmod: row.typmod }),
    });
  }
  return [...tables.values()];
}

/** Relations read with ctid ranges: their rows have stable physical addresses. */
export function isCtidScannable(table: SourceTable): boolean {
  return table.kind === 'table' || table.kind === 'materialized_view';
}

/**
 * The stream of a relation; `jsonProperties` holds what sampling found inside its JSON columns.
 * `cdc` says the source uses CDC and the relation is replicated (a table with a primary key in
 * the publication): its incremental mode then reads the WAL, with the _ab_cdc_* columns and the
 * source-defined cursor _ab_cdc_lsn, as in Airbyte. Other relations are full refresh only.
 */
export function toAirbyteStream(table: SourceTable, jsonProperties = new Map<string, Record<string, JsonSchema>>(), cdc?: { replicated: boolean }): AirbyteStream {
  const columnSchema = (c: SourceColumn): JsonSchema => {
    const properties = jsonProperties.get(c.name);
    return properties ? { ...nullable(c.mapping.schema), properties } : nullable(c.mapping.schema);
  };
  const properties = Object.fromEntries(table.columns.map((c) => [c.name, columnSchema(c)]));
  const replicated = cdc?.replicated === true;
  return {
    name: table.name,
    namespace: table.namespace,
    json_schema: { type: 'object', properties: replicated ? { ...properties, ...CDC_PROPERTIES } : properties },
    supported_sync_modes: cdc && !replicated ? ['full_refresh'] : ['full_refresh', 'incremental'],
    source_defined_cursor: replicated,
    default_cursor_field: replicated ? [CDC_LSN] : [],
    source_defined_primary_key: table.primaryKey.map((column) => [column]),
    is_resumable: isCtidScannable(table),
  };
}
