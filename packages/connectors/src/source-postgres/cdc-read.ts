// read with Logical Replication (CDC). In order:
//  1. confirm to the slot the position the saved state holds (the destination committed it);
//     a saved position the slot has already passed is an error, never a silent resync;
//  2. snapshot the CDC streams that have none yet, in a snapshot exported at a temporary
//     slot's consistent point (the first sync's state then starts at that point);
//  3. read full refresh streams as Standard mode does;
//  4. read the WAL from the saved position up to the position current when the sync started,
//     emitting changes with _ab_cdc_* columns and GLOBAL states at transaction boundaries.
// The slot's confirmed position never moves while reading: a failed or killed sync re-reads.
import pg from 'pg';
import { streamKey, streamStatusMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type StreamDescriptor } from '@platform/protocol';
import type { Pgoutput } from 'pg-logical-replication';
import type { SourceOutput } from '../framework/batches';
import type { ConnectorContext } from '../framework/connector';
import { configError, StreamsFailedError, transientError } from '../framework/errors';
import { cdcColumns } from './cdc-columns';
import { renderChanges, createChangesTable, unchangedColumns, type PendingChange } from './cdc-render';
import { exportSnapshot } from './cdc-snapshot';
import { CdcGlobalState, isSnapshotDone, snapshotDoneState } from './cdc-state';
import { confirmSlotPosition, currentWalPosition, idleSlotInfo, slotProblem } from './cdc-slot';
import { walEvents, WalIdleError } from './cdc-wal';
import type { CdcReplicationMethod, PostgresSourceConfig, ReadTuning } from './config';
import { READ_CONNECT_TIMEOUT_MS, connectWithSettings, errorContext } from './connection';
import { SpillDirectory } from './copy-chunk';
import { toConnectorError } from './errors';
import { formatLsn, parseLsn } from './lsn';
import { planStreams, readStream, streamFailed, supportsTidRangeScans, type ReadSession, type StreamPlan } from './read';
import { FULL_REFRESH_COMPLETE_STATE } from './state';

type ResolvedConfig = PostgresSourceConfig & Required<Pick<PostgresSourceConfig, 'schemas' | 'ssl_mode'>>;

const display = (d: StreamDescriptor) => `${d.namespace}.${d.name}`;
const relationKey = (schema: string, name: string) => `${schema}\u0000${name}`;

/** A third of the server's wal_sender_timeout (at most 10 s), so a status update always arrives in time. */
async function statusInterval(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ ms: number }>(`SELECT setting::int AS ms FROM pg_settings WHERE name = 'wal_sender_timeout'`);
  const timeout = rows[0]?.ms ?? 0;
  return timeout > 0 ? Math.max(100, Math.min(10_000, Math.floor(timeout / 3))) : 10_000;
}

/** How long a sync waits for the walsender of a sync that just ended to let go of the slot. */
const SLOT_RELEASE_WAIT_MS = 15_000;

/** At most this many changes wait in memory before they are rendered to a chunk. */
const walBatchRows = (tuning: ReadTuning) => Math.min(tuning.chunkRows, 20_000);

/** Commit time (microseconds since the epoch) as ISO-8601 with microseconds. */
function isoMicros(micros: bigint): string {
  const iso = new Date(Number(micros / 1000n)).toISOString();
  return iso.replace(/Z$/, `${String(micros % 1000n).padStart(3, '0')}Z`);
}

/** A CDC stream needs a primary key (deletes and dedup use it) and a place in the publication. */
async function checkCdcStreams(client: pg.Client, cdc: CdcReplicationMethod, plans: StreamPlan[]): Promise<void> {
  const { rows } = await client.query<{ schema: string; name: string }>('SELECT schemaname AS schema, tablename AS name FROM pg_publication_tables WHERE pubname = $1', [cdc.publication]);
  const published = new Set(rows.map((r) => relationKey(r.schema, r.name)));
  for (const plan of plans) {
    const name = display(plan.descriptor);
    const sqlName = `${pg.escapeIdentifier(plan.table.namespace)}.${pg.escapeIdentifier(plan.table.name)}`;
    if (plan.table.primaryKey.length === 0) {
      throw configError(`Stream ${name} has no primary key, which CDC needs to apply updates and deletes. Add a primary key, or sync the stream with Full Refresh.`);
    }
    if (!published.has(relationKey(plan.table.namespace, plan.table.name))) {
      throw configError(`Stream ${name} is not in publication "${cdc.publication}", so its changes never reach the slot. Run ALTER PUBLICATION ${pg.escapeIdentifier(cdc.publication)} ADD TABLE ${sqlName}; or sync the stream with Full Refresh.`);
    }
  }
}

/** Step 1: the slot confirms what the destination committed; a slot that moved past it has lost changes. */
async function confirmSavedPosition(client: pg.Client, config: ResolvedConfig, cdc: CdcReplicationMethod, saved: bigint | undefined): Promise<void> {
  const slot = await idleSlotInfo(client, cdc.replication_slot, SLOT_RELEASE_WAIT_MS);
  const problem = slotProblem(slot, cdc, config.database);
  if (problem || !slot) throw configError(problem ?? `Replication slot "${cdc.replication_slot}" is unusable.`);
  if (slot.activePid !== null) {
    throw transientError(
      `Replication slot "${cdc.replication_slot}" is being read by process ${slot.activePid}: another sync of this connection, or another consumer. ` +
        'The sync can be retried once it is released; a slot must serve one connection only.',
    );
  }
  if (saved === undefined || slot.confirmedFlush === null) return;
  if (saved < slot.confirmedFlush) {
    throw configError(
      `The connection's saved WAL position ${formatLsn(saved)} is older than replication slot "${cdc.replication_slot}"'s confirmed position ${formatLsn(slot.confirmedFlush)}: ` +
        'the changes in between are gone from the slot (another consumer used it, or it was dropped and re-created). ' +
        'Reset the connection to take a new snapshot, and give this connection a replication slot no one else reads.',
    );
  }
  if (saved > slot.confirmedFlush) await confirmSlotPosition(client, cdc.replication_slot, saved);
}

/** Full refresh chunk states become GLOBAL ones; a CDC snapshot's end marks the stream as fed by the WAL from then on. */
async function* asGlobalStates(inner: AsyncIterable<SourceOutput>, global: CdcGlobalState, isCdc: boolean): AsyncGenerator<SourceOutput> {
  for await (const item of inner) {
    if (item.type === 'STATE' && item.state.stream) {
      const d = item.state.stream.stream_descriptor;
      const own = item.state.stream.stream_state ?? {};
      global.set(d, isCdc && own.__ab_full_refresh_sync_complete === FULL_REFRESH_COMPLETE_STATE.__ab_full_refresh_sync_complete ? snapshotDoneState(d) : own);
      yield global.message(item.state.sourceStats?.recordCount);
      continue;
    }
    // A CDC stream completes when the WAL has been read, not when its snapshot ends.
    if (isCdc && item.type === 'TRACE' && item.trace.type === 'STREAM_STATUS') continue;
    yield item;
  }
}

interface WalRead {
  client: pg.Client;
  settings: pg.ClientConfig;
  cdc: Required<CdcReplicationMethod>;
  plans: StreamPlan[];
  global: CdcGlobalState;
  target: bigint;
  spill: SpillDirectory;
  tuning: ReadTuning;
  ctx: ConnectorContext;
}

/** Step 4: the WAL from the saved position to `target`. */
async function* readWal(read: WalRead): AsyncGenerator<SourceOutput> {
  const { global, target, ctx } = read;
  if (global.position === undefined || global.position >= target) return;
  let position = global.position;
  await createChangesTable(read.client);
  const plans = new Map(read.plans.map((p) => [relationKey(p.table.namespace, p.table.name), p]));
  const pending = new Map<StreamPlan, PendingChange[]>();
  const unchangedToast = new Map<StreamPlan, { updates: number; columns: Set<string> }>();
  const truncated = new Set<string>();
  let pendingRows = 0;
  let sinceState = 0;
  let committedAt = '';
  let inTransaction = false;
  const batchRows = walBatchRows(read.tuning);

  const add = (plan: StreamPlan, change: PendingChange) => {
    let list = pending.get(plan);
    if (!list) pending.set(plan, (list = []));
    list.push(change);
    pendingRows++;
  };
  async function* flush(): AsyncGenerator<SourceOutput> {
    for (const [plan, changes] of pending) {
      const batch = await renderChanges(read.client, read.spill, plan, changes, ctx.signal);
      if (batch) yield batch;
    }
    sinceState += pendingRows;
    pending.clear();
    pendingRows = 0;
  }
  function* checkpoint(): Generator<SourceOutput> {
    global.advanceTo(position);
    yield global.message(sinceState);
    sinceState = 0;
  }
  const onChange = (lsn: bigint, m: Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete) => {
    const plan = plans.get(relationKey(m.relation.schema, m.relation.name));
    if (!plan) return;
    const base = { lsn, committedAt };
    if (m.tag === 'delete') {
      add(plan, { ...base, deleted: true, values: (m.old ?? m.key ?? {}) as PendingChange['values'] });
      return;
    }
    if (m.tag === 'update') {
      // A changed primary key deletes the row under its old key.
      const old = m.key ?? m.old;
      if (old && plan.table.primaryKey.some((k) => old[k] != null && old[k] !== m.new[k])) add(plan, { ...base, deleted: true, values: old as PendingChange['values'] });
    }
    const change: PendingChange = { ...base, deleted: false, values: m.new as PendingChange['values'] };
    const unchanged = unchangedColumns(plan.table, change);
    if (unchanged.length > 0) {
      const seen = unchangedToast.get(plan) ?? { updates: 0, columns: new Set<string>() };
      seen.updates++;
      for (const c of unchanged) seen.columns.add(c);
      unchangedToast.set(plan, seen);
    }
    add(plan, change);
  };

  try {
    for await (const event of walEvents({
      settings: read.settings,
      slot: read.cdc.replication_slot,
      publication: read.cdc.publication,
      from: position,
      idleTimeoutMs: read.cdc.initial_waiting_seconds * 1000,
      statusIntervalMs: await statusInterval(read.client),
      signal: ctx.signal,
    })) {
      if (event.kind === 'keepalive') {
        // Decoded past the target with no transaction open: everything committed before it was sent.
        if (!inTransaction && event.walEnd >= target) {
          if (event.walEnd > position) position = event.walEnd;
          break;
        }
        continue;
      }
      const m = event.message;
      if (m.tag === 'begin') {
        inTransaction = true;
        committedAt = isoMicros(m.commitTime as bigint);
      } else if (m.tag === 'insert' || m.tag === 'update' || m.tag === 'delete') {
        onChange(event.lsn, m);
      } else if (m.tag === 'truncate') {
        for (const r of m.relations) {
          if (plans.has(relationKey(r.schema, r.name))) truncated.add(`${r.schema}.${r.name}`);
        }
      } else if (m.tag === 'commit') {
        inTransaction = false;
        position = parseLsn(m.commitEndLsn!);
        if (pendingRows >= batchRows || position >= target) {
          yield* flush();
          yield* checkpoint();
        }
        if (position >= target) break;
      }
      // One huge transaction is rendered in parts; its state waits for its commit.
      if (inTransaction && pendingRows >= 4 * batchRows) yield* flush();
    }
  } catch (err) {
    if (err instanceof WalIdleError) {
      throw transientError(`${err.message} while reading the WAL up to ${formatLsn(target)}. Check the server's load, or raise initial_waiting_seconds.`);
    }
    throw err;
  }
  yield* flush();
  yield* checkpoint();
  for (const [plan, seen] of unchangedToast) {
    ctx.log(
      'WARN',
      `${seen.updates} update(s) of ${display(plan.descriptor)} left the TOASTed column(s) ${[...seen.columns].join(', ')} out of the WAL (REPLICA IDENTITY is not FULL); ` +
        `their values were read from the table's current row, which may be newer than the change. For exact row images run ALTER TABLE ${pg.escapeIdentifier(plan.table.namespace)}.${pg.escapeIdentifier(plan.table.name)} REPLICA IDENTITY FULL;`,
    );
  }
  for (const name of truncated) ctx.log('WARN', `${name} was truncated; CDC does not replicate TRUNCATE as row deletes. Reset the stream to resync it.`);
}

export async function* readPostgresCdc(
  config: ResolvedConfig,
  cdc: Required<CdcReplicationMethod>,
  catalog: ConfiguredAirbyteCatalog,
  state: AirbyteStateMessage[] | undefined,
  ctx: ConnectorContext,
  tuning: ReadTuning,
): AsyncGenerator<SourceOutput> {
  const { client, settings } = await connectWithSettings(config, { connectTimeoutMs: READ_CONNECT_TIMEOUT_MS, ctx });
  let spill: SpillDirectory | undefined;
  try {
    let plans: Awaited<ReturnType<typeof planStreams>>;
    let tidRangeScans: boolean;
    let target: bigint;
    let global: CdcGlobalState;
    try {
      // "Current when the sync started": changes committed later wait for the next sync.
      target = await currentWalPosition(client);
      plans = await planStreams(client, config, catalog, ctx);
      tidRangeScans = await supportsTidRangeScans(client);
      const unreadableCdc = plans.find((p) => 'error' in p && catalog.streams.some((s) => s.sync_mode === 'incremental' && streamKey(s.stream) === streamKey(p.descriptor)));
      // A CDC stream cannot fail alone: the WAL position is shared, and moving it on would skip the stream's changes.
      if (unreadableCdc && 'error' in unreadableCdc) throw unreadableCdc.error;
      await checkCdcStreams(client, cdc, plans.filter((p): p is StreamPlan => !('error' in p) && p.cdc === true));
      // Under the names the streams resolved to, as their states are written.
      global = CdcGlobalState.from(state, plans.map((p) => p.descriptor), cdc.replication_slot, cdc.publication);
      await confirmSavedPosition(client, config, cdc, global.position);
    } catch (err) {
      throw toConnectorError(err, errorContext(config));
    }
    const cdcPlans = plans.filter((p): p is StreamPlan => !('error' in p) && p.cdc === true);
    spill = await SpillDirectory.create();
    const session: ReadSession = { client, config, state, spill, tuning, tidRangeScans, ctx, failures: [] };
    for (const plan of cdcPlans) yield streamStatusMessage(plan.descriptor, 'STARTED');

    const toSnapshot = cdcPlans.filter((p) => !isSnapshotDone(global.streamState(p.descriptor)));
    if (toSnapshot.length > 0) {
      const snapshot = await exportSnapshot(settings, client, cdc.initial_waiting_seconds * 1000).catch((err: unknown) => {
        throw toConnectorError(err, errorContext(config));
      });
      try {
        // The first snapshot fixes where the WAL is read from; a stream added later is
        // snapshotted after that point, and replaying the WAL from it stays consistent.
        if (global.position === undefined) global.advanceTo(snapshot.consistentPoint);
        const meta = cdcColumns({ lsn: `${snapshot.rowLsn}::numeric`, updatedAt: pg.escapeLiteral(new Date().toISOString()), deletedAt: 'NULL::text' });
        for (const plan of toSnapshot) {
          yield* asGlobalStates(readStream({ ...session, snapshotName: snapshot.name }, { ...plan, columns: [...plan.columns, ...meta] }), global, true);
          const failed = session.failures.find((f) => streamKey(f.stream) === streamKey(plan.descriptor));
          if (failed) throw failed.error;
        }
      } finally {
        await snapshot.close();
      }
    }
    for (const plan of plans) {
      if ('error' in plan) yield* streamFailed(plan.descriptor, plan.error, session.failures);
      else if (!plan.cdc) yield* asGlobalStates(readStream(session, plan), global, false);
    }
    if (cdcPlans.length > 0) {
      try {
        yield* readWal({ client, settings, cdc, plans: cdcPlans, global, target, spill, tuning, ctx });
      } catch (err) {
        throw toConnectorError(err, errorContext(config));
      }
    }
    yield global.message(0);
    for (const plan of cdcPlans) yield streamStatusMessage(plan.descriptor, 'COMPLETE');
    if (session.failures.length > 0) throw new StreamsFailedError(session.failures);
  } finally {
    await client.end().catch(() => {});
    await spill?.close();
  }
}
