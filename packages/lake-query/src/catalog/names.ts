// Dremio's dotted names: `AirbyteData.datalake."airbyte-data".production_public.customers`.
// A part that is not a plain identifier is double-quoted; comparisons ignore case.

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function formatPath(path: string[]): string {
  return path.map((part) => (PLAIN.test(part) ? part : `"${part.replaceAll('"', '""')}"`)).join('.');
}

export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export const samePath = (a: string[], b: string[]): boolean => a.length === b.length && a.every((part, i) => sameName(part, b[i]));

/** Lower-cased path joined with a control character names do not contain (Postgres text has no NUL): the unique key of a view. */
export const pathKey = (path: string[]): string => path.map((p) => p.toLowerCase()).join('\u001f');
