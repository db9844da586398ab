// Loads in-memory records into a raw table with one `COPY ... FROM STDIN` per batch (text format, so only
// backslashes need escaping in the JSON), written in large chunks with back-pressure.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { recordJson } from './record-json';

const CHUNK_CHARS = 1024 * 1024;

/** COPY text format: JSON text has no raw tab or newline, so a backslash is all there is to escape. */
const copyText = (text: string) => (text.includes('\\') ? text.replace(/\\/g, '\\\\') : text);

function* copyLines(records: Iterable<Record<string, unknown>>, emittedAt: string, count: { rows: number }): Generator<string> {
  let chunk = '';
  for (const record of records) {
    chunk += `${randomUUID()}\t${emittedAt}\t${copyText(recordJson(record))}\n`;
    count.rows++;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Appends the records to `table` (a quoted, qualified name); returns how many rows it wrote. */
export async function copyIntoRaw(
  client: pg.Client,
  table: string,
  records: Iterable<Record<string, unknown>>,
  emittedAtMs: number,
): Promise<number> {
  const count = { rows: 0 };
  const sink = client.query(copyFrom(`COPY ${table} (_airbyte_ab_id, _airbyte_emitted_at, _airbyte_data) FROM STDIN`));
  await pipeline(Readable.from(copyLines(records, new Date(emittedAtMs).toISOString(), count)), sink);
  return count.rows;
}

export const RAW_COLUMNS_SQL = '_airbyte_ab_id uuid NOT NULL, _airbyte_emitted_at timestamptz NOT NULL, _airbyte_data jsonb';
