// The SQL of Basic normalization, all of it run inside Postgres: a typed SELECT over raw rows
// for the final table and for each child table. A value that cannot be cast becomes NULL and
// the row's _airbyte_meta.changes records the field and why (as Airbyte's destinations do).
import { quoteIdentifier as q } from './identifiers';
import type { ChildPlan, StreamPlan, TablePlan, ValueColumn } from './normalization-plan';

export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
export const pathLiteral = (path: string[]) => (path.length === 0 ? `'{}'::text[]` : `ARRAY[${path.map(literal).join(', ')}]::text[]`);

/** Any value fits a text column; format_type() names it "text". */
const isText = (pgType: string) => pgType === 'text';

/** `src` is a jsonb expression (the record, or an array element). */
export function valueExpression(src: string, column: Pick<ValueColumn, 'path' | 'pgType'>): string {
  const text = `(${src} #>> ${pathLiteral(column.path)})`;
  if (column.pgType === 'jsonb') return `NULLIF(${src} #> ${pathLiteral(column.path)}, 'null'::jsonb)`;
  if (isText(column.pgType)) return text;
  return `CASE WHEN pg_input_is_valid(${text}, ${literal(column.pgType)}) THEN ${text}::${column.pgType} END`;
}

function changeExpression(src: string, column: ValueColumn, fieldPrefix: string[]): string | undefined {
  if (column.pgType === 'jsonb' || isText(column.pgType)) return undefined;
  const text = `(${src} #>> ${pathLiteral(column.path)})`;
  const field = [...fieldPrefix, ...column.path].join('.');
  return `CASE WHEN ${text} IS NOT NULL AND NOT pg_input_is_valid(${text}, ${literal(column.pgType)}) THEN jsonb_build_object('field', ${literal(field)}, 'change', 'NULLED', 'reason', 'DESTINATION_TYPECAST_ERROR') END`;
}

function metaExpression(src: string, columns: ValueColumn[], fieldPrefix: string[] = []): string {
  const changes = columns.map((c) => changeExpression(src, c, fieldPrefix)).filter((c) => c !== undefined);
  if (changes.length === 0) return `'{"changes": []}'::jsonb`;
  return `jsonb_build_object('changes', to_jsonb(array_remove(ARRAY[${changes.join(', ')}]::jsonb[], NULL)))`;
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
  return `SELECT ${plan.final.columns.map((c) => valueExpression(src, c)).join(', ')}${plan.final.columns.length ? ', ' : ''}
    r._airbyte_ab_id, r._airbyte_emitted_at, now(), ${PARENT_HASHID}, ${metaExpression(src, plan.final.columns)}
    FROM ${rows}`;
}

export function selectChild(child: ChildPlan, rows: string): string {
  const src = 'e.value';
  const array = `r._airbyte_data #> ${pathLiteral(child.path)}`;
  return `SELECT ${PARENT_HASHID}, ${child.columns.map((c) => valueExpression(src, c)).join(', ')},
    r._airbyte_ab_id, r._airbyte_emitted_at, now(), md5(${PARENT_HASHID} || '-' || e.ordinality), ${metaExpression(src, child.columns, [...child.path, '[]'])}
    FROM ${rows} CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} END) WITH ORDINALITY AS e(value, ordinality)`;
}
