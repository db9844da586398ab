// Logical Replication (CDC) on a real Postgres with wal_level=logical: the snapshot, changes
// after it row by row, the slot's confirmed position (moved only for what a sync's saved state
// covers), a re-read after a failed sync, a stale saved position, and check's messages.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readMessages, type AirbyteRecordMessage, type AirbyteStateMessage, type AirbyteStream, type ConfiguredAirbyteCatalog } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { toProtocolMessages } from '../framework/expand';
import { CONNECTOR_BIN } from '../testing/cli';
import { collectOutput, expectUserMessage, loadFixtures, runConnectorProcess } from '../testing/index';
import { exportSnapshot } from './cdc-snapshot';
import type { PostgresSourceConfig } from './config';
import { sourcePostgres } from './index';
import { FIXTURES_DIR, startFixturePostgres, type FixturePostgres } from './test/postgres-fixture';

const SLOW = 180_000;
const logs: string[] = [];
const ctx: ConnectorContext = { log: (level, message) => logs.push(`${level} ${message}`) };

let db: FixturePostgres;
let standard: PostgresSourceConfig;
let cdc: PostgresSourceConfig;
const SLOT = 'airlock_slot';
const PUBLICATION = 'airlock_pub';

beforeAll(async () => {
  db = await startFixturePostgres({ logicalReplication: true });
  standard = (await loadFixtures<PostgresSourceConfig>(FIXTURES_DIR, db.vars)).config;
  cdc = { ...standard, replication_method: { method: 'CDC', replication_slot: SLOT, publication: PUBLICATION } };
  await db.sql(`
    CREATE TABLE public.cdc_customers (id int PRIMARY KEY, name text, amount numeric(12,2), seen_at timestamptz, payload jsonb, tags text[]);
    INSERT INTO public.cdc_customers SELECT g, 'name ' || g, g * 1.25, '2024-05-01 10:00:00.123456+00'::timestamptz + g * interval '1 hour', jsonb_build_object('n', g), ARRAY['t' || g, NULL]
      FROM generate_series(1, 500) AS g;
    CREATE TABLE public.no_pk (v int);
    CREATE PUBLICATION ${PUBLICATION} FOR TABLE public.cdc_customers;
  `);
  // A slot cannot be created in a transaction that wrote.
  await db.sql(`SELECT pg_create_logical_replication_slot('${SLOT}', 'pgoutput')`);
}, SLOW);

afterAll(async () => {
  await db?.stop();
}, SLOW);

async function catalogFor(config: PostgresSourceConfig, name: string, mode: 'incremental' | 'full_refresh'): Promise<ConfiguredAirbyteCatalog> {
  const stream = (await sourcePostgres.discover(config, ctx)).streams.find((s) => s.name === name) as AirbyteStream;
  return { streams: [{ stream, sync_mode: mode, destination_sync_mode: mode === 'incremental' ? 'append_dedup' : 'overwrite', primary_key: [['id']] }] };
}

async function read(state?: AirbyteStateMessage[], signal?: AbortSignal) {
  const out = await collectOutput(sourcePostgres.read(cdc, await catalogFor(cdc, 'cdc_customers', 'incremental'), state, { ...ctx, signal }));
  return out;
}

/** The table as a Standard full refresh reads it: the reference every CDC result is compared with. */
async function tableRows(): Promise<Map<number, Record<string, unknown>>> {
  const out = await collectOutput(sourcePostgres.read(standard, await catalogFor(standard, 'cdc_customers', 'full_refresh'), undefined, ctx));
  return new Map(out.records.map((r) => [r.data.id as number, r.data]));
}

const withoutCdc = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('_ab_cdc_')));

/** Applies records as an append_dedup destination does: the highest _ab_cdc_lsn per key wins, a delete removes the row. */
function apply(into: Map<number, { lsn: number; data: Record<string, unknown> | null }>, records: AirbyteRecordMessage[]): void {
  for (const r of records) {
    const id = r.data.id as number;
    const lsn = r.data._ab_cdc_lsn as number;
    const current = into.get(id);
    if (current && current.lsn > lsn) continue;
    into.set(id, { lsn, data: r.data._ab_cdc_deleted_at ? null : withoutCdc(r.data) });
  }
}

function materialized(model: Map<number, { lsn: number; data: Record<string, unknown> | null }>): Map<number, Record<string, unknown>> {
  return new Map([...model].filter(([, v]) => v.data !== null).map(([k, v]) => [k, v.data!]));
}

const sharedLsn = (state: AirbyteStateMessage | undefined) => (state?.global?.shared_state as { lsn: string } | undefined)?.lsn;
const slotConfirmed = async () => (await db.sql(`SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = '${SLOT}'`)).rows[0].lsn as string;

describe('CDC reads', () => {
  const model = new Map<number, { lsn: number; data: Record<string, unknown> | null }>();
  let afterSnapshot: AirbyteStateMessage[];

  it('the first sync is a snapshot equal to the table, with a GLOBAL state at its consistent point', async () => {
    const out = await read();
    expect(out.thrown).toBeUndefined();
    expect(out.records).toHaveLength(500);
    for (const r of out.records) {
      expect(r.data._ab_cdc_lsn).toEqual(expect.any(Number));
      expect(r.data._ab_cdc_updated_at).toEqual(expect.any(String));
      expect(r.data._ab_cdc_deleted_at).toBeNull();
    }
    apply(model, out.records);
    expect(materialized(model)).toEqual(await tableRows());
    expect(out.lastState?.type).toBe('GLOBAL');
    expect(sharedLsn(out.lastState)).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(out.lastState?.global?.stream_states).toEqual([
      { stream_descriptor: { name: 'cdc_customers', namespace: 'public' }, stream_state: { stream_name: 'cdc_customers', stream_namespace: 'public', cursor_field: [] } },
    ]);
    afterSnapshot = [out.lastState!];
  }, SLOW);

  it('inserts, updates and deletes after the snapshot arrive row by row, and the slot moves only at the next sync', async () => {
    await db.sql(`INSERT INTO public.cdc_customers VALUES (501, 'new', 9.99, '2024-06-01 00:00:00+00', '{"new": true}', ARRAY['x'])`);
    await db.sql(`UPDATE public.cdc_customers SET name = 'renamed', amount = 0.01 WHERE id = 7`);
    await db.sql(`DELETE FROM public.cdc_customers WHERE id = 8`);
    await db.sql(`BEGIN; UPDATE public.cdc_customers SET name = 'twice-1' WHERE id = 9; UPDATE public.cdc_customers SET name = 'twice-2' WHERE id = 9; COMMIT`);
    const out = await read(afterSnapshot);
    expect(out.thrown).toBeUndefined();
    const summary = out.records.map((r) => [r.data.id, r.data._ab_cdc_deleted_at ? 'delete' : 'upsert', r.data.name]);
    expect(summary).toEqual([
      [501, 'upsert', 'new'],
      [7, 'upsert', 'renamed'],
      [8, 'delete', null],
      [9, 'upsert', 'twice-1'],
      [9, 'upsert', 'twice-2'],
    ]);
    const lsns = out.records.map((r) => r.data._ab_cdc_lsn as number);
    expect([...lsns].sort((a, b) => a - b)).toEqual(lsns);
    // Updates carry the whole row; deletes the primary key.
    const table = await tableRows();
    expect(withoutCdc(out.records[1].data)).toEqual(table.get(7));
    expect(out.records[2].data).toMatchObject({ id: 8, _ab_cdc_deleted_at: expect.any(String) });
    apply(model, out.records);
    expect(materialized(model)).toEqual(table);
    // The sync confirmed the position the previous one saved, and reading did not move the slot further.
    expect(await slotConfirmed()).toBe(sharedLsn(afterSnapshot[0]));
    expect(sharedLsn(out.lastState)).not.toBe(sharedLsn(afterSnapshot[0]));
  }, SLOW);

  it('a sync that fails before its state is saved is read again, the same changes from the same position', async () => {
    const saved = [(await read(afterSnapshot)).lastState!];
    await db.sql(`UPDATE public.cdc_customers SET amount = amount + 1 WHERE id BETWEEN 20 AND 29`);
    await db.sql(`DELETE FROM public.cdc_customers WHERE id BETWEEN 30 AND 34`);
    const lost = await read(saved);
    expect(lost.records).toHaveLength(15);
    // The destination never committed `lost`: the next sync starts from `saved` again.
    const again = await read(saved);
    expect(again.records).toEqual(lost.records.map((r) => ({ ...r, emitted_at: expect.any(Number) })));
    expect(await slotConfirmed()).toBe(sharedLsn(saved[0]));
    apply(model, again.records);
    expect(materialized(model)).toEqual(await tableRows());
    afterSnapshot = [again.lastState!];
  }, SLOW);

  it('a sync killed mid-read resumes from the last state it emitted and loses nothing', async () => {
    process.env.SOURCE_POSTGRES_CHUNK_ROWS = '7';
    try {
      await db.sql(`INSERT INTO public.cdc_customers SELECT g, 'bulk ' || g, g, now(), '{}', '{}' FROM generate_series(1000, 1059) AS g`);
      for (let i = 0; i < 20; i++) await db.sql(`UPDATE public.cdc_customers SET name = 'pass ${i}' WHERE id = ${1000 + i}`);
      await db.sql(`DELETE FROM public.cdc_customers WHERE id BETWEEN 1040 AND 1049`);
      const received: AirbyteRecordMessage[] = [];
      let committed: AirbyteStateMessage | undefined;
      let states = 0;
      const ac = new AbortController();
      const catalog = await catalogFor(cdc, 'cdc_customers', 'incremental');
      for await (const m of toProtocolMessages(sourcePostgres.read(cdc, catalog, afterSnapshot, { ...ctx, signal: ac.signal }))) {
        if (m.type === 'RECORD') received.push(m.record);
        if (m.type === 'STATE') {
          committed = m.state;
          // The platform dies after committing the third checkpoint: the rest of this read is lost.
          if (++states === 3) break;
        }
      }
      expect(committed?.type).toBe('GLOBAL');
      const position = sharedLsn(committed);
      expect(position).not.toBe(sharedLsn(afterSnapshot[0]));
      const resumed = await read([committed!]);
      expect(resumed.thrown).toBeUndefined();
      apply(model, [...received, ...resumed.records]);
      expect(materialized(model)).toEqual(await tableRows());
      afterSnapshot = [resumed.lastState!];
      expect(await slotConfirmed()).toBe(position);
    } finally {
      delete process.env.SOURCE_POSTGRES_CHUNK_ROWS;
    }
  }, SLOW);

  it('changes made while the snapshot and the WAL are read arrive, and the result equals the table', async () => {
    await db.sql(`CREATE TABLE public.cdc_busy (id int PRIMARY KEY, v int, note text); INSERT INTO public.cdc_busy SELECT g, 0, 'start' FROM generate_series(1, 2000) AS g;
                  ALTER PUBLICATION ${PUBLICATION} ADD TABLE public.cdc_busy`);
    // A connection of its own, with its own slot: sharing one would make the other's saved position stale.
    await db.sql(`SELECT pg_create_logical_replication_slot('busy_slot', 'pgoutput')`);
    const busy = { ...cdc, replication_method: { method: 'CDC', replication_slot: 'busy_slot', publication: PUBLICATION } } as PostgresSourceConfig;
    const catalog = await catalogFor(busy, 'cdc_busy', 'incremental');
    const busyModel = new Map<number, { lsn: number; data: Record<string, unknown> | null }>();
    let writing = true;
    let step = 0;
    // A bounded writer in its own transactions, concurrent with each sync.
    const writer = (async () => {
      while (writing && step < 400) {
        const id = 1 + ((step * 37) % 2100);
        await db.sql(
          step % 5 === 4 ? `DELETE FROM public.cdc_busy WHERE id = ${id}` : `INSERT INTO public.cdc_busy VALUES (${id}, ${step}, 'w') ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, note = 'u'`,
        );
        step++;
      }
    })();
    let state: AirbyteStateMessage[] | undefined;
    for (let sync = 0; sync < 3; sync++) {
      const out = await collectOutput(sourcePostgres.read(busy, catalog, state, ctx));
      expect(out.thrown).toBeUndefined();
      apply(busyModel, out.records);
      state = [out.lastState!];
    }
    writing = false;
    await writer;
    const last = await collectOutput(sourcePostgres.read(busy, catalog, state, ctx));
    apply(busyModel, last.records);
    const reference = await collectOutput(sourcePostgres.read(standard, await catalogFor(standard, 'cdc_busy', 'full_refresh'), undefined, ctx));
    expect(step).toBeGreaterThan(0);
    expect(materialized(busyModel)).toEqual(new Map(reference.records.map((r) => [r.data.id as number, r.data])));
  }, SLOW);

  it('a consumer pausing longer than wal_sender_timeout keeps its replication connection, and the slot stays at the saved position', async () => {
    await db.sql(`ALTER SYSTEM SET wal_sender_timeout = '1s'`);
    await db.sql('SELECT pg_reload_conf()');
    // One transaction per chunk, so records reach the consumer while the slot is still being read.
    process.env.SOURCE_POSTGRES_CHUNK_ROWS = '1';
    try {
      for (let i = 0; i < 5; i++) await db.sql(`UPDATE public.cdc_customers SET amount = amount + 1 WHERE id = ${100 + i}`);
      const catalog = await catalogFor(cdc, 'cdc_customers', 'incremental');
      const records: AirbyteRecordMessage[] = [];
      let last: AirbyteStateMessage | undefined;
      let walsenderAfterPause: unknown = 'not checked';
      for await (const m of toProtocolMessages(sourcePostgres.read(cdc, catalog, afterSnapshot, ctx))) {
        if (m.type === 'RECORD' && records.push(m.record) === 1) {
          // The consumer (a destination busy uploading) stops reading for three server timeouts.
          await new Promise((resolve) => setTimeout(resolve, 3000));
          walsenderAfterPause = (await db.sql(`SELECT active_pid FROM pg_replication_slots WHERE slot_name = '${SLOT}'`)).rows[0].active_pid;
        }
        if (m.type === 'STATE') last = m.state;
      }
      expect(walsenderAfterPause).toEqual(expect.any(Number));
      expect(records.map((r) => r.data.id)).toEqual([100, 101, 102, 103, 104]);
      expect(await slotConfirmed()).toBe(sharedLsn(afterSnapshot[0]));
      apply(model, records);
      expect(materialized(model)).toEqual(await tableRows());
      afterSnapshot = [last!];
    } finally {
      delete process.env.SOURCE_POSTGRES_CHUNK_ROWS;
      await db.sql('ALTER SYSTEM RESET wal_sender_timeout');
      await db.sql('SELECT pg_reload_conf()');
    }
  }, SLOW);

  it('a saved position older than the slot is a clear error naming the fix, not a resync', async () => {
    const old = afterSnapshot;
    await db.sql(`INSERT INTO public.cdc_customers VALUES (2000, 'x', 1, now(), '{}', '{}')`);
    const newer = await read(old);
    expect(newer.thrown).toBeUndefined();
    // Something else consumes the slot past the saved position.
    await db.sql(`SELECT pg_replication_slot_advance('${SLOT}', '${sharedLsn(newer.lastState)}')`);
    const out = await read(old);
    expect(out.records).toHaveLength(0);
    const error = out.thrown as { message: string; failureType: string };
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(`saved WAL position ${sharedLsn(old[0])} is older than replication slot "${SLOT}"'s confirmed position ${sharedLsn(newer.lastState)}`);
    expect(error.message).toContain('Reset the connection');
    expectUserMessage(error.message);
    afterSnapshot = [newer.lastState!];
  }, SLOW);
});

describe('CDC through the CLI', () => {
  it('a connector process killed with SIGKILL mid-read is resumed from the last state it printed, losing nothing', async () => {
    await db.sql(`CREATE TABLE public.cdc_cli (id int PRIMARY KEY, v int); INSERT INTO public.cdc_cli SELECT g, 0 FROM generate_series(1, 100) AS g;
                  ALTER PUBLICATION ${PUBLICATION} ADD TABLE public.cdc_cli`);
    await db.sql(`SELECT pg_create_logical_replication_slot('cli_slot', 'pgoutput')`);
    const config = { ...cdc, replication_method: { method: 'CDC', replication_slot: 'cli_slot', publication: PUBLICATION } } as PostgresSourceConfig;
    const catalog = await catalogFor(config, 'cdc_cli', 'incremental');
    const cliModel = new Map<number, { lsn: number; data: Record<string, unknown> | null }>();
    const first = await runConnectorProcess('source-postgres', 'read', { config, catalog });
    expect(first.exitCode).toBe(0);
    apply(cliModel, first.records);
    for (let i = 1; i <= 40; i++) await db.sql(i % 4 === 0 ? `DELETE FROM public.cdc_cli WHERE id = ${i}` : `UPDATE public.cdc_cli SET v = ${i} WHERE id = ${i}`);

    // Killed after its second checkpoint (chunks of 5 changes): the platform keeps that state and the records before it.
    const dir = await mkdtemp(join(tmpdir(), 'cdc-cli-'));
    const files = { config: join(dir, 'config.json'), catalog: join(dir, 'catalog.json'), state: join(dir, 'state.json') };
    await writeFile(files.config, JSON.stringify(config));
    await writeFile(files.catalog, JSON.stringify(catalog));
    await writeFile(files.state, JSON.stringify([first.lastState]));
    const child = spawn(process.execPath, [CONNECTOR_BIN, 'source-postgres', 'read', '--config', files.config, '--catalog', files.catalog, '--state', files.state], {
      env: { ...process.env, SOURCE_POSTGRES_CHUNK_ROWS: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise((resolve) => child.once('close', resolve));
    const beforeKill: AirbyteRecordMessage[] = [];
    let kept: AirbyteStateMessage | undefined;
    let states = 0;
    for await (const m of readMessages(child.stdout)) {
      if (m.type === 'RECORD') beforeKill.push(m.record);
      if (m.type === 'STATE' && ++states === 2) {
        kept = m.state;
        child.kill('SIGKILL');
        break;
      }
    }
    await closed;
    await rm(dir, { recursive: true, force: true });
    expect(kept?.type).toBe('GLOBAL');
    const recordsUpToState = beforeKill.length;
    expect(recordsUpToState).toBeGreaterThan(0);
    expect(recordsUpToState).toBeLessThan(40);

    const resumed = await runConnectorProcess('source-postgres', 'read', { config, catalog, state: [kept] });
    expect(resumed.exitCode).toBe(0);
    apply(cliModel, [...beforeKill, ...resumed.records]);
    const reference = await collectOutput(sourcePostgres.read(standard, await catalogFor(standard, 'cdc_cli', 'full_refresh'), undefined, ctx));
    expect(materialized(cliModel)).toEqual(new Map(reference.records.map((r) => [r.data.id as number, r.data])));
  }, SLOW);
});

describe('CDC row images', () => {
  it('an update leaving a TOASTed value unchanged still carries it, with a warning naming the fix', async () => {
    await db.sql(`CREATE TABLE public.cdc_docs (id int PRIMARY KEY, title text, body text);
                  ALTER TABLE public.cdc_docs ALTER COLUMN body SET STORAGE EXTERNAL;
                  INSERT INTO public.cdc_docs SELECT g, 't' || g, repeat(md5(g::text), 400) FROM generate_series(1, 3) AS g;
                  ALTER PUBLICATION ${PUBLICATION} ADD TABLE public.cdc_docs`);
    const catalog = await catalogFor(cdc, 'cdc_docs', 'incremental');
    const first = await collectOutput(sourcePostgres.read(cdc, catalog, undefined, ctx));
    await db.sql(`UPDATE public.cdc_docs SET title = 'changed' WHERE id = 2`);
    await db.sql(`UPDATE public.cdc_docs SET id = 30 WHERE id = 3`);
    logs.length = 0;
    const out = await collectOutput(sourcePostgres.read(cdc, catalog, [first.lastState!], ctx));
    const summary = out.records.map((r) => [r.data.id, r.data._ab_cdc_deleted_at ? 'delete' : 'upsert', r.data.title, typeof r.data.body === 'string' ? (r.data.body as string).length : r.data.body]);
    expect(summary).toEqual([
      [2, 'upsert', 'changed', 12_800],
      // A changed primary key deletes the row under its old key.
      [3, 'delete', null, null],
      [30, 'upsert', 't3', 12_800],
    ]);
    expect(logs.join('\n')).toContain('left the TOASTed column(s) body out of the WAL');
    expect(logs.join('\n')).toContain('ALTER TABLE "public"."cdc_docs" REPLICA IDENTITY FULL;');
  }, SLOW);
});

describe('CDC snapshots', () => {
  it('a snapshot killed midway resumes at its last checkpoint, and changes made meanwhile arrive through the WAL', async () => {
    await db.sql(`CREATE TABLE public.cdc_big (id int PRIMARY KEY, v text); INSERT INTO public.cdc_big SELECT g, repeat('v', 100) FROM generate_series(1, 3000) AS g;
                  ANALYZE public.cdc_big; ALTER PUBLICATION ${PUBLICATION} ADD TABLE public.cdc_big`);
    await db.sql(`SELECT pg_create_logical_replication_slot('big_slot', 'pgoutput')`);
    const big = { ...cdc, replication_method: { method: 'CDC', replication_slot: 'big_slot', publication: PUBLICATION } } as PostgresSourceConfig;
    const catalog = await catalogFor(big, 'cdc_big', 'incremental');
    const bigModel = new Map<number, { lsn: number; data: Record<string, unknown> | null }>();
    process.env.SOURCE_POSTGRES_CHUNK_ROWS = '500';
    let committed: AirbyteStateMessage | undefined;
    try {
      const received: AirbyteRecordMessage[] = [];
      let states = 0;
      for await (const m of toProtocolMessages(sourcePostgres.read(big, catalog, undefined, ctx))) {
        if (m.type === 'RECORD') received.push(m.record);
        if (m.type === 'STATE') {
          committed = m.state;
          if (++states === 2) break;
        }
      }
      expect(committed?.global?.stream_states[0].stream_state).toMatchObject({ state_type: 'ctid' });
      apply(bigModel, received);
    } finally {
      delete process.env.SOURCE_POSTGRES_CHUNK_ROWS;
    }
    // Changes on pages read and not yet read, while no sync runs.
    await db.sql(`UPDATE public.cdc_big SET v = 'early' WHERE id IN (1, 2, 2999); DELETE FROM public.cdc_big WHERE id IN (3, 2998); INSERT INTO public.cdc_big VALUES (5000, 'new')`);
    let state = [committed!];
    for (let sync = 0; sync < 2; sync++) {
      const out = await collectOutput(sourcePostgres.read(big, catalog, state, ctx));
      expect(out.thrown).toBeUndefined();
      apply(bigModel, out.records);
      state = [out.lastState!];
    }
    const reference = await collectOutput(sourcePostgres.read(standard, await catalogFor(standard, 'cdc_big', 'full_refresh'), undefined, ctx));
    expect(materialized(bigModel)).toEqual(new Map(reference.records.map((r) => [r.data.id as number, r.data])));
  }, SLOW);

  it('a snapshot held back by a transaction already writing gives up after the wait, naming that transaction', async () => {
    const settings = { host: db.vars.HOST, port: db.vars.PORT, database: db.vars.DATABASE, user: db.vars.USERNAME, password: db.vars.PASSWORD };
    const regular = new pg.Client(settings);
    const writer = new pg.Client(settings);
    await Promise.all([regular.connect(), writer.connect()]);
    try {
      await writer.query(`BEGIN; UPDATE public.cdc_customers SET name = name WHERE id = 1`);
      const error = await exportSnapshot(settings, regular, 1500).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(error?.message).toContain(`for transactions that were already writing when it began (pid ${(writer as unknown as { processID: number }).processID} since `);
      expect(error?.message).toContain('commit or end them, or raise initial_waiting_seconds');
      // The temporary slot goes with its ended backend.
      await vi.waitFor(async () => {
        expect((await regular.query(`SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name LIKE 'airlock_snapshot_%'`)).rows[0].n).toBe(0);
      }, { timeout: 10_000 });
      await writer.query('COMMIT');
      const snapshot = await exportSnapshot(settings, regular, 60_000);
      expect(snapshot.rowLsn <= snapshot.consistentPoint).toBe(true);
      await snapshot.close();
    } finally {
      await writer.end();
      await regular.end();
    }
  }, SLOW);

  it('a catalog naming streams without their namespace keeps each snapshot done', async () => {
    await db.sql(`CREATE TABLE public.cdc_plain (id int PRIMARY KEY, v text); INSERT INTO public.cdc_plain VALUES (1, 'a'), (2, 'b');
                  ALTER PUBLICATION ${PUBLICATION} ADD TABLE public.cdc_plain`);
    await db.sql(`SELECT pg_create_logical_replication_slot('plain_slot', 'pgoutput')`);
    const plain = { ...cdc, replication_method: { method: 'CDC', replication_slot: 'plain_slot', publication: PUBLICATION } } as PostgresSourceConfig;
    const stream = (await sourcePostgres.discover(plain, ctx)).streams.find((s) => s.name === 'cdc_plain')!;
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream: { ...stream, namespace: undefined }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' }] };
    const first = await collectOutput(sourcePostgres.read(plain, catalog, undefined, ctx));
    expect(first.records).toHaveLength(2);
    await db.sql(`UPDATE public.cdc_plain SET v = 'changed' WHERE id = 2`);
    const second = await collectOutput(sourcePostgres.read(plain, catalog, [first.lastState!], ctx));
    expect(second.records.map((r) => [r.data.id, r.data.v])).toEqual([[2, 'changed']]);
  }, SLOW);

  it('a slot another process keeps reading fails the sync as transient, naming that process', async () => {
    await db.sql(`SELECT pg_create_logical_replication_slot('held_slot', 'pgoutput')`);
    const held = { ...cdc, replication_method: { method: 'CDC', replication_slot: 'held_slot', publication: PUBLICATION } } as PostgresSourceConfig;
    const catalog = await catalogFor(held, 'cdc_customers', 'incremental');
    const first = await collectOutput(sourcePostgres.read(held, catalog, undefined, ctx));
    expect(first.thrown).toBeUndefined();
    const other = new LogicalReplicationService({ host: db.vars.HOST, port: db.vars.PORT, database: db.vars.DATABASE, user: db.vars.USERNAME, password: db.vars.PASSWORD }, { acknowledge: { auto: false, timeoutSeconds: 0 } });
    other.on('error', () => {});
    const started = new Promise((resolve) => other.once('start', resolve));
    void other.subscribe(new PgoutputPlugin({ protoVersion: 1, publicationNames: [PUBLICATION] }), 'held_slot').catch(() => {});
    await started;
    try {
      const pid = (await db.sql(`SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'held_slot'`)).rows[0].active_pid;
      const out = await collectOutput(sourcePostgres.read(held, catalog, [first.lastState!], ctx));
      const error = out.thrown as { message: string; failureType: string };
      expect(error.failureType).toBe('transient_error');
      expect(error.message).toContain(`Replication slot "held_slot" is being read by process ${pid}`);
    } finally {
      await other.destroy();
    }
  }, SLOW);

  it('full refresh streams of a CDC source are read whole each sync, their states inside the GLOBAL state', async () => {
    const streams = (await sourcePostgres.discover(cdc, ctx)).streams;
    const catalog: ConfiguredAirbyteCatalog = {
      streams: [
        { stream: streams.find((s) => s.name === 'cdc_customers')!, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['id']] },
        { stream: streams.find((s) => s.name === 'no_pk')!, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
      ],
    };
    await db.sql(`SELECT pg_create_logical_replication_slot('mixed_slot', 'pgoutput')`);
    await db.sql(`INSERT INTO public.no_pk VALUES (1), (2)`);
    const mixed = { ...cdc, replication_method: { method: 'CDC', replication_slot: 'mixed_slot', publication: PUBLICATION } } as PostgresSourceConfig;
    const first = await collectOutput(sourcePostgres.read(mixed, catalog, undefined, ctx));
    expect(first.thrown).toBeUndefined();
    expect(first.states.every((s) => s.type === 'GLOBAL')).toBe(true);
    expect(first.lastState?.global?.stream_states.map((s) => s.stream_descriptor.name).sort()).toEqual(['cdc_customers', 'no_pk']);
    await db.sql(`UPDATE public.cdc_customers SET name = 'mixed' WHERE id = 1`);
    const second = await collectOutput(sourcePostgres.read(mixed, catalog, [first.lastState!], ctx));
    expect(second.thrown).toBeUndefined();
    expect(second.records.filter((r) => r.stream === 'no_pk')).toHaveLength(2);
    expect(second.records.filter((r) => r.stream === 'cdc_customers').map((r) => r.data.name)).toEqual(['mixed']);
  }, SLOW);
});

describe('CDC values', () => {
  it('a row read from the WAL equals the same row read by a full refresh, type by type', async () => {
    await db.sql(`
      CREATE TYPE mood AS ENUM ('sad', 'happy');
      CREATE TABLE public.cdc_types (
        id bigint PRIMARY KEY, i2 smallint, f4 real, f8 double precision, n numeric, n52 numeric(5,2), b boolean, d date,
        ts timestamp, tstz timestamptz, t time, ttz timetz, iv interval, u uuid, j json, jb jsonb, by bytea, m mood,
        txt text, ch char(3), ints int[], stamps timestamptz[], texts text[], bys bytea[]);
      ALTER PUBLICATION ${PUBLICATION} ADD TABLE public.cdc_types`);
    const catalog = await catalogFor(cdc, 'cdc_types', 'incremental');
    const first = await collectOutput(sourcePostgres.read(cdc, catalog, undefined, ctx));
    await db.sql(`INSERT INTO public.cdc_types VALUES
      (1, -32768, 1.5e-7, 1.0000000000000002, 123456789012345678901234567890.123456789, 999.99, true, '0044-03-15 BC',
       '2024-02-29 23:59:59.999999', '0044-03-15 10:00:00.5+00 BC', '23:59:59.999999', '10:00:00+05:30', '1 year 2 mons 3 days 04:05:06.7', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
       '{"b": 1, "a": [1, 2.50]}', '{"z": null, "a": "ü \\" quote"}', '\\x00ff0a', 'happy', E'tab\there, "quotes", comma\nnewline', 'ab',
       '{1,NULL,3}', '{"2024-01-01 00:00:00+00",NULL}', '{"a,b","c\\"d",NULL}', '{"\\\\x00ff"}'),
      (2, NULL, 'NaN', '-Infinity', NULL, NULL, NULL, 'infinity', '-infinity', NULL, NULL, NULL, NULL, NULL, 'null', '[]', '\\x', NULL, '', NULL, '{}', NULL, '{""}', NULL)`);
    await db.sql(`UPDATE public.cdc_types SET txt = txt || '!' WHERE id = 1`);
    const out = await collectOutput(sourcePostgres.read(cdc, catalog, [first.lastState!], ctx));
    expect(out.thrown).toBeUndefined();
    const reference = await collectOutput(sourcePostgres.read(standard, await catalogFor(standard, 'cdc_types', 'full_refresh'), undefined, ctx));
    const latest = new Map(out.records.map((r) => [r.data.id, withoutCdc(r.data)]));
    expect(reference.records).toHaveLength(2);
    for (const r of reference.records) expect(latest.get(r.data.id)).toEqual(r.data);
  }, SLOW);
});

describe('CDC catalog', () => {
  it('replicated tables get the _ab_cdc_ columns and the source-defined cursor; a table without a primary key is full refresh only', async () => {
    const streams = (await sourcePostgres.discover(cdc, ctx)).streams;
    const customers = streams.find((s) => s.name === 'cdc_customers')!;
    expect(customers.source_defined_cursor).toBe(true);
    expect(customers.default_cursor_field).toEqual(['_ab_cdc_lsn']);
    expect(customers.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
    expect(Object.keys((customers.json_schema as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['id', '_ab_cdc_lsn', '_ab_cdc_updated_at', '_ab_cdc_deleted_at']),
    );
    const noPk = streams.find((s) => s.name === 'no_pk')!;
    expect(noPk.supported_sync_modes).toEqual(['full_refresh']);
    expect(noPk.source_defined_cursor).toBe(false);
  }, SLOW);

  it('an incremental stream outside the publication fails the read with the statement that adds it', async () => {
    const stream = (await sourcePostgres.discover(standard, ctx)).streams.find((s) => s.name === 'no_pk')!;
    const out = await collectOutput(
      sourcePostgres.read(cdc, { streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append' }] }, undefined, ctx),
    );
    expect((out.thrown as Error).message).toContain('Stream public.no_pk has no primary key');
    await db.sql('CREATE TABLE public.cdc_unpublished (id int PRIMARY KEY)');
    const unpublished = (await sourcePostgres.discover(standard, ctx)).streams.find((s) => s.name === 'cdc_unpublished')!;
    const out2 = await collectOutput(
      sourcePostgres.read(cdc, { streams: [{ stream: unpublished, sync_mode: 'incremental', destination_sync_mode: 'append' }] }, undefined, ctx),
    );
    expect((out2.thrown as Error).message).toContain(`Stream public.cdc_unpublished is not in publication "${PUBLICATION}". `.slice(0, 60));
    expect((out2.thrown as Error).message).toContain(`ALTER PUBLICATION "${PUBLICATION}" ADD TABLE "public"."cdc_unpublished";`);
  }, SLOW);
});

describe('CDC check names each fix', () => {
  const withMethod = (method: Partial<{ replication_slot: string; publication: string }>) =>
    ({ ...cdc, replication_method: { method: 'CDC', replication_slot: SLOT, publication: PUBLICATION, ...method } }) as PostgresSourceConfig;

  it('succeeds and reports the WAL the slot retains', async () => {
    const status = await sourcePostgres.check(cdc, ctx);
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message).toMatch(new RegExp(`Replication slot "${SLOT}" retains [0-9.]+ MB of WAL and is [0-9.]+ MB behind`));
  }, SLOW);

  it.each([
    ['a missing slot', { replication_slot: 'nope_slot' }, `Replication slot "nope_slot" does not exist. Create it in database "source_db": SELECT pg_create_logical_replication_slot('nope_slot', 'pgoutput');`],
    ['a missing publication', { publication: 'nope_pub' }, `Publication "nope_pub" does not exist. Create it: CREATE PUBLICATION "nope_pub" FOR TABLE`],
  ])('%s', async (_, method, expected) => {
    const status = await sourcePostgres.check(withMethod(method), ctx);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain(expected);
    expectUserMessage(status.message);
  }, SLOW);

  it('a published table without a primary key', async () => {
    await db.sql(`CREATE PUBLICATION bad_pub FOR TABLE public.no_pk`);
    const status = await sourcePostgres.check(withMethod({ publication: 'bad_pub' }), ctx);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('Table public.no_pk in publication "bad_pub" has no primary key');
    expect(status.message).toContain('ALTER PUBLICATION "bad_pub" DROP TABLE "public"."no_pk";');
  }, SLOW);

  it('a user without REPLICATION', async () => {
    await db.sql(`CREATE ROLE plain_user LOGIN PASSWORD 'plain-pass-1'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO plain_user`);
    const status = await sourcePostgres.check({ ...cdc, username: 'plain_user', password: 'plain-pass-1' }, ctx);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('User "plain_user" lacks the REPLICATION attribute. Run ALTER ROLE "plain_user" REPLICATION;');
    expect(status.message).not.toContain('plain-pass-1');
  }, SLOW);
});
