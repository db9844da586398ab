// In-process batches. Inside one process records move in arrays or as spilled files, never
// one async step per record; they become RECORD messages only at a process boundary.
import type { AirbyteMessage, JsonSchema } from '@platform/protocol';

/** Many records of one stream. */
export interface RecordBatch {
  type: 'RECORD_BATCH';
  stream: string;
  namespace?: string | null;
  emittedAt: number;
  records: Record<string, unknown>[];
}

/**
 * A bulk chunk of one stream spilled to a local CSV file (header row, RFC 4180 quoting,
 * empty unquoted field = NULL, as PostgreSQL's `COPY ... (FORMAT csv, HEADER)` writes it).
 * `columns` gives each column's JSON schema so a reader can type it without guessing.
 * The consumer must call `release()` when done; the producer may delete the file then.
 */
export interface CsvFileBatch {
  type: 'CSV_FILE_BATCH';
  stream: string;
  namespace?: string | null;
  emittedAt: number;
  path: string;
  columns: Array<{ name: string; schema: JsonSchema }>;
  rowCount: number;
  byteCount: number;
  release(): Promise<void>;
}

/** What a source yields and a destination consumes in-process. */
export type SourceOutput = AirbyteMessage | RecordBatch | CsvFileBatch;

export function isBatch(item: SourceOutput): item is RecordBatch | CsvFileBatch {
  return item.type === 'RECORD_BATCH' || item.type === 'CSV_FILE_BATCH';
}
