// append_dedup as a merge, so a sync costs what its changes cost: in one transaction, the final
// table's rows for the primary keys this sync's raw rows carry (and their child rows) are deleted,
// and each such key's newest raw row is inserted, picked by the rebuild's own rule (normalize.ts
// planDeduplicated) over every raw row of that key. The result equals a rebuild's, row for row
// (only _airbyte_normalized_at differs); readers see the tables before or after, never between.
// The rebuild stays for the first sync and whenever the layout changed (a table missing, a column
// added or retyped), where the merge would have to rewrite every row anyway.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { quoteIdentifier as q } from './identifiers';
import { pathKey } from './normalization-plan';
import { columnDefinitions, columnList, pathLiteral, selectChild, selectFinal } from './normalization-sql';
import { ensureIndex, type DedupPlan, type NormalizeTarget } from './normalize';

const qualified = (schema: string, table: string) => `${q(schema)}.${q(table)}`;

/** Up to this many keys a sync always merges; beyond it, only while they are under half the final table. */
const MERGE_ALWAYS_KEYS = 1000;

/** The raw record's text at `path`: what the raw table's key index holds (a typed cast is not immutable, so it cannot be indexed). */
const keyText = (data: string, path: string[]) => `(${data} #>> ${pathLiteral(path)})`;

/** The final table's column for each primary-key path, or undefined when a key is not a column of its own. */
function keyColumns(dedup: DedupPlan): string[] | undefined {
  const columns = dedup.primaryKey.map((path) => dedup.streamPlan.final.columns.find((c) => pathKey(c.path) === pathKey(path))?.name);
  return columns.every((c) => c !== undefined) ? (columns as string[]) : undefined;
}

/** An index on these columns, in this order, made once. */
async function ensureColumnsIndex(client: pg.Client, schema: string, table: string, columns: string[]): Promise<void> {
  if (columns.length === 1) return ensureIndex(client, schema, table, columns[0]);
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indnatts = $3
      AND i.indkey::text = (SELECT string_agg(a.attnum::text, ' ' ORDER BY c.ord) FROM unnest($2::text[]) WITH ORDINALITY AS c(name, ord)
        JOIN pg_attribute a ON a.attrelid = $1::regclass AND a.attname = c.name)`,
    [qualified(schema, table), columns, columns.length],
  );
  if (!rowCount) await client.query(`CREATE INDEX ON ${qualified(schema, table)} (${columns.map(q).join(', ')})`);
}

/**
 * The indexes a merge looks up by: the raw table by key text and by emission; the final table by
 * key and emission; each child table by its parent.
 * Made after a rebuild too, so the first merge does not build them.
 */
export async function ensureMergeIndexes(client: pg.Client, target: NormalizeTarget, rawName: string, dedup: DedupPlan): Promise<void> {
  const columns = keyColumns(dedup);
  const { schema } = target;
  const texts = dedup.primaryKey.map((path) => keyText('_airbyte_data', path));
  const name = `_airbyte_key_${createHash('md5').update(`${rawName}\u0000${texts.join('\u0000')}`).digest('hex').slice(0, 20)}`;
  await client.query(`CREATE INDEX IF NOT EXISTS ${q(name)} ON ${qualified(schema, rawName)} (${texts.join(', ')})`);
  await ensureIndex(client, schema, rawName, '_airbyte_emitted_at');
  if (!columns || !(await exists(client, qualified(schema, dedup.streamPlan.final.name)))) return;
  await ensureColumnsIndex(client, schema, dedup.streamPlan.final.name, columns);
  await ensureIndex(client, schema, dedup.streamPlan.final.name, '_airbyte_emitted_at');
  for (const child of dedup.streamPlan.children) {
    if (await exists(client, qualified(schema, child.name))) await ensureIndex(client, schema, child.name, child.parentHashidColumn);
  }
}

const exists = async (client: pg.Client, table: string) => (await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table])).rows[0].found;

/** Whether `table` exists with exactly the columns (names and types) a rebuild would give it. */
async function hasPlannedLayout(client: pg.Client, table: string, definitions: string): Promise<boolean> {
  if (!(await exists(client, table))) return false;
  await client.query(`CREATE TEMPORARY TABLE _airbyte_planned (${definitions}) ON COMMIT DROP`);
  const columnsOf = (relation: string) =>
    `(SELECT array_agg(attname || ' ' || format_type(atttypid, atttypmod) ORDER BY attname) FROM pg_attribute WHERE attrelid = ${relation} AND attnum > 0 AND NOT attisdropped)`;
  const { rows } = await client.query<{ same: boolean }>(`SELECT ${columnsOf(`'pg_temp._airbyte_planned'::regclass`)} = ${columnsOf('$1::regclass')} AS same`, [table]);
  await client.query('DROP TABLE pg_temp._airbyte_planned');
  return rows[0].same;
}

/**
 * Merges the raw rows not yet in the final table into it. Returns false, having changed nothing,
 * when the rebuild must run instead: no final table yet, a layout change, a key that is not a
 * column, a new row whose key is NULL (the rebuild keeps one row for all of those), or most of the
 * table's keys changed.
 */
export async function mergeDeduplicated(client: pg.Client, target: NormalizeTarget, rawName: string, dedup: DedupPlan): Promise<boolean> {
  const { schema } = target;
  const { streamPlan, primaryKey, typed } = dedup;
  const columns = keyColumns(dedup);
  const final = qualified(schema, streamPlan.final.name);
  const raw = qualified(schema, rawName);
  if (!columns || !(await exists(client, final))) return false;
  await client.query('BEGIN');
  try {
    const tables = [{ name: final, definitions: columnDefinitions(streamPlan.final) }, ...streamPlan.children.map((c) => ({ name: qualified(schema, c.name), definitions: columnDefinitions(c, c.parentHashidColumn) }))];
    for (const table of tables) {
      if (!(await hasPlannedLayout(client, table.name, table.definitions))) {
        await client.query('ROLLBACK');
        return false;
      }
    }
    await ensureMergeIndexes(client, target, rawName, dedup);
    const merged = await mergeKeys(client, { raw, final, schema, dedup, columns, keyTexts: primaryKey.map((path) => keyText('x._airbyte_data', path)), keys: primaryKey.map(typed) });
    await client.query(merged ? 'COMMIT' : 'ROLLBACK');
    return merged;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

interface MergeSql {
  raw: string;
  final: string;
  schema: string;
  dedup: DedupPlan;
  /** The final table's key columns, and per key the raw row's text and typed value (over x._airbyte_data). */
  columns: string[];
  keyTexts: string[];
  keys: string[];
}

/** The planner's row count of a table (-1 before it was ever counted, which makes a merge of many keys a rebuild). */
const estimatedRows = async (client: pg.Client, table: string) =>
  Number((await client.query<{ n: number }>('SELECT reltuples AS n FROM pg_class WHERE oid = $1::regclass', [table])).rows[0].n);

/** The merge's statements, inside the caller's transaction; false when the rebuild must run instead (see mergeDeduplicated). */
async function mergeKeys(client: pg.Client, m: MergeSql): Promise<boolean> {
  const { streamPlan } = m.dedup;
  const n = m.columns.length;
  const list = (prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const equal = (left: string[], right: string[]) => left.map((l, i) => `${l} = ${right[i]}`).join(' AND ');
  // Raw rows load in emission order, sync after sync (the rule append's normalization relies on):
  // those emitted after the newest one the final table holds are new. A delete or a superseded row
  // newer than that is merged again, which changes nothing.
  const since = (await client.query<{ since: string | null }>(`SELECT max(_airbyte_emitted_at)::text AS since FROM ${m.final}`)).rows[0].since;
  await client.query(
    `CREATE TEMPORARY TABLE _airbyte_touched ON COMMIT DROP AS SELECT DISTINCT ${[...m.keyTexts.map((t, i) => `${t} AS t${i}`), ...m.keys.map((k, i) => `${k} AS k${i}`)].join(', ')}
      FROM ${m.raw} x${since === null ? '' : ' WHERE x._airbyte_emitted_at > $1::timestamptz'}`,
    since === null ? [] : [since],
  );
  const { rows } = await client.query<{ touched: number; null_keys: number }>(
    `SELECT count(*)::int AS touched, count(*) FILTER (WHERE ${list('k').map((k) => `${k} IS NULL`).join(' OR ')})::int AS null_keys FROM pg_temp._airbyte_touched`,
  );
  if (rows[0].null_keys > 0) return false;
  if (rows[0].touched === 0) return true;
  // Most keys changed (a re-sync, say): a rebuild costs less than deleting and inserting nearly every row.
  if (rows[0].touched > MERGE_ALWAYS_KEYS && rows[0].touched > (await estimatedRows(client, m.final)) / 2) return false;
  await client.query('ANALYZE pg_temp._airbyte_touched');
  // Every raw row of each touched key: those spelled as the new rows spell it, by the key index...
  const rawColumns = 'x.ctid AS _airbyte_row, x._airbyte_ab_id, x._airbyte_emitted_at, x._airbyte_data';
  await client.query(
    `CREATE TEMPORARY TABLE _airbyte_candidates ON COMMIT DROP AS SELECT ${rawColumns}
      FROM (SELECT DISTINCT ${list('t').join(', ')} FROM pg_temp._airbyte_touched) t JOIN ${m.raw} x ON ${equal(m.keyTexts, list('t.t'))}`,
  );
  // ...and the one a final row came from when an earlier sync spelled its key otherwise (1.0 for
  // 1): rare, so found by a scan of the raw table only when there is one, rather than by an index.
  const { rows: otherwise } = await client.query<{ id: string }>(
    `SELECT f._airbyte_ab_id AS id FROM (SELECT DISTINCT ${list('k').join(', ')} FROM pg_temp._airbyte_touched) t
      JOIN ${m.final} f ON ${equal(m.columns.map((c) => `f.${q(c)}`), list('t.k'))}
      WHERE NOT EXISTS (SELECT 1 FROM pg_temp._airbyte_candidates c WHERE c._airbyte_ab_id = f._airbyte_ab_id)`,
  );
  if (otherwise.length) {
    await client.query(`INSERT INTO pg_temp._airbyte_candidates SELECT ${rawColumns} FROM ${m.raw} x WHERE x._airbyte_ab_id = ANY($1::uuid[])`, [otherwise.map((r) => r.id)]);
  }
  await client.query(
    `CREATE TEMPORARY TABLE _airbyte_winners ON COMMIT DROP AS SELECT * FROM ${m.dedup.newestPerKey('pg_temp._airbyte_candidates', 'x._airbyte_row')}`,
  );
  // The final rows first, then their children: a reader sees none of it before COMMIT.
  await client.query('CREATE TEMPORARY TABLE _airbyte_replaced (hashid text) ON COMMIT DROP');
  await client.query(
    `WITH gone AS (DELETE FROM ${m.final} f USING (SELECT DISTINCT ${list('k').join(', ')} FROM pg_temp._airbyte_touched) t
        WHERE ${equal(m.columns.map((c) => `f.${q(c)}`), list('t.k'))} RETURNING f.${q(streamPlan.final.hashidColumn)} AS hashid)
      INSERT INTO pg_temp._airbyte_replaced SELECT hashid FROM gone`,
  );
  for (const child of streamPlan.children) {
    await client.query(`DELETE FROM ${qualified(m.schema, child.name)} c USING pg_temp._airbyte_replaced r WHERE c.${q(child.parentHashidColumn)} = r.hashid`);
  }
  const winners = '(SELECT w._airbyte_ab_id, w._airbyte_emitted_at, w._airbyte_data FROM pg_temp._airbyte_winners w) r';
  await client.query(`INSERT INTO ${m.final} (${columnList(streamPlan.final)}) ${selectFinal(streamPlan, winners)}`);
  for (const child of streamPlan.children) {
    await client.query(`INSERT INTO ${qualified(m.schema, child.name)} (${columnList(child, child.parentHashidColumn)}) ${selectChild(child, winners)}`);
  }
  return true;
}
