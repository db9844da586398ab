// Incremental reads on a user cursor. Inside one snapshot the rows after the last cursor are cut
// into windows that end on a cursor value (never between rows sharing one), each window COPYed
// as one chunk and followed by a STATE whose cursor_record_count is exact for that snapshot.
// A state that stops inside a run of equal cursor values (as Airbyte's Java source can write)
// resumes by skipping exactly that many of those rows, in a stable order.
import pg from 'pg';
import { streamStateMessage } from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { SourceColumn } from './catalog';
import { isCursorState, type CursorState } from './state';
import { SOURCE_ALIAS, copyChunk, qualifiedName, quote, type StreamRun } from './stream-run';

interface CursorPosition {
  cursor: string | null;
  count: number;
}

interface WindowEnd {
  /** Text form of the window's last cursor value. */
  cursor: string;
  /** Rows with exactly that value (all of them are in the window). */
  ties: number;
}

class CursorSql {
  readonly column: string;
  private readonly relation: string;

  constructor(
    private readonly run: StreamRun,
    private readonly cursor: SourceColumn,
  ) {
    this.column = quote(cursor.name);
    this.relation = `${qualifiedName(run.table)} AS ${SOURCE_ALIAS}`;
  }

  literal(value: string): string {
    return `${pg.escapeLiteral(value)}::${this.cursor.sqlType}`;
  }

  /** Rows strictly after a position; null = every non-null cursor. */
  after(cursor: string | null): string {
    return cursor === null ? `${this.column} IS NOT NULL` : `${this.column} > ${this.literal(cursor)}`;
  }

  /** Text form of a value exactly as the records carry it, which also casts back losslessly. */
  private textOf(column: string): string {
    return `(${this.cursor.mapping.select(column)})::text`;
  }

  /** Stable order among rows sharing a cursor value: the primary key, else the whole row's text. */
  get tieOrder(): string {
    const pk = this.run.table.primaryKey;
    return pk.length > 0 ? pk.map(quote).join(', ') : `ROW(${SOURCE_ALIAS}.*)::text`;
  }

  async countEqual(value: string): Promise<number> {
    const { rows } = await this.run.client.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${this.relation} WHERE ${this.column} = ${this.literal(value)}`);
    return rows[0].n;
  }

  /**
   * Window ends for the rows after `after`, about `chunkRows` rows apart. Most reads fit one
   * window, found with three scans and no sort; only larger ones pay for a sorted pass.
   */
  async planWindows(after: string | null, chunkRows: number): Promise<WindowEnd[]> {
    const filter = this.after(after);
    // ORDER BY … LIMIT 1 rather than max(): not every orderable type has a max aggregate.
    const { rows } = await this.run.client.query<{ rows: number } & WindowEnd>(
      `WITH top AS (SELECT ${this.column} AS value FROM ${this.relation} WHERE ${filter} ORDER BY ${this.column} DESC LIMIT 1)
       SELECT (SELECT count(*) FROM ${this.relation} WHERE ${filter})::float8 AS rows,
              (SELECT ${this.textOf('top.value')} FROM top) AS cursor,
              (SELECT count(*) FROM ${this.relation}, top WHERE ${this.column} = top.value)::float8 AS ties`,
    );
    const { rows: total, cursor, ties } = rows[0];
    if (total === 0) return [];
    if (total <= chunkRows) return [{ cursor, ties }];
    return this.planSortedWindows(filter, chunkRows);
  }

  private async planSortedWindows(filter: string, chunkRows: number): Promise<WindowEnd[]> {
    const { rows } = await this.run.client.query<WindowEnd>(
      `SELECT cursor, ties FROM (
         SELECT ${this.textOf(this.column)} AS cursor,
                row_number() OVER w AS rn,
                (count(*) OVER w - rank() OVER w + 1)::float8 AS ties,
                lead(true) OVER w IS NULL AS is_last
         FROM ${this.relation}
         WHERE ${filter}
         WINDOW w AS (ORDER BY ${this.column})
       ) s
       WHERE rn % ${chunkRows} = 0 OR is_last
       ORDER BY rn`,
    );
    // A run of equal values can straddle a multiple of chunkRows; it ends one window only.
    return rows.filter((r, i) => i === 0 || r.cursor !== rows[i - 1].cursor);
  }
}

/** The prior position, unless the state is for another cursor field (then the stream starts over). */
function priorPosition(run: StreamRun, cursor: SourceColumn): CursorPosition | undefined {
  const state = run.priorState;
  if (!isCursorState(state)) return undefined;
  if (state.cursor_field.length !== 1 || state.cursor_field[0] !== cursor.name) {
    run.ctx.log('WARN', `The cursor of ${run.table.namespace}.${run.table.name} changed from ${state.cursor_field.join('.')} to ${cursor.name}; reading it from the start.`);
    return undefined;
  }
  return { cursor: state.cursor ?? null, count: Number(state.cursor_record_count ?? 0) };
}

export async function* readIncremental(run: StreamRun, cursor: SourceColumn): AsyncGenerator<SourceOutput> {
  const sql = new CursorSql(run, cursor);
  const stateOf = (p: CursorPosition): CursorState => ({
    state_type: 'cursor_based',
    version: 2,
    stream_name: run.descriptor.name,
    stream_namespace: run.descriptor.namespace,
    cursor_field: [cursor.name],
    cursor: p.cursor,
    cursor_record_count: p.count,
  });
  const prior = priorPosition(run, cursor);
  // NULL cursors have no place in the cursor order; such rows are read once, on the first sync.
  let pendingNulls = !prior;
  let position: CursorPosition = prior ?? { cursor: null, count: 0 };
  let sinceLastState = 0;

  if (position.cursor !== null && position.count > 0) {
    const ties = await sql.countEqual(position.cursor);
    if (ties > position.count) {
      const rest = `WHERE ${sql.column} = ${sql.literal(position.cursor)} ORDER BY ${sql.tieOrder} OFFSET ${position.count}`;
      const { batch, rowCount } = await copyChunk(run, rest);
      if (batch) yield batch;
      sinceLastState += rowCount;
    }
    position = { cursor: position.cursor, count: ties };
  }

  const windows = await sql.planWindows(position.cursor, run.tuning.chunkRows);
  for (const end of windows) {
    const range = `${sql.after(position.cursor)} AND ${sql.column} <= ${sql.literal(end.cursor)}`;
    const { batch, rowCount } = await copyChunk(run, `WHERE ${pendingNulls ? `${sql.column} IS NULL OR (${range})` : range}`);
    pendingNulls = false;
    if (batch) yield batch;
    position = { cursor: end.cursor, count: end.ties };
    yield streamStateMessage(run.descriptor, stateOf(position), sinceLastState + rowCount);
    sinceLastState = 0;
  }
  if (pendingNulls) {
    const { batch, rowCount } = await copyChunk(run, `WHERE ${sql.column} IS NULL`);
    if (batch) yield batch;
    sinceLastState += rowCount;
  }
  // No new cursor values still ends with a state, so every stream checkpoints at its end.
  if (windows.length === 0) yield streamStateMessage(run.descriptor, stateOf(position), sinceLastState);
}
