// `_airbyte_ab_id`: a canonical UUID string per row, as Airbyte's readers expect, built to compress.
// Random ids (v4, or v7's random tail) take ~13.5 bytes a row in ZSTD Parquet, a third of a narrow
// table's file. Here each conversion (one staged file → its Parquet files) draws 60 random bits
// once, and each row adds its ordinal from a DuckDB sequence: `pppppppp-pppp-8ppp-8nnn-nnnnnnnnnnnn`
// (UUIDv8: version 8, RFC 9562 variant). Rows of one file then differ only in their last digits,
// and the column takes under a byte a row.
//
// Unique because the random prefix separates conversions (of any stream, attempt or sync: 2^60
// values, so a collision is as likely as for random v4 ids over the same number of files), and
// the sequence never repeats a value inside one DuckDB, concurrent conversions included.
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';

const SEQUENCE = 'airbyte_ab_id_ordinal';
/** The ordinal's bits below the variant: 14 in the fourth group, 48 in the last. */
const LOW_48_BITS = 2n ** 48n - 1n;

/** A fresh `pppppppp-pppp-8ppp-` for one conversion. */
export function rowIdPrefix(): string {
  const hex = randomBytes(8).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-`;
}

/** The SQL of the row's next ordinal: select it once a level below `rowIdSql` (each call is a new value). */
export const ROW_ORDINAL_SQL = `nextval('${SEQUENCE}')`;

/** The SQL of a row's id: `prefix`, then `ordinal` (below 2^62) under the variant bits. */
export function rowIdSql(prefix: string, ordinal: string): string {
  return `'${prefix}' || printf('%04x-%012x', 32768 | (${ordinal} >> 48), ${ordinal} & ${LOW_48_BITS})`;
}

/** Creates the ordinal sequence in `db` if it is not there yet (once per DuckDB is enough). */
export async function ensureRowIdSequence(db: DuckDBConnection): Promise<void> {
  await db.run(`CREATE TEMP SEQUENCE IF NOT EXISTS ${SEQUENCE} START 0 MINVALUE 0`);
}
