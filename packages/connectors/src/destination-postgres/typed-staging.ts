// Overwrite with Basic normalization, without re-reading the raw table: the typed staging table
// is filled by a second COPY, on a second connection, from the same pass over each CSV chunk that
// fills the raw staging table (typed-lines.ts), so the two loads run side by side. Rows that pass
// cannot type with certainty are typed afterwards by normalization-sql.ts's own SELECT over their
// raw rows. A stream this does not fit (free-form fields, arrays, a column type without a
// converter, a batch that is not a scalar CSV chunk, too many rows left to SQL) is abandoned
// here and normalized by stageOverwrite as before, which replaces the partly filled table.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CsvFileBatch } from '../framework/batches';
import type { TypedOutput, ValueKind } from './csv-raw-lines';
import { IdentifierNamer, quoteIdentifier as q } from './identifiers';
import { freeFormPaths, planStream, type StreamPlan } from './normalization-plan';
import { columnDefinitions, columnList, selectFinal } from './normalization-sql';
import type { NormalizeTarget, Swap } from './normalize';
import { TypedLines } from './typed-lines';

/** Beyond this many rows left to SQL, typing them in the pass saves little: the stream goes to stageOverwrite (and memory stays bounded). */
export const MAX_SQL_ROWS = 100_000;
/** Rows typed by SQL per statement. */
const SQL_ROWS_PER_STATEMENT = 20_000;

const qualified = (schema: string, table: string) => `${q(schema)}.${q(table)}`;

export class TypedStaging {
  private readonly sqlRows: string[] = [];
  private abandoned = false;
  private readonly normalizedAt = new Date().toISOString();

  private constructor(
    private readonly schema: string,
    private readonly plan: StreamPlan,
    /** Unquoted staging name of the final table. */
    readonly staged: string,
  ) {}

  /** For an overwrite stream whose final table is only scalar columns: a staging to fill in the pass. */
  static forStream(target: NormalizeTarget): TypedStaging | undefined {
    const { configured } = target;
    if (configured.destination_sync_mode !== 'overwrite' || freeFormPaths(configured.stream.json_schema).length > 0) return undefined;
    // No free-form paths: nothing to infer from the data, so this is the plan stageOverwrite would make. Its own
    // namer: a child table's name taken here would make stageOverwrite name that table differently.
    const plan = planStream(configured.stream.name, target.finalName, configured.stream.json_schema, new IdentifierNamer(), new Map());
    if (plan.children.length > 0 || plan.final.columns.some((c) => c.pgType === 'jsonb')) return undefined;
    return new TypedStaging(target.schema, plan, target.stagingName(plan.final.name));
  }

  private get table(): string {
    return qualified(this.schema, this.staged);
  }

  /** Made (committed) before the load, so the second connection can COPY into it. */
  async create(client: pg.Client): Promise<void> {
    await client.query(`DROP TABLE IF EXISTS ${this.table}`);
    await client.query(`CREATE TABLE ${this.table} (${columnDefinitions(this.plan.final)})`);
  }

  /** Gives up on typing in the pass: stageOverwrite will build the table from the raw rows. */
  abandon(): void {
    this.abandoned = true;
    this.sqlRows.length = 0;
  }

  get active(): boolean {
    return !this.abandoned;
  }

  /** Rows the pass left to SQL so far. */
  get sqlRowCount(): number {
    return this.sqlRows.length;
  }

  /**
   * Starts the typed COPY of one chunk on `connection`; the caller pipes the chunk through a
   * CsvToRawLines given `output` and awaits `done`. Undefined (and the staging abandoned) when
   * this chunk's columns cannot be typed in the pass.
   */
  copyChunk(connection: pg.Client, batch: CsvFileBatch, kinds: ValueKind[], emittedAt: string): { output: TypedOutput; done: Promise<void> } | undefined {
    const lines = this.abandoned ? undefined : TypedLines.forChunk(batch.columns, kinds, this.plan.final, emittedAt, this.normalizedAt);
    if (!lines) {
      this.abandon();
      return undefined;
    }
    const sink = connection.query(copyFrom(`COPY ${this.table} (${columnList(this.plan.final)}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      sink.once('finish', resolve);
      sink.once('error', reject);
    });
    return { output: { lines, sink, sqlRows: this.sqlRows, maxSqlRows: MAX_SQL_ROWS }, done };
  }

  /** After the load: once a chunk left too many rows to SQL, the pass's typing is given up. */
  checkSqlRows(output: TypedOutput): void {
    if (output.sqlRows.length > MAX_SQL_ROWS) this.abandon();
  }

  /** Types the rows the pass left to SQL from the raw staging table `raw` (quoted); undefined when abandoned. */
  async finish(client: pg.Client, raw: string): Promise<Swap[] | undefined> {
    if (this.abandoned) return undefined;
    for (let i = 0; i < this.sqlRows.length; i += SQL_ROWS_PER_STATEMENT) {
      const rows = `(SELECT x._airbyte_ab_id, x._airbyte_emitted_at, x._airbyte_data FROM ${raw} x WHERE x._airbyte_ab_id = ANY($1::uuid[])) r`;
      await client.query(`INSERT INTO ${this.table} (${columnList(this.plan.final)}) ${selectFinal(this.plan, rows)}`, [this.sqlRows.slice(i, i + SQL_ROWS_PER_STATEMENT)]);
    }
    return [{ staged: this.staged, target: this.plan.final.name }];
  }
}
