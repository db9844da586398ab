// Dremio's INFORMATION_SCHEMA over the live catalog: every folder of a source that holds data
// files (a dataset), every view, and their columns, built as an inline relation for one query.
import { INFORMATION_SCHEMA_TABLES } from '../catalog/catalog';
import type { QueryService } from './query-service';
import { dremioType, sqlTypeName } from './types';

type Value = string | number | null;

const CATALOG = 'DREMIO';

interface TableRow {
  schema: string;
  name: string;
  type: 'TABLE' | 'VIEW' | 'SYSTEM_TABLE';
  path: string[];
}

const COLUMNS: Record<string, [string, 'VARCHAR' | 'INTEGER'][]> = {
  CATALOGS: [['CATALOG_NAME', 'VARCHAR'], ['CATALOG_DESCRIPTION', 'VARCHAR'], ['CATALOG_CONNECT', 'VARCHAR']],
  SCHEMATA: [['CATALOG_NAME', 'VARCHAR'], ['SCHEMA_NAME', 'VARCHAR'], ['SCHEMA_OWNER', 'VARCHAR'], ['TYPE', 'VARCHAR'], ['IS_MUTABLE', 'VARCHAR']],
  TABLES: [['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['TABLE_TYPE', 'VARCHAR']],
  VIEWS: [['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['VIEW_DEFINITION', 'VARCHAR']],
  COLUMNS: [
    ['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['COLUMN_NAME', 'VARCHAR'],
    ['ORDINAL_POSITION', 'INTEGER'], ['COLUMN_DEFAULT', 'VARCHAR'], ['IS_NULLABLE', 'VARCHAR'], ['DATA_TYPE', 'VARCHAR'],
    ['NUMERIC_PRECISION', 'INTEGER'], ['NUMERIC_SCALE', 'INTEGER'],
  ],
};

export async function informationSchemaRelation(table: string, service: QueryService): Promise<string> {
  return inlineRelation(COLUMNS[table], await rowsOf(table, service));
}

async function rowsOf(table: string, service: QueryService): Promise<Value[][]> {
  const tables = await listTables(service);
  switch (table) {
    case 'CATALOGS':
      return [[CATALOG, 'The internal metadata used by Dremio', '']];
    case 'SCHEMATA': {
      const schemas = new Set(['INFORMATION_SCHEMA', ...tables.map((t) => t.schema)]);
      return [...schemas].filter(Boolean).sort().map((name) => [CATALOG, name, '<owner>', 'SIMPLE', 'NO']);
    }
    case 'TABLES':
      return tables.map((t) => [CATALOG, t.schema, t.name, t.type]);
    case 'VIEWS':
      return service.catalog.listViews().map((v) => [CATALOG, v.path.slice(0, -1).join('.'), v.path.at(-1)!, v.sql]);
    case 'COLUMNS': {
      const rows: Value[][] = [];
      for (const t of tables.filter((t) => t.type !== 'SYSTEM_TABLE')) {
        const resolved = await service.catalog.resolveName(t.path);
        if (!resolved) continue;
        const columns = await service.describe(resolved).catch(() => []);
        columns.forEach((c, i) => {
          const type = dremioType(c.type);
          rows.push([CATALOG, t.schema, t.name, c.name, i + 1, null, 'YES', sqlTypeName(type), type.precision ?? null, type.scale ?? null]);
        });
      }
      return rows;
    }
  }
  throw new Error(`INFORMATION_SCHEMA.${table} does not exist`);
}

async function listTables(service: QueryService): Promise<TableRow[]> {
  const rows: TableRow[] = INFORMATION_SCHEMA_TABLES.map((name) => ({ schema: 'INFORMATION_SCHEMA', name, type: 'SYSTEM_TABLE', path: ['INFORMATION_SCHEMA', name] }));
  for (const source of service.catalog.listSources()) {
    const folders = await service.catalog.lake(source).datasetFolders().catch(() => []);
    for (const folder of folders) {
      const path = [source.name, ...folder];
      rows.push({ schema: path.slice(0, -1).join('.'), name: path.at(-1)!, type: 'TABLE', path });
    }
  }
  for (const view of service.catalog.listViews()) {
    rows.push({ schema: view.path.slice(0, -1).join('.'), name: view.path.at(-1)!, type: 'VIEW', path: view.path });
  }
  return rows;
}

function inlineRelation(columns: [string, 'VARCHAR' | 'INTEGER'][], rows: Value[][]): string {
  const literal = (v: Value, type: string) => (v === null ? `NULL::${type}` : typeof v === 'number' ? `${v}::${type}` : `'${v.replaceAll("'", "''")}'`);
  const names = columns.map(([name]) => `"${name}"`).join(', ');
  if (rows.length === 0) return `(SELECT ${columns.map(([name, type]) => `NULL::${type} AS "${name}"`).join(', ')} WHERE false)`;
  const values = rows.map((row) => `(${row.map((v, i) => literal(v, columns[i][1])).join(', ')})`).join(',\n');
  return `(SELECT * FROM (VALUES ${values}) AS t(${names}))`;
}
