// The baseline: `COPY (SELECT * FROM t) TO STDOUT | COPY t FROM STDIN` between the two databases,
// streamed in COPY's default text format (as pg_dump | psql moves data), no temp file, into a new
// table of the same columns, logged like the destination's tables. Runs in a child process.
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { BENCH_COLUMNS } from '../connector/source-table';
import type { PostgresEndpoint } from '../connector/endpoints';

export interface CopyBaselineInput {
  source: PostgresEndpoint;
  table: string;
  destination: PostgresEndpoint;
  /** Schema-qualified name of the table created (replaced) in the destination. */
  target: string;
}

export async function run(input: CopyBaselineInput): Promise<{ rows: number }> {
  const from = new pg.Client(input.source);
  const to = new pg.Client(input.destination);
  await Promise.all([from.connect(), to.connect()]);
  try {
    await to.query(`DROP TABLE IF EXISTS ${input.target}`);
    await to.query(`CREATE TABLE ${input.target} (${BENCH_COLUMNS.map((c) => `${c.name} ${c.pgType}`).join(', ')})`);
    const sink = to.query(copyFrom(`COPY ${input.target} FROM STDIN`));
    await pipeline(from.query(copyTo(`COPY (SELECT * FROM ${input.table}) TO STDOUT`)), sink);
    return { rows: Number(sink.rowCount) };
  } finally {
    await Promise.all([from.end(), to.end()]);
  }
}
