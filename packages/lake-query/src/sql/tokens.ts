// A SQL tokenizer that knows just enough to find names safely: string literals (with '' and
// E'..' escapes, dollar quotes), quoted identifiers, comments. Joining the tokens' `text`
// gives the input back unchanged, so a rewrite only touches the tokens it replaces.

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'space' | 'comment' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token in the SQL. */
  at: number;
}

export class SqlSyntaxError extends Error {
  override name = 'SqlSyntaxError';
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), at: i });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql[end])) end++;
      push('space', end);
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      push('comment', end === -1 ? sql.length : end);
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new SqlSyntaxError(`unterminated comment starting at character ${i + 1}`);
      push('comment', end + 2);
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      push('string', closeQuote(sql, c === "'" ? i : i + 1, "'", 'string literal', c !== "'"));
    } else if (c === '"') {
      push('quoted', closeQuote(sql, i, '"', 'quoted identifier', false));
    } else if (c === '$' && /[A-Za-z_$]/.test(next ?? '')) {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(i));
      if (!tag) {
        push('punct', i + 1);
        continue;
      }
      const end = sql.indexOf(tag[0], i + tag[0].length);
      if (end === -1) throw new SqlSyntaxError(`unterminated dollar-quoted string starting at character ${i + 1}`);
      push('string', end + tag[0].length);
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end])) end++;
      push('word', end);
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9]+)?/.exec(sql.slice(i))!;
      push('number', i + m[0].length);
    } else {
      push('punct', i + 1);
    }
  }
  return tokens;
}

function closeQuote(sql: string, open: number, quote: string, what: string, backslashEscapes: boolean): number {
  let j = open + 1;
  while (j < sql.length) {
    if (backslashEscapes && sql[j] === '\\') j += 2;
    else if (sql[j] === quote && sql[j + 1] === quote) j += 2;
    else if (sql[j] === quote) return j + 1;
    else j++;
  }
  throw new SqlSyntaxError(`unterminated ${what} starting at character ${open + 1}`);
}

/** The identifier a word or quoted token names: quoted names keep their case, `""` unescaped. */
export function identifierOf(token: Token): string {
  return token.kind === 'quoted' ? token.text.slice(1, -1).replaceAll('""', '"') : token.text;
}

export const isIdentifier = (token: Token | undefined): token is Token => token?.kind === 'word' || token?.kind === 'quoted';
export const isTrivia = (token: Token): boolean => token.kind === 'space' || token.kind === 'comment';
export const isKeyword = (token: Token | undefined, ...words: string[]): boolean =>
  token?.kind === 'word' && words.includes(token.text.toUpperCase());

/** The statement without the semicolons, spaces and comments that end it, so it can be embedded. */
export function withoutTrailingSemicolons(sql: string): string {
  const tokens = tokenize(sql);
  let end = tokens.length;
  while (end > 0 && (isTrivia(tokens[end - 1]) || tokens[end - 1].text === ';')) end--;
  return tokens.slice(0, end).map((t) => t.text).join('');
}

/** The statements of a script, split at top-level semicolons; empty ones dropped. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  for (const token of tokenize(sql)) {
    if (token.text === ';') {
      statements.push(current);
      current = '';
    } else current += token.text;
  }
  statements.push(current);
  return statements.filter((s) => tokenize(s).some((t) => !isTrivia(t)));
}
