// Finds the names a query reads from: dotted chains (`a.b."c-d".e`) in table position (after
// FROM or JOIN, or after a comma in a FROM list), so Dremio's many-part names can be replaced
// before DuckDB, which allows at most three parts, parses the query.
import { identifierOf, isIdentifier, isKeyword, isTrivia, tokenize, type Token } from './tokens';

export interface TableRef {
  /** The name's parts as written (quoted parts unquoted, case kept). */
  path: string[];
  /** Index range in the token list, inclusive. */
  first: number;
  last: number;
  /** Whether the query gives the table an alias (`… customers c`, `… AS c`). */
  hasAlias: boolean;
}

/** Keywords that end a FROM list (a join's ON / USING condition does not: a comma may follow it). */
const END_OF_FROM = ['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'QUALIFY', 'WINDOW', 'UNION', 'INTERSECT', 'EXCEPT', 'SELECT', 'VALUES', 'FETCH', 'SET'];
/** Words that may follow a table name without being its alias. */
const NOT_AN_ALIAS = new Set([
  ...END_OF_FROM,
  'ON',
  'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'NATURAL', 'ASOF', 'POSITIONAL', 'ANTI', 'SEMI', 'LATERAL',
  'TABLESAMPLE', 'USING', 'PIVOT', 'UNPIVOT', 'RETURNING', 'FOR', 'AT',
]);

export function findTableRefs(tokens: Token[]): TableRef[] {
  const significant = tokens.map((token, index) => ({ token, index })).filter(({ token }) => !isTrivia(token));
  const cteNames = new Set<string>();
  significant.forEach(({ token }, k) => {
    // `name AS (` or `name(col, …) AS (`: a CTE, which shadows any table of that name.
    const next = significant[k + 1]?.token;
    if (isIdentifier(token) && isKeyword(next, 'AS') && significant[k + 2]?.token.text === '(') cteNames.add(identifierOf(token).toLowerCase());
  });

  const refs: TableRef[] = [];
  const inFrom: boolean[] = [false];
  let expectTable = false;
  for (let k = 0; k < significant.length; k++) {
    const { token } = significant[k];
    const depth = inFrom.length - 1;
    if (token.text === '(') {
      inFrom.push(false);
      expectTable = false;
    } else if (token.text === ')') {
      if (inFrom.length > 1) inFrom.pop();
      expectTable = false;
    } else if (isKeyword(token, 'FROM', 'JOIN')) {
      inFrom[depth] = true;
      expectTable = true;
    } else if (token.kind === 'word' && END_OF_FROM.includes(token.text.toUpperCase())) {
      inFrom[depth] = false;
      expectTable = false;
    } else if (token.text === ',') {
      expectTable = inFrom[depth];
    } else if (expectTable && isIdentifier(token)) {
      const chain = [k];
      while (significant[chain.at(-1)! + 1]?.token.text === '.' && isIdentifier(significant[chain.at(-1)! + 2]?.token)) {
        chain.push(chain.at(-1)! + 2);
      }
      const end = chain.at(-1)!;
      const after = significant[end + 1]?.token;
      k = end;
      expectTable = false;
      if (after?.text === '(') continue; // a table function
      const path = chain.map((i) => identifierOf(significant[i].token));
      if (path.length === 1 && cteNames.has(path[0].toLowerCase())) continue;
      const hasAlias = isKeyword(after, 'AS') || after?.kind === 'quoted' || (after?.kind === 'word' && !NOT_AN_ALIAS.has(after.text.toUpperCase()));
      refs.push({ path, first: significant[chain[0]].index, last: significant[end].index, hasAlias });
    } else {
      expectTable = false;
    }
  }
  return refs;
}

/**
 * Replaces each table reference `resolve` knows with its SQL (a parenthesised query or a
 * relation), aliased with the name's last part unless the query aliases it itself.
 */
export async function replaceTableRefs(sql: string, resolve: (path: string[]) => Promise<string | undefined>): Promise<string> {
  const tokens = tokenize(sql);
  const refs = findTableRefs(tokens);
  const out = tokens.map((t) => t.text);
  for (const ref of refs) {
    const replacement = await resolve(ref.path);
    if (replacement === undefined) continue;
    out[ref.first] = ref.hasAlias ? replacement : `${replacement} AS ${quoteIdentifier(ref.path.at(-1)!)}`;
    for (let i = ref.first + 1; i <= ref.last; i++) out[i] = '';
  }
  return out.join('');
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
