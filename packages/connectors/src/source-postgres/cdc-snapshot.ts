// The snapshot a CDC stream starts from. A temporary logical slot is created with an exported
// snapshot: that snapshot holds exactly the transactions committed before the slot's consistent
// point, and the connection's own slot, started at that point, streams exactly those committed
// after it. Nothing is missed and nothing applied twice.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { transientError } from '../framework/errors';
import { parseLsn } from './lsn';

export interface ExportedSnapshot {
  /** For SET TRANSACTION SNAPSHOT; valid while this snapshot is open. */
  name: string;
  /** The WAL position the snapshot is consistent with: replication resumes here. */
  consistentPoint: bigint;
  /**
   * Below every change the WAL can still deliver after the consistent point (the temporary
   * slot's restart position): snapshot rows carry it as their `_ab_cdc_lsn`, so a destination
   * ordering by `_ab_cdc_lsn` lets any later change of a row win over its snapshot image.
   */
  rowLsn: bigint;
  close(): Promise<void>;
}

/** Transactions that hold a new slot's consistent point back: those with a transaction id, oldest first. */
async function openTransactions(regular: pg.Client, self: number): Promise<string> {
  const { rows } = await regular.query<{ pid: number; since: string }>(
    `SELECT pid, to_char(xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since FROM pg_stat_activity
     WHERE backend_xid IS NOT NULL AND pid <> $1 ORDER BY xact_start LIMIT 3`,
    [self],
  );
  return rows.map((r) => `pid ${r.pid} since ${r.since}`).join(', ') || 'none left';
}

/**
 * Opens the temporary slot on a replication connection made with `settings` (those of a working
 * connection). Postgres makes the slot wait for every transaction already writing to end; after
 * `waitMs` the attempt is abandoned with an error naming them.
 */
export async function exportSnapshot(settings: pg.ClientConfig, regular: pg.Client, waitMs: number): Promise<ExportedSnapshot> {
  const client = new pg.Client({ ...settings, replication: 'database' } as pg.ClientConfig);
  client.on('error', () => {});
  await client.connect();
  const pid = (client as unknown as { processID: number }).processID;
  let timer: NodeJS.Timeout | undefined;
  try {
    const slot = `airlock_snapshot_${randomBytes(6).toString('hex')}`;
    // The walsender takes simple queries only, hence no parameters.
    const created = client.query<{ consistent_point: string; snapshot_name: string }>(`CREATE_REPLICATION_SLOT ${slot} TEMPORARY LOGICAL pgoutput (SNAPSHOT 'export')`);
    const waited = new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), waitMs)));
    const first = await Promise.race([created, waited]);
    if (first === 'waited') {
      const blockers = await openTransactions(regular, pid);
      await regular.query('SELECT pg_terminate_backend($1)', [pid]);
      await created.catch(() => {});
      throw transientError(
        `The snapshot waited ${Math.round(waitMs / 1000)} s for transactions that were already writing when it began (${blockers}). ` +
          'Postgres starts a replication snapshot only once they end: commit or end them, or raise initial_waiting_seconds.',
      );
    }
    const { rows } = first;
    const restart = await regular.query<{ lsn: string }>('SELECT restart_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    return {
      name: rows[0].snapshot_name,
      consistentPoint: parseLsn(rows[0].consistent_point),
      rowLsn: parseLsn(restart.rows[0].lsn),
      // Ending the connection drops the temporary slot and the exported snapshot with it.
      close: () => client.end().catch(() => {}),
    };
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
