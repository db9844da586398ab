// Dremio's own statements that DuckDB does not run: CREATE VDS / CREATE [OR REPLACE] VIEW and
// DROP VIEW / DROP VDS. Anything else is a query for the engine.
import { identifierOf, isIdentifier, isKeyword, isTrivia, tokenize } from './tokens';

export type DremioStatement =
  | { kind: 'create-view'; path: string[]; orReplace: boolean; query: string }
  | { kind: 'drop-view'; path: string[]; ifExists: boolean }
  | { kind: 'query'; sql: string };

export class StatementError extends Error {
  override name = 'StatementError';
}

export function classifyStatement(sql: string): DremioStatement {
  const tokens = tokenize(sql);
  const significant = tokens.filter((t) => !isTrivia(t) && t.text !== ';' );
  let k = 0;
  const take = (...words: string[]) => (isKeyword(significant[k], ...words) ? (k++, true) : false);
  const name = (what: string): string[] => {
    const path: string[] = [];
    do {
      const token = significant[k];
      if (!isIdentifier(token)) throw new StatementError(`${what}: expected a view name at "${significant[k]?.text ?? 'end of statement'}"`);
      path.push(identifierOf(token));
      k++;
    } while (significant[k]?.text === '.' && ++k);
    return path;
  };

  if (take('CREATE')) {
    const orReplace = take('OR') ? (take('REPLACE') || fail('CREATE OR … must be CREATE OR REPLACE VIEW')) : false;
    if (!take('VDS', 'VIEW')) return { kind: 'query', sql };
    const path = name('CREATE VIEW');
    const as = significant[k];
    if (!isKeyword(as, 'AS')) throw new StatementError(`CREATE VIEW ${path.join('.')}: expected AS followed by a query`);
    const query = sql.slice(as.at + as.text.length).trim().replace(/;\s*$/, '');
    if (!query) throw new StatementError(`CREATE VIEW ${path.join('.')}: the query after AS is missing`);
    return { kind: 'create-view', path, orReplace, query };
  }
  if (take('DROP')) {
    if (!take('VDS', 'VIEW')) return { kind: 'query', sql };
    const ifExists = take('IF') ? (take('EXISTS') || fail('DROP VIEW IF … must be DROP VIEW IF EXISTS')) : false;
    const path = name('DROP VIEW');
    if (k < significant.length) throw new StatementError(`DROP VIEW ${path.join('.')}: unexpected "${significant[k].text}"`);
    return { kind: 'drop-view', path, ifExists };
  }
  return { kind: 'query', sql };
}

function fail(message: string): never {
  throw new StatementError(message);
}
