// The columns CDC adds to every replicated stream, as Airbyte's source-postgres names them.
// They ride along the table's own columns as SQL expressions, so snapshot chunks and rendered
// WAL changes go through the same COPY path.
import type { JsonSchema } from '@platform/protocol';
import type { SourceColumn } from './catalog';

export const CDC_LSN = '_ab_cdc_lsn';
export const CDC_UPDATED_AT = '_ab_cdc_updated_at';
export const CDC_DELETED_AT = '_ab_cdc_deleted_at';
export const CDC_COLUMN_NAMES: readonly string[] = [CDC_LSN, CDC_UPDATED_AT, CDC_DELETED_AT];

/** Nullable JSON schemas of the CDC columns, for discover. */
export const CDC_PROPERTIES: Record<string, JsonSchema> = {
  [CDC_LSN]: { type: ['null', 'number'] },
  [CDC_UPDATED_AT]: { type: ['null', 'string'] },
  [CDC_DELETED_AT]: { type: ['null', 'string'] },
};

/** SQL expressions giving each CDC column's value (text for the timestamps, numeric for the LSN). */
export interface CdcValues {
  lsn: string;
  updatedAt: string;
  deletedAt: string;
}

function column(name: string, schema: JsonSchema, expression: string): SourceColumn {
  return { name, typeName: 'text', sqlType: 'text', mapping: { schema, select: () => expression, cursorCapable: false } };
}

export function cdcColumns(values: CdcValues): SourceColumn[] {
  return [
    column(CDC_LSN, { type: 'number' }, values.lsn),
    column(CDC_UPDATED_AT, { type: 'string' }, values.updatedAt),
    column(CDC_DELETED_AT, { type: 'string' }, values.deletedAt),
  ];
}
