// Every value checked on the destination: the checksum of peers/checksum.ts (md5 of each row's
// canonical text, summed) computed over the baseline's copy, the raw table's _airbyte_data and the
// normalized table, each read back as the bench table's columns and types, must equal the source's.
import type pg from 'pg';
import { sourceChecksum, type TableChecksum } from '../peers/checksum';

/** The bench columns out of a raw table's JSON, typed as the source declares them. */
export const rawAsBenchRows = (raw: string) => `(SELECT (_airbyte_data->>'id')::bigint AS id, _airbyte_data->>'name' AS name,
  (_airbyte_data->>'created_at')::timestamptz AS created_at, (_airbyte_data->>'amount')::numeric(18,4) AS amount,
  _airbyte_data->>'note' AS note FROM ${raw}) AS t`;

/** A normalized (or copied) table's bench columns; the cast gives amount the source's scale whatever type the table chose. */
export const typedAsBenchRows = (table: string) => `(SELECT id, name, created_at, amount::numeric(18,4) AS amount, note FROM ${table}) AS t`;

/** Throws naming the table and both checksums when `rows` (a subquery aliased t) differs from the source. */
export async function verifyRows(client: pg.Client, label: string, rows: string, expected: TableChecksum): Promise<TableChecksum> {
  const got = await sourceChecksum(client, rows);
  if (got.rows !== expected.rows) throw new Error(`${label}: the destination holds ${got.rows} rows; the source has ${expected.rows}`);
  if (got.checksum !== expected.checksum) {
    throw new Error(`${label}: the destination's values differ from the source's (checksum ${got.checksum}, the source's ${expected.checksum}; same ${got.rows} rows)`);
  }
  return got;
}
