// Read-only rules, on top of the instance's locked configuration (duckdb.ts): a query is one
// statement that DuckDB's own parser classifies as SELECT, and it calls no function that shows
// or runs around the credentials. Everything else is refused with a message naming the rule.
import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';

export class QueryRefusedError extends Error {
  override name = 'QueryRefusedError';
}

/** Functions a SELECT could use to read the S3 credentials back or to run SQL the checks never saw. */
const REFUSED_FUNCTIONS = new Set(['duckdb_secrets', 'which_secret', 'query', 'query_table']);

const READ_ONLY = 'the query service is read-only: only SELECT queries (and CREATE VDS / CREATE VIEW / DROP VIEW for views) are allowed';

/** Parses, checks and prepares `sql`; the caller executes the prepared statement. */
export async function prepareReadOnly(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const extracted = await connection.extractStatements(sql);
  if (extracted.count === 0) throw new QueryRefusedError('the query is empty');
  if (extracted.count > 1) throw new QueryRefusedError(`send one statement at a time (got ${extracted.count})`);
  const prepared = await extracted.prepare(0);
  const type = prepared.statementType;
  if (type !== StatementType.SELECT) {
    prepared.destroySync();
    throw new QueryRefusedError(`${StatementType[type] ?? 'this'} statements are refused: ${READ_ONLY}`);
  }
  const functions = await calledFunctions(connection, sql);
  const refused = functions.find((name) => REFUSED_FUNCTIONS.has(name.toLowerCase()));
  if (refused) {
    prepared.destroySync();
    throw new QueryRefusedError(`function ${refused}() is refused: it exposes the service's credentials or runs unchecked SQL`);
  }
  return prepared;
}

/** Every function name in the statement's syntax tree (json_serialize_sql: DuckDB's own parser). */
async function calledFunctions(connection: DuckDBConnection, sql: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`SELECT json_serialize_sql('${sql.replaceAll("'", "''")}')`);
  const tree = JSON.parse(String(reader.getRows()[0][0])) as { error?: boolean; error_message?: string };
  if (tree.error) throw new QueryRefusedError(`the query cannot be checked: ${tree.error_message ?? 'unsupported statement'}`);
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'function_name' && typeof value === 'string') names.push(value);
        else walk(value);
      }
    }
  };
  walk(tree);
  return names;
}
