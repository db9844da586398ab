// Error texts of databases and file readers quote the data they failed on: DuckDB's CSV
// reader prints the whole offending line, Postgres the value it could not parse or the row
// that broke a constraint. Those texts end up in failure messages and logs, which must
// never carry row contents (a value may be personal data, a 5 MB document, a password a
// user stored in a table). This removes the quoted data and keeps the rest of the message.

const REMOVED = '[value removed]';

/** Each rule: where the error text quotes data, and what stays in its place. */
const ROW_CONTENT_RULES: ReadonlyArray<[RegExp, string]> = [
  // DuckDB CSV errors: "Original Line: <the whole line>", up to DuckDB's next sentence.
  [/Original Line:[\s\S]*?(?=\nError when converting|$)/g, 'Original Line: [row removed]'],
  // DuckDB casts: Could not convert string "abc" to 'DECIMAL' (the value may itself hold quotes).
  [/(Could not convert string )(["'])[\s\S]*?\2( to )/g, `$1${REMOVED}$3`],
  // Postgres range errors: value "123456789012" is out of range for type integer.
  [/(\bvalue )(["'])[\s\S]*?\2( is out of range)/g, `$1${REMOVED}$3`],
  // Postgres constraint details: Failing row contains (...); the row may span lines.
  [/(Failing row contains )[\s\S]*/g, `$1${REMOVED}`],
  // Postgres key details: Key (id)=(42) already exists.
  [/(Key \([^)]*\)=\()[\s\S]*?(\) )/g, `$1${REMOVED}$2`],
  // Both, for values they cannot parse: `...for type integer: "abc"`, `...to numerical: "x"`;
  // the value ends at the first quote that ends a line (it may span lines itself).
  [/(: )(["'])[\s\S]*?\2(?=[ \t]*(\n|$))/g, `$1${REMOVED}`],
  // Anything else quoted at length is data, not an identifier (those are at most 63 bytes).
  [/"[^"\n]{100,}"|'[^'\n]{100,}'/g, `"${REMOVED}"`],
];

/** `text` without the row contents its known error formats quote. */
export function withoutRowContent(text: string): string {
  let out = text;
  for (const [pattern, replacement] of ROW_CONTENT_RULES) out = out.replace(pattern, replacement);
  return out;
}
