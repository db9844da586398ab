// CSV: rows from csv-rows.ts; values typed by the configured schema (empty / NA text → null).
import type { JsonSchema } from '@platform/protocol';
import { SchemaInference } from '../infer-schema';
import type { ReaderOptions } from '../reader-options';
import { casterForType, classifyText, type TextCaster } from '../value-types';
import { readCsvRows } from './csv-rows';
import { propertyType, schemaProperties, type FormatReader } from './format';

interface ColumnPlan {
  name: string;
  cast: TextCaster;
}

/**
 * Per column index, how to emit it: cast to the schema's type, or skip it when the schema
 * lists properties and this column is not among them (the user deselected it).
 */
function planColumns(columns: string[], schema: JsonSchema): Array<ColumnPlan | null> {
  const properties = schemaProperties(schema);
  return columns.map((name) => {
    if (properties && !(name in properties)) return null;
    return { name, cast: casterForType(propertyType(properties?.[name])) };
  });
}

/** One row as a record; kept out of the generator so V8 optimizes this hot loop fully. */
function toRecord(row: string[], plan: Array<ColumnPlan | null>, na: ReadonlySet<string>, onMismatch: (column: string, text: string) => void) {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < plan.length; i++) {
    const column = plan[i];
    if (column === null) continue;
    const text = row[i];
    if (text === undefined || na.has(text)) {
      record[column.name] = null;
      continue;
    }
    const value = column.cast(text);
    if (value === undefined) onMismatch(column.name, text);
    record[column.name] = value === undefined ? text : value;
  }
  return record;
}

export function csvFormat(options: ReaderOptions): FormatReader {
  const na = options.naValues;
  return {
    async inferSchema(text, sampleRows) {
      const inference = new SchemaInference(true);
      let sampled = 0;
      for await (const { columns, rows } of readCsvRows(text, options)) {
        for (const name of columns) inference.addColumn(name);
        for (const row of rows) {
          for (let i = 0; i < row.length; i++) if (!na.has(row[i])) inference.observe(columns[i], classifyText(row[i]));
          if (++sampled >= sampleRows) return inference.toJsonSchema();
        }
      }
      return inference.toJsonSchema();
    },

    async *readBatches(text, schema, batchSize, warn) {
      let plan: Array<ColumnPlan | null> = [];
      let plannedWidth = -1;
      const mismatched = new Set<string>();
      const onMismatch = (column: string, text: string) => {
        if (mismatched.has(column)) return;
        mismatched.add(column);
        warn(`column "${column}" has values that do not match its schema type (first: "${text.slice(0, 50)}"); they are emitted as text`);
      };
      let batch: Record<string, unknown>[] = [];
      for await (const { columns, rows } of readCsvRows(text, options)) {
        if (columns.length !== plannedWidth) {
          plan = planColumns(columns, schema);
          plannedWidth = columns.length;
        }
        for (const row of rows) {
          const record = toRecord(row, plan, na, onMismatch);
          // A text chunk can hold far more rows than a batch, so batches are cut per record.
          if (batch.push(record) === batchSize) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}
