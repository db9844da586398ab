// In-process batches. Inside one process records move in arrays or as spilled files, never
// one async step per record; they become RECORD messages only at a process boundary.
import { AsyncLocalStorage } from 'node:async_hooks';
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
  /**
   * Set when the `date-time` columns hold PostgreSQL's own ISO text (`2024-01-02 03:04:05.5+00`,
   * `0044-03-15 10:00:00+00 BC`, `infinity`) instead of the Airbyte Protocol's
   * (`2024-01-02T03:04:05.5Z`, `0044-03-15T10:00:00Z BC`); `postgresTimestampToAirbyte` turns
   * the one into the other. A source writes it only for a consumer that pulled it through
   * `pullReadingPostgresTimestamps`; every other consumer gets the protocol's text.
   */
  postgresTimestamps?: true;
  release(): Promise<void>;
}

const postgresTimestampReaders = new AsyncLocalStorage<true>();

/**
 * Runs `pull` (a `next()` of the source's output) on behalf of a consumer that reads
 * `postgresTimestamps` batches: the source code it resumes sees postgresTimestampsWelcome().
 * A context, not a parameter, because the batches pass through layers that must not care
 * (the worker's read stage).
 */
export function pullReadingPostgresTimestamps<T>(pull: () => T): T {
  return postgresTimestampReaders.run(true, pull);
}

/** Whether the consumer pulling the source right now reads PostgreSQL's timestamp text. */
export function postgresTimestampsWelcome(): boolean {
  return postgresTimestampReaders.getStore() === true;
}

/**
 * PostgreSQL's ISO text of a timestamp (DateStyle ISO, TimeZone UTC) as the Airbyte Protocol
 * writes it, exactly as source-postgres's SQL makes it (types.ts): the first space becomes
 * `T`, `+00` becomes `Z`, a `BC` suffix stays one (`… BC`); `infinity` stays as it is.
 */
export function postgresTimestampToAirbyte(text: string): string {
  return text.replaceAll(' ', 'T').replaceAll('+00', 'Z').replaceAll('TBC', ' BC');
}

/** What a source yields and a destination consumes in-process. */
export type SourceOutput = AirbyteMessage | RecordBatch | CsvFileBatch;

export function isBatch(item: SourceOutput): item is RecordBatch | CsvFileBatch {
  return item.type === 'RECORD_BATCH' || item.type === 'CSV_FILE_BATCH';
}
