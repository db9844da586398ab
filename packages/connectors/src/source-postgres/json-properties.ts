// Discover's look inside json/jsonb columns. PostgreSQL declares no structure for them, so the
// keys their objects hold in a sample of rows become the column's declared properties (as
// Airbyte's schema-inferring sources do); destinations flatten declared properties into
// `<column>_<key>` while the column itself still carries the whole value, so a key or a type
// the sample missed is never lost.
import type pg from 'pg';
import type { JsonSchema } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import type { SourceTable } from './catalog';
import { qualifiedName, quote } from './stream-run';

/** Rows sampled per table: the first ones in physical order, a cheap read on any table. */
const SAMPLE_ROWS = 1000;
/** A column with more distinct keys than this is free-form: it stays one JSON column. */
const MAX_PROPERTIES = 500;
/** Sampling is a courtesy: a slow view is not worth a slow discover. */
const SAMPLE_TIMEOUT_MS = 10_000;

const isJsonColumn = (typeName: string) => typeName === 'json' || typeName === 'jsonb';

/** A key's schema from the JSON types its sampled values had ("integer" when every number was one). */
function propertySchema(types: string[]): JsonSchema {
  const seen = new Set(types.filter((t) => t !== 'null'));
  if (seen.size === 2 && seen.has('integer') && seen.has('number')) return { type: ['null', 'number'] };
  // Values of several types (or only nulls): no single type to declare.
  return seen.size === 1 ? { type: ['null', [...seen][0]] } : {};
}

interface KeyRow {
  column: number;
  key: string;
  types: string[];
}

/** Declared properties for each json/jsonb column of `table` whose sampled values were objects. */
export async function sampleJsonProperties(client: pg.Client, table: SourceTable, ctx: ConnectorContext): Promise<Map<string, Record<string, JsonSchema>>> {
  const columns = table.columns.filter((c) => isJsonColumn(c.typeName));
  const found = new Map<string, Record<string, JsonSchema>>();
  if (columns.length === 0) return found;
  const values = columns.map((c, i) => `${quote(c.name)}::jsonb AS v${i}`).join(', ');
  // 18 digits always fit a 64-bit integer.
  const typeOf = `CASE WHEN jsonb_typeof(e.value) = 'number' AND e.value::text ~ '^-?[0-9]{1,18}$' THEN 'integer' ELSE jsonb_typeof(e.value) END`;
  const perColumn = columns.map(
    (_, i) => `SELECT ${i} AS "column", e.key, array_agg(DISTINCT ${typeOf}) AS types
      FROM sample, jsonb_each(CASE WHEN jsonb_typeof(sample.v${i}) = 'object' THEN sample.v${i} END) AS e GROUP BY e.key`,
  );
  try {
    await client.query(`SET statement_timeout = ${SAMPLE_TIMEOUT_MS}`);
    const { rows } = await client.query<KeyRow>(
      `WITH sample AS (SELECT ${values} FROM ${qualifiedName(table)} LIMIT ${SAMPLE_ROWS}) ${perColumn.join(' UNION ALL ')}`,
    );
    columns.forEach((c, i) => {
      const keys = rows.filter((r) => r.column === i).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (keys.length > 0 && keys.length <= MAX_PROPERTIES) found.set(c.name, Object.fromEntries(keys.map((r) => [r.key, propertySchema(r.types)])));
    });
  } catch (err) {
    ctx.log('WARN', `${table.namespace}.${table.name}: could not sample its JSON columns (${(err as Error).message}); they are declared without properties.`);
  } finally {
    await client.query('RESET statement_timeout').catch(() => undefined);
  }
  return found;
}
