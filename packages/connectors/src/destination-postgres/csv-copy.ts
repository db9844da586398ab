// Loads a CSV chunk (PostgreSQL's own COPY CSV format) into a raw table. Scalar columns take the
// streaming path of csv-raw-lines.ts (COPY text written in one pass); a chunk with an object or
// array column is streamed into a temporary table by COPY, then one INSERT ... SELECT builds each
// row's _airbyte_data. Values are typed as the in-process reader types them
// (framework/expand.ts casterFor), except that a number beyond a double's precision stays a JSON
// number with every digit (jsonb holds any numeric); NaN, Infinity and -0 stay strings.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { JsonSchema } from '@platform/protocol';
import type { CsvFileBatch } from '../framework/batches';
import { jsonType } from '../framework/expand';
import { CsvToRawLines, rawLineKinds } from './csv-raw-lines';
import { quoteIdentifier as q } from './identifiers';
import { literal } from './normalization-sql';
import type { TypedStaging } from './typed-staging';

/** A JSON number as Postgres prints numerics; negative zero is not one (JSON would lose its sign). */
const JSON_NUMBER = `'^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$'`;
const NEGATIVE_ZERO = `'^-0(\\.0*)?([eE][+-]?[0-9]+)?$'`;

function jsonValue(column: string, schema: JsonSchema): string {
  switch (jsonType(schema)) {
    case 'integer':
    case 'number':
      // The negative-zero test runs only on text starting "-0": one regex per value instead of two.
      return `CASE WHEN ${column} ~ ${JSON_NUMBER} AND NOT (starts_with(${column}, '-0') AND ${column} ~ ${NEGATIVE_ZERO}) THEN ${column}::jsonb ELSE to_jsonb(${column}) END`;
    case 'boolean':
      return `to_jsonb(${column} IN ('t', 'true'))`;
    case 'object':
    case 'array':
      // A json (not jsonb) value jsonb cannot hold (\u0000) is kept as its text rather than failing the sync.
      return `CASE WHEN pg_input_is_valid(${column}, 'jsonb') THEN ${column}::jsonb ELSE to_jsonb(${column}) END`;
    default:
      return `to_jsonb(${column})`;
  }
}

/** jsonb_build_object takes at most 100 arguments: wide records are built in parts joined by ||. */
function recordExpression(columns: CsvFileBatch['columns']): string {
  if (columns.length === 0) return `'{}'::jsonb`;
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i += 50) {
    const pairs = columns.slice(i, i + 50).map((c, j) => `${literal(c.name)}, ${jsonValue(`c${i + j}`, c.schema)}`);
    parts.push(`jsonb_build_object(${pairs.join(', ')})`);
  }
  return parts.join(' || ');
}

/** Basic normalization's typed staging of an overwrite, filled in the same pass on a connection of its own (typed-staging.ts). */
export interface TypedTarget {
  staging: TypedStaging;
  connection(): Promise<pg.Client>;
}

/** Appends the chunk's rows to `table` (quoted, qualified); `sequence` keeps temporary tables of one transaction apart. */
export async function copyCsvIntoRaw(client: pg.Client, table: string, batch: CsvFileBatch, sequence: number, typed?: TypedTarget): Promise<void> {
  const kinds = rawLineKinds(batch.columns);
  if (kinds) {
    const emittedAt = new Date(batch.emittedAt).toISOString();
    // Without a second connection (the server's limit reached, say) the stream is normalized in SQL afterwards instead.
    const connection = typed?.staging.active ? await typed.connection().catch(() => undefined) : undefined;
    if (!connection) typed?.staging.abandon();
    const typedCopy = connection && typed?.staging.copyChunk(connection, batch, kinds, emittedAt);
    // Building _airbyte_data in SQL costs most of a load; written as COPY text, Postgres only parses it.
    const lines = new CsvToRawLines(batch.columns, kinds, emittedAt, typedCopy?.output);
    const sink = client.query(copyFrom(`COPY ${table} (_airbyte_ab_id, _airbyte_emitted_at, _airbyte_data) FROM STDIN`));
    const raw = pipeline(createReadStream(batch.path, { highWaterMark: 1024 * 1024 }), lines, sink);
    if (typedCopy) {
      // Either COPY failing stops the other: a typed COPY error ends the pass, a failed pass cancels the typed COPY.
      typedCopy.done.catch((err: unknown) => lines.destroy(err as Error));
      try {
        await raw;
      } catch (err) {
        typedCopy.output.sink.destroy(err as Error);
        await typedCopy.done.catch(() => undefined);
        throw err;
      }
      await typedCopy.done;
      typed!.staging.checkSqlRows(typedCopy.output);
    } else {
      await raw;
    }
    if (lines.rows !== batch.rowCount) throw new Error(`the CSV chunk ${batch.path} held ${lines.rows} records; the source copied ${batch.rowCount}`);
    return;
  }
  typed?.staging.abandon();
  await copyCsvThroughTempTable(client, table, batch, sequence);
}

/** The SQL path: the chunk into a temporary table of text columns, then _airbyte_data built by one INSERT ... SELECT. */
export async function copyCsvThroughTempTable(client: pg.Client, table: string, batch: CsvFileBatch, sequence: number): Promise<void> {
  const temp = `pg_temp.${q(`_airbyte_csv_${sequence}`)}`;
  await client.query(`CREATE TEMPORARY TABLE ${temp} (${batch.columns.map((_, i) => `c${i} text`).join(', ')})`);
  await pipeline(createReadStream(batch.path), client.query(copyFrom(`COPY ${temp} FROM STDIN (FORMAT csv, HEADER true)`)));
  await client.query(`INSERT INTO ${table} (_airbyte_ab_id, _airbyte_emitted_at, _airbyte_data) SELECT gen_random_uuid(), $1::timestamptz, ${recordExpression(batch.columns)} FROM ${temp}`, [
    new Date(batch.emittedAt).toISOString(),
  ]);
  await client.query(`DROP TABLE ${temp}`);
}
