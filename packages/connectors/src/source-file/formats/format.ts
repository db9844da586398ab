// What each file format implements: infer a schema from a sample, and read records in batches.
import type { JsonSchema } from '@platform/protocol';

export interface FormatReader {
  /** Reads at most `sampleRows` rows of `text` (then stops reading) and infers the stream schema. */
  inferSchema(text: AsyncIterable<string>, sampleRows: number): Promise<JsonSchema>;
  /**
   * Yields records in arrays of about `batchSize`, shaped by `schema` (the configured stream's).
   * `warn` reports data that does not fit the schema; it is kept, not dropped.
   */
  readBatches(text: AsyncIterable<string>, schema: JsonSchema, batchSize: number, warn: (message: string) => void): AsyncGenerator<Record<string, unknown>[]>;
}

/** The non-null JSON type of a property schema such as {type: ["integer", "null"]}. */
export function propertyType(schema: JsonSchema | undefined): string | undefined {
  const type = schema?.type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  return type as string | undefined;
}

export function schemaProperties(schema: JsonSchema): Record<string, JsonSchema> | undefined {
  const properties = schema.properties;
  return properties && typeof properties === 'object' ? (properties as Record<string, JsonSchema>) : undefined;
}
