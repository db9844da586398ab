// Infers a stream's JSON Schema from a sample of rows: per column, the set of value kinds seen
// decides the type. Every column is nullable, as in Airbyte's source-file.
import type { JsonSchema } from '@platform/protocol';
import type { ValueKind } from './value-types';

const KIND_SCHEMAS: Record<ValueKind, JsonSchema> = {
  integer: { type: ['integer', 'null'] },
  number: { type: ['number', 'null'] },
  boolean: { type: ['boolean', 'null'] },
  string: { type: ['string', 'null'] },
  object: { type: ['object', 'null'] },
  array: { type: ['array', 'null'] },
  date: { type: ['string', 'null'], format: 'date' },
  timestamp_with_timezone: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
  timestamp_without_timezone: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
};

/** The JSON type a kind is carried as (dates and timestamps are strings). */
const BASE_TYPE: Record<ValueKind, string> = {
  integer: 'integer', number: 'number', boolean: 'boolean', string: 'string', object: 'object', array: 'array',
  date: 'string', timestamp_with_timezone: 'string', timestamp_without_timezone: 'string',
};

export class SchemaInference {
  private readonly columns = new Map<string, Set<ValueKind>>();

  /**
   * `textual`: values came from text (CSV), so conflicting kinds widen to string;
   * JSON values keep each of their types instead.
   */
  constructor(private readonly textual: boolean) {}

  /** Registers a column (keeps first-seen order) even when all its sampled values are null. */
  addColumn(name: string): Set<ValueKind> {
    let kinds = this.columns.get(name);
    if (!kinds) {
      kinds = new Set();
      this.columns.set(name, kinds);
    }
    return kinds;
  }

  observe(name: string, kind: ValueKind): void {
    this.addColumn(name).add(kind);
  }

  toJsonSchema(): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, kinds] of this.columns) properties[name] = this.columnSchema(kinds);
    return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties };
  }

  private columnSchema(seen: Set<ValueKind>): JsonSchema {
    const kinds = new Set(seen);
    if (kinds.has('number')) kinds.delete('integer');
    if (kinds.size === 0) return KIND_SCHEMAS.string;
    if (kinds.size === 1) return KIND_SCHEMAS[[...kinds][0]];
    if (this.textual) return KIND_SCHEMAS.string;
    return { type: [...new Set([...kinds].map((k) => BASE_TYPE[k])), 'null'] };
  }
}
