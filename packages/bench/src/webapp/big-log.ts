// A 50 MB attempt log, written straight into attempt_logs the way the worker's AttemptLog
// appends it (one row per line), for the log viewer's figures.
import pg from 'pg';

/** Appends lines until the attempt's log reaches `bytes`; returns the line count. */
export async function writeBigLog(databaseUrl: string, jobId: number, attemptNumber: number, bytes: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM attempts WHERE job_id = $1 AND attempt_number = $2', [jobId, attemptNumber]);
    if (!rows[0]) throw new Error(`job ${jobId} has no attempt ${attemptNumber}`);
    // ~100-byte lines, like a replication's INFO lines.
    const lineSql = `format('2026-01-01T00:00:00.000Z INFO [source] read batch %s of table public.orders: 10000 rows, 1048576 bytes ok', g)`;
    const lineBytes = 96;
    const lines = Math.ceil(bytes / lineBytes);
    await client.query(`INSERT INTO attempt_logs (attempt_id, line) SELECT $1, ${lineSql} FROM generate_series(1, $2) AS g`, [rows[0].id, lines]);
    const { rows: total } = await client.query<{ n: number; bytes: string }>('SELECT count(*)::int AS n, sum(octet_length(line))::text AS bytes FROM attempt_logs WHERE attempt_id = $1', [rows[0].id]);
    return total[0].n;
  } finally {
    await client.end();
  }
}
