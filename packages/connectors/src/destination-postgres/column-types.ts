// JSON Schema → Postgres types for Basic normalization. Numbers become numeric (with the
// source's precision and scale when it declares them), never a float that would round them;
// date-times keep their time zone unless the schema says they have none.
import type { JsonSchema } from '@platform/protocol';

export type FieldShape =
  /** A typed column; `pgType` is also the type name pg_input_is_valid checks values against. */
  | { kind: 'scalar'; pgType: string }
  /** Declared properties: flattened into <field>_<key> columns (the object itself stays a jsonb column). */
  | { kind: 'object'; properties: Record<string, JsonSchema> }
  /** Elements go to a child table; the array itself stays a jsonb column. */
  | { kind: 'array'; items: JsonSchema | undefined }
  /** Free-form JSON: a jsonb column. */
  | { kind: 'json' };

type Schema = JsonSchema & { type?: string | string[]; format?: string; airbyte_type?: string; precision?: number; scale?: number; properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** The one non-null type of a schema, or undefined when it has none or several. */
function singleType(schema: Schema): string | undefined {
  const types = (Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type]).filter((t) => t !== 'null');
  return types.length === 1 ? types[0] : undefined;
}

function stringType(schema: Schema): string {
  switch (schema.format) {
    case 'date':
      return 'date';
    case 'date-time':
      return schema.airbyte_type === 'timestamp_without_timezone' ? 'timestamp' : 'timestamptz';
    case 'time':
      return schema.airbyte_type === 'time_with_timezone' ? 'timetz' : 'time';
    default:
      return 'text';
  }
}

function numberType(schema: Schema): string {
  const { precision, scale } = schema;
  // numeric's limits: precision 1..1000, scale -1000..1000.
  if (Number.isInteger(precision) && precision! >= 1 && precision! <= 1000 && Number.isInteger(scale ?? 0) && Math.abs(scale ?? 0) <= 1000) return `numeric(${precision},${scale ?? 0})`;
  return 'numeric';
}

export function fieldShape(schema: JsonSchema | undefined): FieldShape {
  const s = (schema ?? {}) as Schema;
  switch (singleType(s)) {
    case 'string':
      return { kind: 'scalar', pgType: stringType(s) };
    case 'integer':
      return { kind: 'scalar', pgType: s.airbyte_type === 'big_integer' ? 'numeric' : 'bigint' };
    case 'number':
      return { kind: 'scalar', pgType: numberType(s) };
    case 'boolean':
      return { kind: 'scalar', pgType: 'boolean' };
    case 'object':
      return s.properties && Object.keys(s.properties).length > 0 ? { kind: 'object', properties: s.properties } : { kind: 'json' };
    case 'array':
      return { kind: 'array', items: s.items };
    default:
      return { kind: 'json' };
  }
}
