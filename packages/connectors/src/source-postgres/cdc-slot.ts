// The replication slot and publication CDC reads through: what check verifies (each problem
// with its fix), the slot's confirmed position, and confirming a position the destination has
// committed.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { CdcReplicationMethod } from './config';
import { formatLsn, parseLsn } from './lsn';

export interface SlotInfo {
  plugin: string | null;
  slotType: string;
  database: string | null;
  /** Changes committed before this position were consumed; the slot cannot replay them. */
  confirmedFlush: bigint | null;
  /** "lost" once Postgres removed WAL the slot needed. */
  walStatus: string | null;
  /** WAL the slot keeps on disk, in bytes. */
  retainedBytes: number;
  /** WAL written since the confirmed position, in bytes. */
  lagBytes: number;
  /** The process reading the slot now, if any. */
  activePid: number | null;
}

export async function slotInfo(client: pg.Client, slot: string): Promise<SlotInfo | undefined> {
  const { rows } = await client.query(
    `SELECT plugin, slot_type, database, confirmed_flush_lsn::text AS confirmed, wal_status, active_pid,
            COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::float8 AS retained,
            COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::float8 AS lag
     FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    plugin: r.plugin,
    slotType: r.slot_type,
    database: r.database,
    confirmedFlush: r.confirmed === null ? null : parseLsn(r.confirmed),
    walStatus: r.wal_status,
    retainedBytes: r.retained,
    lagBytes: r.lag,
    activePid: r.active_pid,
  };
}

const sqlString = (text: string) => pg.escapeLiteral(text);
const ident = (text: string) => pg.escapeIdentifier(text);
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Why the slot cannot serve this connection, with the statement that fixes it; undefined when it can. */
export function slotProblem(info: SlotInfo | undefined, cdc: CdcReplicationMethod, database: string): string | undefined {
  const create = `SELECT pg_create_logical_replication_slot(${sqlString(cdc.replication_slot)}, 'pgoutput');`;
  const recreate = `SELECT pg_drop_replication_slot(${sqlString(cdc.replication_slot)}); ${create}`;
  if (!info) return `Replication slot "${cdc.replication_slot}" does not exist. Create it in database "${database}": ${create}`;
  if (info.slotType !== 'logical') return `Replication slot "${cdc.replication_slot}" is a physical slot; CDC needs a logical one: ${recreate}`;
  if (info.database !== database) return `Replication slot "${cdc.replication_slot}" belongs to database "${info.database}", not "${database}". Create one in "${database}": ${create}`;
  if (info.plugin !== 'pgoutput') return `Replication slot "${cdc.replication_slot}" uses plugin "${info.plugin}"; this connector reads pgoutput: ${recreate}`;
  if (info.walStatus === 'lost') return `Replication slot "${cdc.replication_slot}" was invalidated: Postgres removed WAL it still needed. Re-create it (${recreate}) and reset the connection.`;
  return undefined;
}

interface PublishedTable {
  schema: string;
  name: string;
  hasPrimaryKey: boolean;
  /** pg_class.relreplident: d(efault), n(othing), f(ull), i(ndex). */
  replicaIdentity: string;
  /** Columns whose values may be stored out of line (TOAST). */
  toastable: boolean;
}

async function publishedTables(client: pg.Client, publication: string): Promise<PublishedTable[]> {
  const { rows } = await client.query(
    `SELECT t.schemaname AS schema, t.tablename AS name, c.relreplident::text AS replica_identity,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS has_pk,
            EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND ty.typstorage <> 'p') AS toastable
     FROM pg_publication_tables t
     JOIN pg_namespace n ON n.nspname = t.schemaname
     JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.tablename
     WHERE t.pubname = $1
     ORDER BY 1, 2`,
    [publication],
  );
  return rows.map((r) => ({ schema: r.schema, name: r.name, hasPrimaryKey: r.has_pk, replicaIdentity: r.replica_identity, toastable: r.toastable }));
}

export interface ReplicationReport {
  /** Each makes CDC impossible; each names its fix. */
  problems: string[];
  /** Worth knowing, not blocking: replica identity limits, WAL the slot holds. */
  notes: string[];
}

/** Everything check verifies for CDC: wal_level, REPLICATION, the slot, the publication and its tables. */
export async function inspectReplication(client: pg.Client, cdc: CdcReplicationMethod, database: string, username: string): Promise<ReplicationReport> {
  const problems: string[] = [];
  const notes: string[] = [];
  const { rows: settings } = await client.query<{ wal_level: string; replication: boolean }>(
    `SELECT current_setting('wal_level') AS wal_level,
            COALESCE((SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user), false) AS replication`,
  );
  if (settings[0].wal_level !== 'logical') {
    problems.push(`wal_level is "${settings[0].wal_level}"; CDC needs "logical". Run ALTER SYSTEM SET wal_level = logical; and restart Postgres.`);
  }
  if (!settings[0].replication) problems.push(`User "${username}" lacks the REPLICATION attribute. Run ALTER ROLE ${ident(username)} REPLICATION;`);

  const slot = await slotInfo(client, cdc.replication_slot);
  const slotIssue = slotProblem(slot, cdc, database);
  if (slotIssue) problems.push(slotIssue);
  else if (slot) {
    notes.push(`Replication slot "${cdc.replication_slot}" retains ${megabytes(slot.retainedBytes)} of WAL and is ${megabytes(slot.lagBytes)} behind the current WAL position.`);
  }

  const { rows: publications } = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [cdc.publication]);
  if (publications.length === 0) {
    problems.push(`Publication "${cdc.publication}" does not exist. Create it: CREATE PUBLICATION ${ident(cdc.publication)} FOR TABLE <the tables to replicate>;`);
    return { problems, notes };
  }
  const tables = await publishedTables(client, cdc.publication);
  if (tables.length === 0) problems.push(`Publication "${cdc.publication}" has no tables. Add them: ALTER PUBLICATION ${ident(cdc.publication)} ADD TABLE <tables>;`);
  for (const t of tables) {
    const name = `${ident(t.schema)}.${ident(t.name)}`;
    if (!t.hasPrimaryKey) {
      problems.push(`Table ${t.schema}.${t.name} in publication "${cdc.publication}" has no primary key: CDC needs one to apply updates and deletes. Add a primary key, or remove the table from the publication (ALTER PUBLICATION ${ident(cdc.publication)} DROP TABLE ${name};) and sync it with Full Refresh.`);
    } else if (t.replicaIdentity === 'n') {
      problems.push(`Table ${t.schema}.${t.name} has REPLICA IDENTITY NOTHING: its updates and deletes cannot be replicated. Run ALTER TABLE ${name} REPLICA IDENTITY DEFAULT;`);
    } else if (t.replicaIdentity !== 'f' && t.toastable) {
      notes.push(`Table ${t.schema}.${t.name} has REPLICA IDENTITY ${t.replicaIdentity === 'd' ? 'DEFAULT' : 'USING INDEX'}: an update that leaves a large (TOASTed) value unchanged does not carry it in the WAL, and the sync reads it from the table's current row. For exact row images run ALTER TABLE ${name} REPLICA IDENTITY FULL;`);
    }
  }
  return { problems, notes };
}

/**
 * The slot's state once no process reads it. The walsender of a sync that just ended may take
 * a moment to exit; a slot still held after `waitMs` is read by someone else.
 */
export async function idleSlotInfo(client: pg.Client, slot: string, waitMs: number): Promise<SlotInfo | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const info = await slotInfo(client, slot);
    if (!info || info.activePid === null || Date.now() >= deadline) return info;
    await sleep(100);
  }
}

/**
 * Tells the slot that every change before `lsn` is consumed, so Postgres may recycle that WAL.
 * Called with a position the destination has committed (the saved state), never while reading.
 */
export async function confirmSlotPosition(client: pg.Client, slot: string, lsn: bigint): Promise<void> {
  await client.query('SELECT pg_replication_slot_advance($1, $2::pg_lsn)', [slot, formatLsn(lsn)]);
}

export async function currentWalPosition(client: pg.Client): Promise<bigint> {
  const { rows } = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  return parseLsn(rows[0].lsn);
}
