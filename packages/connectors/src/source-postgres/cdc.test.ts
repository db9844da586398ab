// Logical Replication (CDC) on a real Postgres with wal_level=logical: the snapshot, changes
// after it row by row, the slot's confirmed position (moved only for what a sync's saved state
// covers), a re-read after a failed sync, a stale saved position, and check's messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteRecordMessage, AirbyteStateMessage, AirbyteStream, ConfiguredAirbyteCatalog } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { collectOutput, expectUserMessage, loadFixtures } from '../testing/index';
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
});
