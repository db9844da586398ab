// The SQL of Basic normalization, all of it run inside Postgres: a typed SELECT over raw rows
// for the final table and for each child table. A value that cannot be cast becomes NULL and
// the row's _airbyte_meta.changes records the field and why (as Airbyte's destinations do).
import { quoteIdentifier as q } from './identifiers';
import type { ChildPlan, StreamPlan, TablePlan, ValueColumn } from './normalization-plan';

export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
export const pathLiteral = (path: string[]) => (path.length === 0 ? `'{}'::text[]` : `ARRAY[${path.map(literal).join(', ')}]::text[]`);

/** Any value fits a text column; format_type() names it "text". */
const isText = (pgType: string) => pgType === 'text';
/** Values of other types are checked and cast. */
const isCast = (pgType: string) => pgType !== 'jsonb' && !isText(pgType);

/** `src` is a jsonb expression (the record, or an array element). */
export function valueExpression(src: string, column: Pick<ValueColumn, 'path' | 'pgType'>): string {
  const text = `(${src} #>> ${pathLiteral(column.path)})`;
  if (column.pgType === 'jsonb') return `NULLIF(${src} #> ${pathLiteral(column.path)}, 'null'::jsonb)`;
  if (isText(column.pgType)) return text;
  return `CASE WHEN pg_input_is_valid(${text}, ${literal(column.pgType)}) THEN ${text}::${column.pgType} END`;
}

/**
 * Each typed value's text and whether it casts, computed once per row in a LATERAL subquery
 * (OFFSET 0 keeps the planner from inlining it, which would extract and validate each value
 * again for its column and again for _airbyte_meta). Columns v.t<i> and v.ok<i>.
 */
function checkedValues(src: string, columns: ValueColumn[]): string {
  const checked = columns.map((c, i) => ({ c, i })).filter(({ c }) => isCast(c.pgType));
  if (checked.length === 0) return '';
  const texts = checked.map(({ c, i }) => `${src} #>> ${pathLiteral(c.path)} AS t${i}`).join(', ');
  const flags = checked.map(({ c, i }) => `x.t${i}, x.t${i} IS NULL OR pg_input_is_valid(x.t${i}, ${literal(c.pgType)}) AS ok${i}`).join(', ');
  return ` CROSS JOIN LATERAL (SELECT ${flags} FROM (SELECT ${texts} OFFSET 0) AS x OFFSET 0) AS v`;
}

/** A column's value: cast when it fits (v.ok<i>), else NULL; text and jsonb as they are. */
function checkedValue(src: string, column: ValueColumn, i: number): string {
  if (!isCast(column.pgType)) return valueExpression(src, column);
  return `CASE WHEN v.ok${i} THEN v.t${i}::${column.pgType} END`;
}

/** _airbyte_meta: the fields that could not be cast and why; a row where all fit (nearly every row) skips building the array. */
function metaExpression(columns: ValueColumn[], fieldPrefix: string[] = []): string {
  const checked = columns.map((c, i) => ({ c, i })).filter(({ c }) => isCast(c.pgType));
  if (checked.length === 0) return `'{"changes": []}'::jsonb`;
  const changes = checked.map(
    ({ c, i }) => `CASE WHEN NOT v.ok${i} THEN jsonb_build_object('field', ${literal([...fieldPrefix, ...c.path].join('.'))}, 'change', 'NULLED', 'reason', 'DESTINATION_TYPECAST_ERROR') END`,
  );
  return `CASE WHEN ${checked.map(({ i }) => `v.ok${i}`).join(' AND ')} THEN '{"changes": []}'::jsonb
    ELSE jsonb_build_object('changes', to_jsonb(array_remove(ARRAY[${changes.join(', ')}]::jsonb[], NULL))) END`;
}

/** Unique per raw row, so a child row joins to exactly the parent row it came from. */
export const PARENT_HASHID = `md5(r._airbyte_ab_id::text || coalesce(r._airbyte_data::text, ''))`;

/** Column definitions of a normalized table, data columns first. */
export function columnDefinitions(table: TablePlan, parentHashidColumn?: string): string {
  return [
    ...(parentHashidColumn ? [`${q(parentHashidColumn)} text`] : []),
    ...table.columns.map((c) => `${q(c.name)} ${c.pgType}`),
    '_airbyte_ab_id uuid',
    '_airbyte_emitted_at timestamptz',
    '_airbyte_normalized_at timestamptz',
    `${q(table.hashidColumn)} text`,
    '_airbyte_meta jsonb',
  ].join(', ');
}

export const columnList = (table: TablePlan, parentHashidColumn?: string) =>
  [...(parentHashidColumn ? [parentHashidColumn] : []), ...table.columns.map((c) => c.name), '_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte_normalized_at', table.hashidColumn, '_airbyte_meta']
    .map(q)
    .join(', ');

/** `rows` is a subquery aliased r with _airbyte_ab_id, _airbyte_emitted_at, _airbyte_data. */
export function selectFinal(plan: StreamPlan, rows: string): string {
  const src = 'r._airbyte_data';
  const { columns } = plan.final;
  return `SELECT ${columns.map((c, i) => checkedValue(src, c, i)).join(', ')}${columns.length ? ', ' : ''}
    r._airbyte_ab_id, r._airbyte_emitted_at, now(), ${PARENT_HASHID}, ${metaExpression(columns)}
    FROM ${rows}${checkedValues(src, columns)}`;
}

export function selectChild(child: ChildPlan, rows: string): string {
  const src = 'e.value';
  const array = `r._airbyte_data #> ${pathLiteral(child.path)}`;
  return `SELECT ${PARENT_HASHID}, ${child.columns.map((c, i) => checkedValue(src, c, i)).join(', ')},
    r._airbyte_ab_id, r._airbyte_emitted_at, now(), md5(${PARENT_HASHID} || '-' || e.ordinality), ${metaExpression(child.columns, [...child.path, '[]'])}
    FROM ${rows} CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} END) WITH ORDINALITY AS e(value, ordinality)${checkedValues(src, child.columns)}`;
}
