// Runs Dremio SQL: Dremio's own statements (CREATE VDS / VIEW, DROP VIEW) against the catalog,
// everything else translated to DuckDB (table names → relations) and run read-only, within the
// time limit and the bound on concurrent queries.
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { relationOf, type Catalog, type ResolvedName } from '../catalog/catalog';
import { formatPath } from '../catalog/names';
import { classifyStatement } from '../sql/dremio-statements';
import { replaceTableRefs } from '../sql/table-refs';
import type { LakeDuckDb } from './duckdb';
import { prepareReadOnly } from './guard';
import { informationSchemaRelation } from './information-schema';
import { Slots } from './slots';

export interface QueryLimits {
  /** A query still running after this is canceled. */
  timeoutMs: number;
  /** Queries running at once; the rest wait. */
  maxConcurrent: number;
}

export class QueryCanceledError extends Error {
  override name = 'QueryCanceledError';
}

export interface RunOptions {
  context?: string[];
  signal?: AbortSignal;
  /** Called when the query leaves the queue and starts. */
  onStart?: () => void;
}

/** The DuckDB side of one statement: its SQL (for DDL, a one-row summary) and its prepared form. */
export interface Prepared {
  connection: DuckDBConnection;
  sql: string;
  statement: DuckDBPreparedStatement;
}

const MAX_VIEW_DEPTH = 32;

export class QueryService {
  private readonly slots: Slots;
  private readonly describeCache = new Map<string, { name: string; type: string }[]>();

  constructor(readonly catalog: Catalog, private readonly duckdb: LakeDuckDb, readonly limits: QueryLimits) {
    this.slots = new Slots(limits.maxConcurrent);
  }

  get running(): number {
    return this.slots.inUse;
  }

  /**
   * Runs one statement and hands its DuckDB form to `consume` (materialize, stream…) inside the
   * same slot and time limit. Throws QueryCanceledError on timeout or abort.
   */
  async run<T>(sql: string, options: RunOptions, consume: (prepared: Prepared) => Promise<T>): Promise<T> {
    const release = await this.slots.acquire(options.signal).catch((reason) => {
      throw new QueryCanceledError(cancelMessage(reason));
    });
    const connection = await this.duckdb.connect();
    let canceled: string | undefined;
    let interrupter: NodeJS.Timeout | undefined;
    // DuckDB forgets an interrupt that comes before its query starts (while names resolve or the
    // statement prepares), so a cancel repeats it until the run ends.
    const cancel = (reason: string) => {
      canceled ??= reason;
      connection.interrupt();
      interrupter ??= setInterval(() => connection.interrupt(), 50);
    };
    const timer = setTimeout(() => cancel(`Query exceeded the time limit of ${this.limits.timeoutMs / 1000} s (query.query_timeout_seconds in config/platform.yaml)`), this.limits.timeoutMs);
    const onAbort = () => cancel(cancelMessage(options.signal!.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    try {
      options.onStart?.();
      const duckSql = await this.statementSql(sql, options.context ?? [], connection);
      if (canceled) throw new QueryCanceledError(canceled);
      const statement = await prepareReadOnly(connection, duckSql);
      try {
        return await consume({ connection, sql: duckSql, statement });
      } finally {
        statement.destroySync();
      }
    } catch (error) {
      if (canceled) throw new QueryCanceledError(canceled);
      throw error;
    } finally {
      clearTimeout(timer);
      clearInterval(interrupter);
      options.signal?.removeEventListener('abort', onAbort);
      connection.closeSync();
      release();
    }
  }

  /** Dremio SQL → the DuckDB query to run (DDL is carried out here and becomes its summary row). */
  private async statementSql(sql: string, context: string[], connection: DuckDBConnection): Promise<string> {
    const statement = classifyStatement(sql);
    if (statement.kind === 'query') return this.translate(statement.sql, context);
    if (statement.kind === 'drop-view') {
      const view = this.catalog.findView(statement.path);
      if (!view && !statement.ifExists) throw new Error(`View ${formatPath(statement.path)} not found`);
      if (view) await this.catalog.delete(view.id);
      return summary(view ? `View [${formatPath(view.path)}] deleted` : `View [${formatPath(statement.path)}] does not exist`);
    }
    // CREATE VDS / VIEW: the query must translate and pass the read-only checks now.
    const translated = await this.translate(statement.query, context);
    (await prepareReadOnly(connection, translated)).destroySync();
    const { created } = await this.catalog.saveView(statement.path, statement.query, context, statement.orReplace);
    return summary(`View [${formatPath(statement.path)}] has been ${created ? 'created' : 'replaced'}`);
  }

  /** Replaces every table name the catalog knows with its DuckDB relation; views expand recursively. */
  async translate(sql: string, context: string[], trail: string[] = []): Promise<string> {
    if (trail.length > MAX_VIEW_DEPTH) throw new Error(`views nest deeper than ${MAX_VIEW_DEPTH} levels: ${trail.join(' → ')}`);
    return replaceTableRefs(sql, async (path) => {
      const resolved = await this.catalog.resolveName(path, context);
      if (resolved) return this.relation(resolved, trail);
      // DuckDB itself knows names of at most three parts, none of them starting at a source or space.
      if (path.length > 3 || this.catalog.isRootName(path[0])) throw new Error(notFound(path, context));
      return undefined;
    });
  }

  /** Column names and DuckDB types of a resolved name (cached by its relation). */
  async describe(resolved: ResolvedName): Promise<{ name: string; type: string }[]> {
    const relation = await this.relation(resolved, []);
    const cached = this.describeCache.get(relation);
    if (cached) return cached;
    const connection = await this.duckdb.connect();
    try {
      const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
      const columns = reader.getRowObjectsJson().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
      if (this.describeCache.size > 500) this.describeCache.clear();
      this.describeCache.set(relation, columns);
      return columns;
    } finally {
      connection.closeSync();
    }
  }

  private async relation(resolved: ResolvedName, trail: string[]): Promise<string> {
    switch (resolved.kind) {
      case 'dataset':
        return relationOf(resolved);
      case 'view': {
        const name = formatPath(resolved.view.path);
        if (trail.includes(name)) throw new Error(`view ${name} refers to itself: ${[...trail, name].join(' → ')}`);
        return `(${await this.translate(resolved.view.sql, resolved.view.context, [...trail, name])}\n)`;
      }
      case 'information_schema':
        return informationSchemaRelation(resolved.table, this);
    }
  }
}

function notFound(path: string[], context: string[]): string {
  const where = context.length ? ` (also tried within context ${formatPath(context)})` : '';
  return `Table '${formatPath(path)}' not found${where}: no dataset (a folder or file of Parquet, CSV or JSON Lines) or view has that name`;
}

const summary = (text: string) => `SELECT true AS ok, '${text.replaceAll("'", "''")}' AS summary`;

function cancelMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'Query was canceled';
}
