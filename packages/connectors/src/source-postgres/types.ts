// PostgreSQL column types → Airbyte JSON schema, plus the SELECT expression that makes COPY
// write each value as text a CSV reader can type without guessing (ISO-8601 timestamps in
// UTC, JSON text for json/arrays, base64 for bytea).
import type { JsonSchema } from '@platform/protocol';

export interface PgColumnType {
  /** Base type name (domains resolved), e.g. "int8", "_text" for text[]. */
  typeName: string;
  /** pg_type.typcategory; "A" for arrays. */
  category: string;
  /** Element type name for arrays. */
  elementTypeName: string | null;
  /** pg_attribute.atttypmod (-1 when unconstrained). */
  typmod: number;
}

export interface ColumnMapping {
  /** Non-nullable form; `nullable()` adds "null". */
  schema: JsonSchema;
  /** SQL expression for a quoted column reference. */
  select: (column: string) => string;
  /** Whether values can serve as an incremental cursor (compared in SQL and round-tripped as text). */
  cursorCapable: boolean;
  /**
   * A timestamp, whose `select` only rewrites PostgreSQL's text into the protocol's: a consumer
   * that reads PostgreSQL's text (CsvFileBatch.postgresTimestamps) gets the column as it is.
   */
  postgresTimestamp?: true;
}

const plain = (column: string) => column;
// The session runs with TimeZone UTC and DateStyle ISO, so text output is "2024-01-02 03:04:05.5+00"
// (BC: "0044-03-15 10:00:00+00 BC"). replace() calls make it ISO-8601 with Airbyte's " BC" suffix
// ("0044-03-15T10:00:00Z BC") at a fraction of to_char's cost (COPY throughput halves with to_char).
// They still cost Postgres ~30% of a narrow table's COPY: batches for a consumer that reads
// PostgreSQL's text (destination-s3's Parquet) skip them; postgresTimestampToAirbyte
// (framework/batches.ts) is the same rewrite.
const bcSuffix = (text: string) => `replace(${text}, 'TBC', ' BC')`;
const isoTimestamp = (column: string) => bcSuffix(`replace(${column}::text, ' ', 'T')`);
const isoTimestampUtc = (column: string) => bcSuffix(`replace(replace(${column}::text, ' ', 'T'), '+00', 'Z')`);

const SCALAR_TYPES: Record<string, ColumnMapping> = {
  int2: { schema: { type: 'integer' }, select: plain, cursorCapable: true },
  int4: { schema: { type: 'integer' }, select: plain, cursorCapable: true },
  int8: { schema: { type: 'integer' }, select: plain, cursorCapable: true },
  oid: { schema: { type: 'integer' }, select: plain, cursorCapable: true },
  float4: { schema: { type: 'number' }, select: plain, cursorCapable: true },
  float8: { schema: { type: 'number' }, select: plain, cursorCapable: true },
  bool: { schema: { type: 'boolean' }, select: plain, cursorCapable: true },
  date: { schema: { type: 'string', format: 'date' }, select: plain, cursorCapable: true },
  timestamp: {
    schema: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
    select: isoTimestamp,
    cursorCapable: true,
    postgresTimestamp: true,
  },
  timestamptz: {
    schema: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
    select: isoTimestampUtc,
    cursorCapable: true,
    postgresTimestamp: true,
  },
  time: { schema: { type: 'string', format: 'time', airbyte_type: 'time_without_timezone' }, select: plain, cursorCapable: true },
  timetz: { schema: { type: 'string', format: 'time', airbyte_type: 'time_with_timezone' }, select: plain, cursorCapable: true },
  json: { schema: { type: 'object' }, select: plain, cursorCapable: false },
  jsonb: { schema: { type: 'object' }, select: plain, cursorCapable: false },
  // encode() wraps base64 every 76 characters; the translate removes those newlines.
  bytea: { schema: { type: 'string', contentEncoding: 'base64' }, select: (c) => `translate(encode(${c}, 'base64'), E'\\n', '')`, cursorCapable: false },
};

const TEXT_MAPPING: ColumnMapping = { schema: { type: 'string' }, select: plain, cursorCapable: true };

/**
 * numeric(p,s) keeps its precision and scale so a destination can create DECIMAL(p,s);
 * airbyte_type says whether a double can hold it exactly.
 */
export function numericSchema(typmod: number): JsonSchema {
  if (typmod < 0) return { type: 'number', airbyte_type: 'big_number' };
  const packed = typmod - 4;
  const precision = (packed >> 16) & 0xffff;
  // PostgreSQL 15+ allows negative scales, stored as an 11-bit two's complement.
  const rawScale = packed & 0x7ff;
  const scale = rawScale > 1023 ? rawScale - 2048 : rawScale;
  // A negative scale adds integer digits: numeric(3,-2) holds 99900.
  const airbyteType = scale <= 0 ? (precision - scale <= 18 ? 'integer' : 'big_integer') : precision <= 15 ? 'number' : 'big_number';
  return { type: 'number', airbyte_type: airbyteType, precision, scale };
}

function scalarMapping(typeName: string, typmod: number): ColumnMapping {
  if (typeName === 'numeric') return { schema: numericSchema(typmod), select: plain, cursorCapable: true };
  return SCALAR_TYPES[typeName] ?? TEXT_MAPPING;
}

export function nullable(schema: JsonSchema): JsonSchema {
  return { ...schema, type: ['null', schema.type as string] };
}

export function columnMapping(t: PgColumnType): ColumnMapping {
  if (t.category !== 'A') return scalarMapping(t.typeName, t.typmod);
  // to_jsonb renders bytea elements as \x hex text, so those items are plain strings.
  const element = t.elementTypeName === 'bytea' || !t.elementTypeName ? TEXT_MAPPING : scalarMapping(t.elementTypeName, t.typmod);
  return {
    schema: { type: 'array', items: nullable(element.schema) },
    select: (c) => `to_jsonb(${c})::text`,
    cursorCapable: false,
  };
}
