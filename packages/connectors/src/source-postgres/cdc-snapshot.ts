// The snapshot a CDC stream starts from. A temporary logical slot is created with an exported
// snapshot: that snapshot holds exactly the transactions committed before the slot's consistent
// point, and the connection's own slot, started at that point, streams exactly those committed
// after it. Nothing is missed and nothing applied twice.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
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

/** Opens the temporary slot on a replication connection made with `settings` (those of a working connection). */
export async function exportSnapshot(settings: pg.ClientConfig, regular: pg.Client): Promise<ExportedSnapshot> {
  const client = new pg.Client({ ...settings, replication: 'database' } as pg.ClientConfig);
  client.on('error', () => {});
  await client.connect();
  try {
    const slot = `airlock_snapshot_${randomBytes(6).toString('hex')}`;
    // The walsender takes simple queries only, hence no parameters.
    const { rows } = await client.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${slot} TEMPORARY LOGICAL pgoutput (SNAPSHOT 'export')`,
    );
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
  }
}
