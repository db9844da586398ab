// From a stream's JSON schema to typed, flattened Parquet columns, as DuckDB SQL.
//
// Types: integer → BIGINT; number with precision/scale hints → DECIMAL(p,s) (exact; above 38
// digits VARCHAR, still exact); other numbers → DOUBLE; boolean → BOOLEAN; date-time →
// TIMESTAMPTZ (UTC), or TIMESTAMP for timestamp_without_timezone; date → DATE; time → TIME/TIMETZ;
// other strings → VARCHAR.
// Objects are flattened the way Airbyte's normalization does (`contact.email` → `contact_email`):
// declared properties recursively, undeclared ones from the keys found in the data.
// Arrays, and values of no single type, become their JSON text in a VARCHAR column: every
// Parquet reader handles strings, and files stay flat for SQL engines such as Dremio.
import type { JsonSchema } from '@platform/protocol';

export interface InputColumn {
  name: string;
  schema: JsonSchema;
}

/** A key found inside an object column without declared properties, with its JSON types. */
export interface DiscoveredKey {
  key: string;
  jsonTypes: string[];
}

export interface OutputColumn {
  name: string;
  sql: string;
}

const AIRBYTE_COLUMNS = ['_airbyte_ab_id', '_airbyte_emitted_at'] as const;
/** More keys than this in one free-form object column keep it as JSON text instead. */
const MAX_DISCOVERED_KEYS = 500;
const MAX_DECIMAL_PRECISION = 38;

export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const sqlIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const jsonPathKey = (key: string) => `."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function primaryType(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  if (typeof t === 'string') return t;
  return schema.properties ? 'object' : undefined;
}

const declaredProperties = (schema: JsonSchema) => {
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  return props && Object.keys(props).length > 0 ? props : undefined;
};

const isObjectColumn = (schema: JsonSchema) => primaryType(schema) === 'object';
export const needsKeyDiscovery = (schema: JsonSchema) => isObjectColumn(schema) && !declaredProperties(schema);

function decimalType(schema: JsonSchema): string | undefined {
  const precision = Number(schema.precision);
  const scale = Number(schema.scale ?? 0);
  if (!Number.isInteger(precision) || precision < 1 || !Number.isInteger(scale) || scale < 0 || scale > precision) return undefined;
  return precision <= MAX_DECIMAL_PRECISION ? `DECIMAL(${precision},${scale})` : 'VARCHAR';
}

/** The DuckDB type a scalar of this schema is stored as; objects and arrays are read as JSON. */
export function duckType(schema: JsonSchema): string {
  const airbyteType = schema.airbyte_type;
  switch (primaryType(schema)) {
    case 'integer':
      return 'BIGINT';
    case 'number':
      return airbyteType === 'integer' ? 'BIGINT' : (decimalType(schema) ?? 'DOUBLE');
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      switch (schema.format) {
        case 'date-time':
          return airbyteType === 'timestamp_without_timezone' ? 'TIMESTAMP' : 'TIMESTAMPTZ';
        case 'date':
          return 'DATE';
        case 'time':
          return airbyteType === 'time_with_timezone' ? 'TIMETZ' : 'TIME';
        default:
          return 'VARCHAR';
      }
    case 'object':
    case 'array':
      return 'JSON';
    default:
      // No single declared type: the value is kept as its text.
      return 'VARCHAR';
  }
}

/** One column type for a discovered key from the JSON types its values had. */
function discoveredKeyType(jsonTypes: string[]): string {
  const types = new Set(jsonTypes.filter((t) => t !== 'NULL'));
  const only = (...allowed: string[]) => types.size > 0 && [...types].every((t) => allowed.includes(t));
  if (only('BIGINT', 'UBIGINT')) return 'BIGINT';
  if (only('BIGINT', 'UBIGINT', 'DOUBLE')) return 'DOUBLE';
  if (only('BOOLEAN')) return 'BOOLEAN';
  if (only('VARCHAR') || types.size === 0) return 'VARCHAR';
  return 'JSON';
}

/** Minified JSON text, the same whether the value came from a CSV chunk or a record. */
const jsonText = (json: string) => `CAST(json(${json}) AS VARCHAR)`;

/** A scalar at `path` inside a JSON value, cast to `type`; JSON types become their text. */
function extract(json: string, path: string, type: string): string {
  if (type === 'JSON') return jsonText(`json_extract(${json}, ${sqlString(path)})`);
  const text = `json_extract_string(${json}, ${sqlString(path)})`;
  return type === 'VARCHAR' ? text : `CAST(${text} AS ${type})`;
}

class ColumnNames {
  private readonly used = new Set<string>(AIRBYTE_COLUMNS);
  /** A unique column name; a clash (`contact_email` both declared and flattened) gets a suffix. */
  take(name: string): string {
    let candidate = name;
    for (let i = 2; this.used.has(candidate); i++) candidate = `${name}_${i}`;
    this.used.add(candidate);
    return candidate;
  }
}

function flattenDeclared(names: ColumnNames, prefix: string, json: string, path: string, properties: Record<string, JsonSchema>, out: OutputColumn[]): void {
  for (const [key, schema] of Object.entries(properties)) {
    const name = `${prefix}_${key}`;
    const childPath = path + jsonPathKey(key);
    const nested = isObjectColumn(schema) ? declaredProperties(schema) : undefined;
    if (nested) flattenDeclared(names, name, json, childPath, nested, out);
    else out.push({ name: names.take(name), sql: extract(json, childPath, duckType(schema)) });
  }
}

/**
 * The flattened Parquet columns of a relation whose top-level columns are typed by duckType.
 * `ref(name)` is the SQL for a top-level column; `discovered` holds the keys found for each
 * object column without declared properties.
 */
export function flattenedColumns(columns: InputColumn[], ref: (name: string) => string, discovered: Map<string, DiscoveredKey[]>): OutputColumn[] {
  const names = new ColumnNames();
  const out: OutputColumn[] = [];
  for (const { name, schema } of columns) {
    const value = ref(name);
    const keys = discovered.get(name);
    const declared = isObjectColumn(schema) ? declaredProperties(schema) : undefined;
    if (declared) flattenDeclared(names, name, value, '$', declared, out);
    else if (keys && keys.length > 0 && keys.length <= MAX_DISCOVERED_KEYS) {
      for (const k of keys) out.push({ name: names.take(`${name}_${k.key}`), sql: extract(value, '$' + jsonPathKey(k.key), discoveredKeyType(k.jsonTypes)) });
    } else out.push({ name: names.take(name), sql: duckType(schema) === 'JSON' ? jsonText(value) : value });
  }
  return out;
}
