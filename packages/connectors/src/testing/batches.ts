// Builds in-process inputs for destination tests: a RecordBatch, or a CsvFileBatch written the
// way PostgreSQL's COPY (FORMAT csv, HEADER) writes one.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSchema } from '@platform/protocol';
import type { CsvFileBatch, RecordBatch } from '../framework/batches';

export interface BatchTarget {
  stream: string;
  namespace?: string | null;
}

export function recordBatch(target: BatchTarget, records: Record<string, unknown>[]): RecordBatch {
  return { type: 'RECORD_BATCH', stream: target.stream, namespace: target.namespace, emittedAt: Date.now(), records };
}

/** NULL is an empty unquoted field and every string is quoted, so '' and NULL stay distinct. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/** Writes records to a temp CSV file; the batch's release() deletes it. */
export async function csvFileBatch(target: BatchTarget, records: Record<string, unknown>[], properties: Record<string, JsonSchema>): Promise<CsvFileBatch> {
  const dir = await mkdtemp(join(tmpdir(), 'csv-batch-'));
  const path = join(dir, 'batch.csv');
  const names = Object.keys(properties);
  const header = names.map((n) => `"${n.replace(/"/g, '""')}"`).join(',');
  const lines = records.map((r) => names.map((n) => csvField(r[n])).join(','));
  await writeFile(path, [header, ...lines].join('\n') + '\n');
  return {
    type: 'CSV_FILE_BATCH',
    stream: target.stream,
    namespace: target.namespace,
    emittedAt: Date.now(),
    path,
    columns: names.map((name) => ({ name, schema: properties[name] })),
    rowCount: records.length,
    byteCount: (await stat(path)).size,
    release: () => rm(dir, { recursive: true, force: true }),
  };
}
