// Runs Basic normalization for one stream after its raw rows are committed. Overwrite and
// deduplication's rebuild build new tables that the caller swaps in within one transaction (a
// later dedup sync merges only its keys, merge.ts); append adds the raw rows the final table does
// not have yet. Deduplication is one ROW_NUMBER() pass in
// Postgres: per primary key the newest cursor wins, ties go to the later emission, then to the
// later-loaded row (raw tables are append-only, so physical order is load order).
import type pg from 'pg';
import type { ConfiguredAirbyteStream, JsonSchema } from '@platform/protocol';
import { configError } from '../framework/errors';
import { quoteIdentifier as q } from './identifiers';
import { freeFormPaths, pathKey, planStream, type InferredSchemas, type StreamPlan, type TablePlan } from './normalization-plan';
import { columnDefinitions, columnList, literal, pathLiteral, selectChild, selectFinal, valueExpression } from './normalization-sql';
import type { IdentifierNamer } from './identifiers';

/** Keys beyond this make an array element free-form JSON rather than hundreds of columns. */
const MAX_INFERRED_KEYS = 500;

const JSON_TYPE_TO_SCHEMA: Record<string, JsonSchema> = { string: { type: 'string' }, number: { type: 'number' }, boolean: { type: 'boolean' } };

/** One JSON type's schema; several types (or objects and arrays) stay free-form. */
function schemaOfTypes(types: string[]): JsonSchema {
  const present = types.filter((t) => t !== 'null');
  return present.length === 1 ? (JSON_TYPE_TO_SCHEMA[present[0]] ?? {}) : {};
}

/**
 * Free-form fields (a json/jsonb column discovered without structure) are looked at in the loaded
 * data (`rawRows`: a raw table aliased x, maybe with a WHERE): one that holds only arrays gets a
 * child table, whose columns are the keys its elements have.
 */
export async function inferSchemas(client: pg.Client, rawRows: string, jsonSchema: JsonSchema): Promise<InferredSchemas> {
  const inferred: InferredSchemas = new Map();
  for (const { path, arrayItems } of freeFormPaths(jsonSchema)) {
    const { rows } = await client.query<{ arrays: string; others: string; element_types: string[] | null; keys: Record<string, string[]> | null; key_count: string }>(
      `WITH v AS MATERIALIZED (SELECT x._airbyte_data #> ${pathLiteral(path)} AS v FROM ${rawRows}),
        e AS MATERIALIZED (SELECT e FROM v, jsonb_array_elements(CASE WHEN jsonb_typeof(v) = 'array' THEN v END) AS e),
        k AS (SELECT k.key, array_agg(DISTINCT jsonb_typeof(k.value)) AS types FROM e, jsonb_each(CASE WHEN jsonb_typeof(e) = 'object' THEN e END) AS k GROUP BY k.key)
      SELECT (SELECT count(*) FROM v WHERE jsonb_typeof(v) = 'array') AS arrays,
        (SELECT count(*) FROM v WHERE jsonb_typeof(v) NOT IN ('array', 'null')) AS others,
        (SELECT array_agg(DISTINCT jsonb_typeof(e)) FROM e) AS element_types,
        (SELECT count(*) FROM k) AS key_count,
        (SELECT jsonb_object_agg(key, types) FROM (SELECT * FROM k ORDER BY key LIMIT ${MAX_INFERRED_KEYS}) AS s) AS keys`,
    );
    const { arrays, others, element_types: elementTypes, keys, key_count: keyCount } = rows[0];
    const isArray = arrayItems || (Number(arrays) > 0 && Number(others) === 0);
    if (!isArray) continue;
    if (!arrayItems) inferred.set(pathKey(path), { type: 'array' });
    const types = (elementTypes ?? []).filter((t) => t !== 'null');
    let items: JsonSchema = {};
    if (types.length === 1 && types[0] === 'object' && keys && Number(keyCount) <= MAX_INFERRED_KEYS) {
      items = { type: 'object', properties: Object.fromEntries(Object.keys(keys).sort().map((key) => [key, schemaOfTypes(keys[key])])) };
    } else if (types.length === 1 && types[0] !== 'object') {
      items = schemaOfTypes(types);
    }
    inferred.set(pathKey([...path, '[]']), items);
  }
  return inferred;
}

export interface NormalizeTarget {
  /** Unquoted schema name. */
  schema: string;
  configured: ConfiguredAirbyteStream;
  finalName: string;
  /** The schema's table names, shared by its streams. */
  tables: IdentifierNamer;
  /** Deterministic staging name for a table of this stream. */
  stagingName(table: string): string;
}

/** A staged table that replaces `target`. */
export interface Swap {
  staged: string;
  target: string;
}

const qualified = (schema: string, table: string) => `${q(schema)}.${q(table)}`;

async function plan(client: pg.Client, target: NormalizeTarget, rawRows: string): Promise<StreamPlan> {
  const { stream } = target.configured;
  return planStream(stream.name, target.finalName, stream.json_schema, target.tables, await inferSchemas(client, rawRows, stream.json_schema));
}

/** An index on one column, made once (Postgres names it). */
export async function ensureIndex(client: pg.Client, schema: string, table: string, column: string): Promise<void> {
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = $1::regclass AND i.indnatts = 1 AND a.attname = $2`,
    [qualified(schema, table), column],
  );
  if (!rowCount) await client.query(`CREATE INDEX ON ${qualified(schema, table)} (${q(column)})`);
}

/** Builds the final and child tables from `rows` into staging tables; the caller swaps them in. */
async function buildStaged(client: pg.Client, target: NormalizeTarget, streamPlan: StreamPlan, rows: string): Promise<Swap[]> {
  const swaps: Swap[] = [];
  const tables = [{ table: streamPlan.final, parent: undefined, select: selectFinal(streamPlan, rows) }, ...streamPlan.children.map((c) => ({ table: c, parent: c.parentHashidColumn, select: selectChild(c, rows) }))];
  for (const { table, parent, select } of tables) {
    const staged = target.stagingName(table.name);
    const name = qualified(target.schema, staged);
    await client.query(`DROP TABLE IF EXISTS ${name}`);
    await client.query(`CREATE TABLE ${name} (${columnDefinitions(table, parent)})`);
    await client.query(`INSERT INTO ${name} (${columnList(table, parent)}) ${select}`);
    swaps.push({ staged, target: table.name });
  }
  return swaps;
}

const rawRows = (raw: string) => `(SELECT x._airbyte_ab_id, x._airbyte_emitted_at, x._airbyte_data FROM ${raw} x) r`;

/** Overwrite: the final tables rebuilt from the newly loaded raw table. */
export async function stageOverwrite(client: pg.Client, target: NormalizeTarget, raw: string): Promise<Swap[]> {
  return buildStaged(client, target, await plan(client, target, `${raw} x`), rawRows(raw));
}

/** How append_dedup picks one row per primary key, shared by the rebuild and the merge (merge.ts). */
export interface DedupPlan {
  streamPlan: StreamPlan;
  primaryKey: string[][];
  /** A path's value in `x._airbyte_data`, typed as the final table holds it. */
  typed(path: string[]): string;
  /**
   * The raw rows of `source` (aliased x; `position` is its load order, e.g. x.ctid) reduced to the
   * newest per primary key, CDC deletes left out: a subquery aliased r.
   */
  newestPerKey(source: string, position: string): string;
}

export async function planDeduplicated(client: pg.Client, target: NormalizeTarget, raw: string): Promise<DedupPlan> {
  const { configured } = target;
  const primaryKey = configured.primary_key?.length ? configured.primary_key : (configured.stream.source_defined_primary_key ?? []);
  if (primaryKey.length === 0) throw configError(`stream ${configured.stream.name}: deduplication (append_dedup) needs a primary key`);
  const cursor = configured.cursor_field?.length ? configured.cursor_field : (configured.stream.default_cursor_field ?? []);
  const streamPlan = await plan(client, target, `${raw} x`);
  await keepDroppedColumns(client, target.schema, streamPlan.final);
  // Compared as their typed values (numbers numerically, timestamps in time), as the final table holds them.
  const typed = (path: string[]) => valueExpression('x._airbyte_data', streamPlan.final.columns.find((c) => pathKey(c.path) === pathKey(path)) ?? { path, pgType: 'text' });
  const properties = (configured.stream.json_schema as { properties?: Record<string, unknown> }).properties ?? {};
  // A CDC delete is the newest version of its key: the key leaves the final table.
  const notDeleted = '_ab_cdc_deleted_at' in properties ? ` AND (d._airbyte_data ->> '_ab_cdc_deleted_at') IS NULL` : '';
  const newestPerKey = (source: string, position: string) => {
    const order = [...(cursor.length ? [`${typed(cursor)} DESC NULLS LAST`] : []), 'x._airbyte_emitted_at DESC', `${position} DESC`].join(', ');
    return `(SELECT d._airbyte_ab_id, d._airbyte_emitted_at, d._airbyte_data FROM (
      SELECT x._airbyte_ab_id, x._airbyte_emitted_at, x._airbyte_data,
        ROW_NUMBER() OVER (PARTITION BY ${primaryKey.map(typed).join(', ')} ORDER BY ${order}) AS _airbyte_row_number
      FROM ${source} x) d WHERE d._airbyte_row_number = 1${notDeleted}) r`;
  };
  return { streamPlan, primaryKey, typed, newestPerKey };
}

/** append_dedup, rebuilt: the final tables built from one row per primary key of the whole raw table. */
export async function stageDeduplicated(client: pg.Client, target: NormalizeTarget, raw: string, dedup?: DedupPlan): Promise<Swap[]> {
  const { streamPlan, newestPerKey } = dedup ?? (await planDeduplicated(client, target, raw));
  return buildStaged(client, target, streamPlan, newestPerKey(raw, 'x.ctid'));
}

/**
 * The rebuild of a deduplicated table keeps the columns of the current one that the stream's
 * schema no longer has (a field the source dropped), with their type: each row takes the value its
 * raw record holds for the top-level field of that name, so older rows keep theirs.
 */
async function keepDroppedColumns(client: pg.Client, schema: string, table: TablePlan): Promise<void> {
  const planned = new Set([...table.columns.map((c) => c.name), table.hashidColumn]);
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_airbyte\\_%' ORDER BY attnum`,
    [qualified(schema, table.name)],
  );
  for (const { name, type } of rows) if (!planned.has(name)) table.columns.push({ name, path: [name], pgType: type });
}

/**
 * A column an earlier sync made keeps its type: values are cast to it (NULL plus a recorded change
 * when they do not fit), so a field whose type changed upstream never fails the sync.
 */
async function keepExistingTypes(client: pg.Client, schema: string, table: TablePlan): Promise<void> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [qualified(schema, table.name)],
  );
  const existing = new Map(rows.map((r) => [r.name, r.type]));
  for (const column of table.columns) column.pgType = existing.get(column.name) ?? column.pgType;
}

/**
 * append: the raw rows the final table does not have yet, added to it (children first: they select
 * by the same test). Every sync normalizes all it loaded, so only rows emitted since the newest
 * normalized one are candidates; the _airbyte_ab_id test settles those emitted at that instant.
 */
export async function appendNormalized(client: pg.Client, target: NormalizeTarget, raw: string): Promise<void> {
  const final = qualified(target.schema, target.finalName);
  const exists = (await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [final])).rows[0].exists;
  const since = exists ? (await client.query<{ since: string | null }>(`SELECT max(_airbyte_emitted_at)::text AS since FROM ${final}`)).rows[0].since : null;
  const newRows = `${raw} x${
    exists
      ? ` WHERE ${since === null ? '' : `x._airbyte_emitted_at >= ${literal(since)}::timestamptz AND `}NOT EXISTS (SELECT 1 FROM ${final} f WHERE f._airbyte_ab_id = x._airbyte_ab_id)`
      : ''
  }`;
  const streamPlan = await plan(client, target, newRows);
  const tables = [{ table: streamPlan.final, parent: undefined as string | undefined }, ...streamPlan.children.map((c) => ({ table: c, parent: c.parentHashidColumn }))];
  for (const { table, parent } of tables) {
    const name = qualified(target.schema, table.name);
    await client.query(`CREATE TABLE IF NOT EXISTS ${name} (${columnDefinitions(table, parent)})`);
    // A field the source added since the table was made gets its column; existing rows keep NULL.
    for (const column of table.columns) await client.query(`ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ${q(column.name)} ${column.pgType}`);
  }
  for (const { table } of tables) await keepExistingTypes(client, target.schema, table);
  // What the next sync's candidate test looks up.
  await ensureIndex(client, target.schema, streamPlan.final.name, '_airbyte_emitted_at');
  await ensureIndex(client, target.schema, streamPlan.final.name, '_airbyte_ab_id');
  const rows = `(SELECT x._airbyte_ab_id, x._airbyte_emitted_at, x._airbyte_data FROM ${newRows}) r`;
  await client.query('BEGIN');
  try {
    for (const child of streamPlan.children) await client.query(`INSERT INTO ${qualified(target.schema, child.name)} (${columnList(child, child.parentHashidColumn)}) ${selectChild(child, rows)}`);
    await client.query(`INSERT INTO ${final} (${columnList(streamPlan.final)}) ${selectFinal(streamPlan, rows)}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
