// From a stream's JSON schema to typed, flattened Parquet columns, as DuckDB SQL over each
// column's text (CSV chunks and record spills are both read as VARCHAR, then typed here). The
// schema alone decides the columns and their types, so every file of a stream in a sync has the
// same schema whatever its values.
//
// Types: integer → BIGINT; number with precision/scale → DECIMAL(p,s) (above 38 digits VARCHAR);
// big_number / big_integer without precision (unconstrained numeric) → VARCHAR, exact as Airbyte
// writes it; other numbers → DOUBLE; boolean → BOOLEAN; date → DATE; date-time → TIMESTAMPTZ
// (UTC), or TIMESTAMP for timestamp_without_timezone; time → TIME; time_with_timezone → VARCHAR
// (Parquet's TIME keeps no offset); other strings → VARCHAR. Dates and timestamps in Airbyte's
// BC notation ("0044-03-15 BC") are read as BC.
//
// A value its typed column cannot hold (numeric NaN in a DECIMAL, a timestamp past DuckDB's year
// 294247, a record value of another type) leaves that column NULL and is kept as its text in
// `_airbyte_unfit_values`, a JSON object by column name, NULL when every value fit. Record
// properties outside the catalog are kept there too.
//
// Objects and arrays keep their whole value as minified JSON text in their column. An object's
// declared properties are also flattened, the way Airbyte's normalization names them
// (`contact.email` → `contact_email`), typed from their schemas; these extra columns are a view
// of the JSON column: NULL where the value is not an object, a member is not of the declared
// type, or the document is over MAX_FLATTENED_JSON_BYTES.
import type { JsonSchema } from '@platform/protocol';
import { ColumnNames, asciiCaseInsensitive } from './column-names';
import { ROW_ORDINAL_SQL, rowIdSql } from './row-ids';

export interface InputColumn {
  name: string;
  schema: JsonSchema;
}

interface OutputColumn {
  name: string;
  sql: string;
}

/** Where the SQL finds a row's values in the input relation `t`. */
export interface RowSource {
  /** The text of input column `index` (NULL for SQL NULL); undefined when the input lacks the column. */
  text(index: number): string | undefined;
  /** Input column `index` as the reader already typed it (its copyTextType), if it did. */
  typed?(index: number): string | undefined;
  emittedAt: string;
  /** This conversion's `_airbyte_ab_id` prefix (row-ids.ts). */
  idPrefix: string;
  /** A JSON object text of the record's properties outside the catalog, NULL when none. */
  undeclared?: string;
}

export const UNFIT_VALUES_COLUMN = '_airbyte_unfit_values';
/** JSON values larger than this keep their whole value only (see parquetSelect). */
export const MAX_FLATTENED_JSON_BYTES = 1024 * 1024;
const MAX_DECIMAL_PRECISION = 38;

export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const sqlIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** RFC 6901 pointer to one key: works for every key, "" and "a.b" included, unlike `$.key` paths. */
const jsonPointer = (key: string) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function primaryType(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  if (typeof t === 'string') return t;
  return schema.properties ? 'object' : undefined;
}

function declaredProperties(schema: JsonSchema): Record<string, JsonSchema> | undefined {
  if (primaryType(schema) !== 'object') return undefined;
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  return props && Object.keys(props).length > 0 ? props : undefined;
}

function decimalType(schema: JsonSchema): string | undefined {
  const precision = Number(schema.precision);
  const scale = Number(schema.scale ?? 0);
  if (!Number.isInteger(precision) || precision < 1 || !Number.isInteger(scale)) return undefined;
  // PostgreSQL 15+ allows a negative scale (numeric(3,-2) holds 99900) and a scale above the
  // precision (numeric(2,5) holds 0.00099).
  const digits = scale < 0 ? precision - scale : Math.max(precision, scale);
  if (digits > MAX_DECIMAL_PRECISION) return 'VARCHAR';
  return `DECIMAL(${digits},${Math.max(scale, 0)})`;
}

function numberType(schema: JsonSchema): string {
  const airbyteType = schema.airbyte_type;
  if (airbyteType === 'integer') return 'BIGINT';
  const decimal = decimalType(schema);
  if (decimal) return decimal;
  // Arbitrary precision without a declared size: only text holds every value exactly.
  if (airbyteType === 'big_number' || airbyteType === 'big_integer') return 'VARCHAR';
  return 'DOUBLE';
}

/** The DuckDB type of a value of this schema; JSON for objects and arrays (stored as text). */
function duckType(schema: JsonSchema): string {
  switch (primaryType(schema)) {
    case 'integer':
      return 'BIGINT';
    case 'number':
      return numberType(schema);
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      switch (schema.format) {
        case 'date-time':
          return schema.airbyte_type === 'timestamp_without_timezone' ? 'TIMESTAMP' : 'TIMESTAMPTZ';
        case 'date':
          return 'DATE';
        case 'time':
          return schema.airbyte_type === 'time_with_timezone' ? 'VARCHAR' : 'TIME';
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

/**
 * Airbyte writes BC dates as "0044-03-15 BC" / "0044-03-15T10:00:00Z BC"; DuckDB would read
 * those as AD (or fail). ISO-8601's astronomical year (1 BC = 0000, 44 BC = -0043) it reads right.
 */
function fromBcNotation(text: string): string {
  const dash = `strpos(${text}, '-')`;
  const year = `TRY_CAST(substr(${text}, 1, ${dash} - 1) AS INTEGER)`;
  const astronomicalYear = `CASE WHEN ${year} = 1 THEN '0000' ELSE '-' || lpad(CAST(${year} - 1 AS VARCHAR), 4, '0') END`;
  return `CASE WHEN ends_with(${text}, ' BC') THEN ${astronomicalYear} || substr(${text}, ${dash}, length(${text}) - ${dash} - 2) ELSE ${text} END`;
}

/**
 * `text` typed as `type`: NULL when it is not exactly a value of that type (`tolerant`), else
 * a conversion error, which sends the whole input down the tolerant path.
 */
function typedValue(text: string, type: string, tolerant = true): string {
  if (type === 'BIGINT') {
    // A BIGINT cast rounds "1.5" to 2; only integer literals are integers.
    const integer = `regexp_full_match(${text}, '-?[0-9]+')`;
    return tolerant ? `CASE WHEN ${integer} THEN TRY_CAST(${text} AS BIGINT) END` : `CASE WHEN ${text} IS NULL OR ${integer} THEN CAST(${text} AS BIGINT) ELSE error('not an integer') END`;
  }
  const temporal = type === 'DATE' || type.startsWith('TIMESTAMP');
  return `${tolerant ? 'TRY_CAST' : 'CAST'}(${temporal ? fromBcNotation(text) : text} AS ${type})`;
}

/**
 * The type a reader of PostgreSQL's COPY text may parse a column as itself (cheaper in memory
 * than text plus a cast, which matters for wide tables); undefined when it must be text.
 * Not dates and timestamps: DuckDB would read "0044-03-15 BC" as AD.
 */
export function copyTextType(schema: JsonSchema): string | undefined {
  const type = duckType(schema);
  return type === 'BIGINT' || type === 'DOUBLE' || type === 'BOOLEAN' || type === 'TIME' || type.startsWith('DECIMAL') ? type : undefined;
}

/**
 * The SQL of a timestamp column of `schema` typed from `text` without checks (as parquetSelect's
 * strict SELECT does); undefined when the column is no timestamp.
 */
export function strictTimestampSql(text: string, schema: JsonSchema): string | undefined {
  const type = duckType(schema);
  return type.startsWith('TIMESTAMP') ? typedValue(text, type, false) : undefined;
}

/** PostgreSQL's timestamp text as the protocol writes it: framework/batches.ts postgresTimestampToAirbyte in SQL. */
export const airbyteTimestampSql = (text: string) => `replace(replace(replace(${text}, ' ', 'T'), '+00', 'Z'), 'TBC', ' BC')`;

/** JSON text without insignificant whitespace; numbers, strings and key order exactly as given. */
const minifiedJson = (text: string) => `regexp_replace(${text}, '("(?:[^"\\\\]|\\\\.)*")|[ \\t\\n\\r]+', '\\1', 'g')`;

/**
 * An object with only the last of each duplicate key, as PostgreSQL's `->` and JavaScript read
 * it (DuckDB's lookup would take the first); `keys` are its keys, in order. The top level only:
 * nested objects are looked up as they are. Only objects with duplicate keys are rebuilt.
 */
function lastOfDuplicateKeys(json: string, keys: string): string {
  const members = `list_zip(${keys}, json_extract(${json}, '$.*'), range(1, len(${keys}) + 1))`;
  const rebuilt = `'{' || array_to_string(list_transform(list_filter(${members}, m -> NOT list_contains(${keys}[m[3] + 1:], m[1])), m -> CAST(to_json(m[1]) AS VARCHAR) || ':' || CAST(m[2] AS VARCHAR)), ',') || '}'`;
  return `CASE WHEN len(list_distinct(${keys})) < len(${keys}) THEN ${rebuilt} ELSE ${json} END`;
}

/** One flattened property: the index of its pointer, and those of the objects it sits in. */
interface DeclaredLeaf {
  name: string;
  schema: JsonSchema;
  path: number;
  parents: number[];
}

/** Collects the declared leaves of `properties`, and in `pointers` every pointer they need. */
function declaredLeaves(prefix: string, pointer: string, parents: number[], properties: Record<string, JsonSchema>, pointers: string[], out: DeclaredLeaf[]): void {
  for (const [key, schema] of Object.entries(properties)) {
    const name = `${prefix}_${key}`;
    const path = pointers.push(pointer + jsonPointer(key)) - 1;
    const nested = declaredProperties(schema);
    if (nested) declaredLeaves(name, pointers[path], [...parents, path], nested, pointers, out);
    else out.push({ name, schema, path, parents });
  }
}

/** A flattened property's column from its member (JSON, or NULL): its declared type, NULL when it is not one. */
function memberValue(member: string, schema: JsonSchema): string {
  const type = duckType(schema);
  if (type === 'JSON') return `CASE WHEN json_type(${member}) <> 'NULL' THEN CAST(${member} AS VARCHAR) END`;
  const text = `json_extract_string(${member}, '$')`;
  return type === 'VARCHAR' ? text : typedValue(text, type);
}

/** The type a column of this schema has in Parquet. */
const storedType = (schema: JsonSchema) => (duckType(schema) === 'JSON' ? 'VARCHAR' : duckType(schema));

/**
 * The SELECT over the input relation `t` that yields a stream's Parquet columns, in order:
 * `_airbyte_ab_id`, `_airbyte_emitted_at`, each input column followed by its flattened
 * properties, then `_airbyte_unfit_values`. In levels, so that each value is typed, and each
 * JSON value parsed, once.
 *
 * Not `tolerant`, a value that does not fit its type fails the query, and the caller runs the
 * tolerant SELECT instead, which types each value with TRY_CAST and checks them all. Inputs where
 * everything fits (nearly all) so pay for no check: DuckDB holds a vector per expression and
 * thread, and a table of 1,500 columns must still fit its memory limit.
 */
export function parquetSelect(columns: InputColumn[], row: RowSource, from: string, tolerant = true): { sql: string; names: string[] } {
  // DuckDB cannot hold two columns whose names differ only in ASCII case.
  const names = new ColumnNames(asciiCaseInsensitive);
  const ownNames = names.takeOwn(columns.map((c) => c.name));
  const inner = [`${row.emittedAt} AS e`, `${ROW_ORDINAL_SQL} AS o`];
  const out: OutputColumn[] = [
    // A UUID string, as Airbyte writes it, that compresses (row-ids.ts).
    { name: names.take('_airbyte_ab_id'), sql: rowIdSql(row.idPrefix, 's.o') },
    { name: names.take('_airbyte_emitted_at'), sql: 's.e' },
  ];
  // The metadata names come before flattened ones: both are generated, metadata is Airbyte's.
  const unfitName = names.take(UNFIT_VALUES_COLUMN);
  const typed: Array<{ name: string; raw: string; value: string }> = [];
  const members: string[] = [];
  columns.forEach((column, i) => {
    const text = row.text(i);
    const type = duckType(column.schema);
    const properties = type === 'JSON' ? declaredProperties(column.schema) : undefined;
    const pointers: string[] = [];
    const leaves: DeclaredLeaf[] = [];
    if (properties) declaredLeaves(column.name, '', [], properties, pointers, leaves);
    if (text === undefined) {
      // Not in this input (a column the catalog has and the chunk lacks): NULL, with its type.
      out.push({ name: ownNames[i], sql: `CAST(NULL AS ${storedType(column.schema)})` });
      for (const leaf of leaves) out.push({ name: names.take(leaf.name), sql: `CAST(NULL AS ${storedType(leaf.schema)})` });
      return;
    }
    const raw = `s.r${i}`;
    // The value's text, for every column but one typed without checks.
    if (tolerant || type === 'VARCHAR' || type === 'JSON') inner.push(`${text} AS r${i}`);
    if (type === 'VARCHAR') out.push({ name: ownNames[i], sql: raw });
    else if (type === 'JSON') {
      out.push({ name: ownNames[i], sql: minifiedJson(raw) });
      if (leaves.length === 0) return;
      // Every member in one lookup, a level up, so that each JSON function parses the value
      // once: each keeps an arena as large as the largest value it parsed. Documents over
      // MAX_FLATTENED_JSON_BYTES are not flattened (they stay whole in their column): a few
      // arenas for a 6 MB one would take DuckDB's whole memory limit. Only objects are looked
      // up: an array's elements must not pass for an object's "0", "1", ...
      inner.push(`CASE WHEN strlen(${text}) <= ${MAX_FLATTENED_JSON_BYTES} THEN json_keys(${text}) END AS k${i}`);
      const lookup = `json_extract(${lastOfDuplicateKeys(`s1.r${i}`, `s1.k${i}`)}, [${pointers.map(sqlString).join(', ')}])`;
      members.push(`CASE WHEN s1.k${i} IS NOT NULL AND regexp_matches(s1.r${i}, '^\\s*\\{') THEN ${lookup} END AS m${i}`);
      for (const leaf of leaves) {
        const value = memberValue(`s.m${i}[${leaf.path + 1}]`, leaf.schema);
        const insideObjects = leaf.parents.map((p) => `json_type(s.m${i}[${p + 1}]) = 'OBJECT'`);
        out.push({ name: names.take(leaf.name), sql: insideObjects.length > 0 ? `CASE WHEN ${insideObjects.join(' AND ')} THEN ${value} END` : value });
      }
    } else if (tolerant) {
      inner.push(`${typedValue(text, type)} AS v${i}`);
      out.push({ name: ownNames[i], sql: `s.v${i}` });
      typed.push({ name: column.name, raw, value: `s.v${i}` });
    } else {
      inner.push(`${row.typed?.(i) ?? typedValue(text, type, false)} AS v${i}`);
      out.push({ name: ownNames[i], sql: `s.v${i}` });
    }
  });
  const unfit: Array<{ when: string; members: string }> = [];
  if (typed.length > 0) {
    // One comparison of two lists finds the rows where a value did not fit; only those rows
    // list the values.
    const valueIsNull = `list_value(${typed.map((c) => `${c.value} IS NULL`).join(', ')})`;
    const rawIsNull = `list_value(${typed.map((c) => `${c.raw} IS NULL`).join(', ')})`;
    const candidates = `list_zip([${typed.map((c) => sqlString(JSON.stringify(c.name))).join(', ')}], list_value(${typed.map((c) => c.raw).join(', ')}), ${valueIsNull})`;
    unfit.push({ when: `${rawIsNull} <> ${valueIsNull}`, members: `list_transform(list_filter(${candidates}, m -> m[2] IS NOT NULL AND m[3]), m -> m[1] || ':' || CAST(to_json(m[2]) AS VARCHAR))` });
  }
  if (row.undeclared) {
    inner.push(`${row.undeclared} AS x`);
    unfit.push({ when: 's.x IS NOT NULL', members: `[substr(s.x, 2, length(s.x) - 2)]` });
  }
  const unfitMembers = unfit.map((u) => `CASE WHEN ${u.when} THEN ${u.members} ELSE []::VARCHAR[] END`);
  out.push({
    name: unfitName,
    sql: unfit.length > 0 ? `CASE WHEN ${unfit.map((u) => u.when).join(' OR ')} THEN '{' || array_to_string(list_concat(${unfitMembers.join(', ')}), ',') || '}' END` : 'CAST(NULL AS VARCHAR)',
  });
  const select = out.map((c) => `${c.sql} AS ${sqlIdent(c.name)}`).join(', ');
  const values = `SELECT ${inner.join(', ')} FROM ${from}`;
  const withMembers = members.length > 0 ? `SELECT s1.*, ${members.join(', ')} FROM (${values}) AS s1` : values;
  return { sql: `SELECT ${select} FROM (${withMembers}) AS s`, names: out.map((c) => c.name) };
}
