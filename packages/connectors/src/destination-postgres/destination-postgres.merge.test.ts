// append_dedup syncs merge only the keys they touch (merge.ts). On a real embedded Postgres, after
// every sync the final and child tables are compared row by row with a rebuild from the whole raw
// table (what every sync did before) and with the expected rows of a model of deduplication, over
// updates, deletes, re-inserts, out-of-order cursors, duplicate keys in one sync, a NULL cursor, a
// composite key spelled two ways, nested objects and arrays; and a sync SIGKILLed mid-merge.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeMessage, streamStateMessage, type AirbyteMessage, type ConfiguredAirbyteCatalog, type JsonSchema } from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import { loadFixtures } from '../testing/index';
import { IdentifierNamer, quoteIdentifier as q } from './identifiers';
import { destinationPostgres, type PostgresDestinationConfig } from './index';
import { stageDeduplicated } from './normalize';
import { FIXTURES_DIR, spawnCliWriter, startDestinationPostgres, type DestinationPostgres } from './test/postgres-fixture';

const SLOW = 180_000;
const ctx = { log: () => {} };

let db: DestinationPostgres;
let config: PostgresDestinationConfig;

beforeAll(async () => {
  db = await startDestinationPostgres();
  config = (await loadFixtures<PostgresDestinationConfig>(FIXTURES_DIR, db.vars)).config;
}, SLOW);

afterAll(async () => {
  await db?.stop();
}, SLOW);

const rows = async <R extends pg.QueryResultRow = Record<string, unknown>>(text: string) => (await db.sql<R>(text)).rows;
const oidOf = async (table: string) => (await rows<{ oid: number }>(`SELECT 'public.${q(table)}'::regclass::oid::int AS oid`))[0].oid;

type Row = Record<string, unknown>;

const dedupCatalog = (name: string, properties: Record<string, JsonSchema>, primaryKey: string[][], cursor: string[]): ConfiguredAirbyteCatalog => ({
  streams: [
    {
      stream: { name, namespace: 'public', json_schema: { type: 'object', properties }, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      primary_key: primaryKey,
      cursor_field: cursor,
    },
  ],
});

/** Emission times that only grow, batch after batch and sync after sync, as a source's clock does. */
let clock = Date.now();

/** One sync: each batch with its own emission time and a STATE after it. */
async function sync(catalog: ConfiguredAirbyteCatalog, batches: Row[][]): Promise<void> {
  const { name } = catalog.streams[0].stream;
  const input = (async function* (): AsyncGenerator<SourceOutput> {
    for (const records of batches) {
      yield { type: 'RECORD_BATCH', stream: name, namespace: 'public', emittedAt: (clock += 1000), records };
      yield streamStateMessage({ name, namespace: 'public' }, { at: clock });
    }
    if (batches.length === 0) yield streamStateMessage({ name, namespace: 'public' }, { at: clock });
  })();
  for await (const _ of destinationPostgres.write(config, catalog, input, ctx));
}

/** Every row of a table as jsonb text without _airbyte_normalized_at (the one column a rebuild sets anew), sorted. */
const tableRows = async (table: string) => (await rows<{ row: string }>(`SELECT (to_jsonb(t) - '_airbyte_normalized_at')::text AS row FROM public.${q(table)} t ORDER BY 1`)).map((r) => r.row);

/**
 * The final and child tables equal, row by row and column by column, what a rebuild from the
 * whole raw table gives (the rebuild goes to staging tables, compared, then dropped).
 */
async function expectEqualsRebuild(catalog: ConfiguredAirbyteCatalog, tables: string[]): Promise<void> {
  const configured = catalog.streams[0];
  const namer = new IdentifierNamer();
  const finalName = namer.allocate(configured.stream.name);
  const rawName = namer.allocate(`_airbyte_raw_${configured.stream.name}`);
  const client = new pg.Client({ connectionString: db.service.connectionUrl('analytics_db') });
  await client.connect();
  try {
    const swaps = await stageDeduplicated(client, { schema: 'public', configured, finalName, tables: namer, stagingName: (t) => `_rebuild_${t}` }, `public.${q(rawName)}`);
    expect(swaps.map((s) => s.target).sort()).toEqual([...tables].sort());
    for (const { staged, target } of swaps) {
      expect(await tableRows(target), `${target} against its rebuild`).toEqual(await tableRows(staged));
      await client.query(`DROP TABLE public.${q(staged)}`);
    }
  } finally {
    await client.end();
  }
}

describe('append_dedup merges', () => {
  const properties: Record<string, JsonSchema> = {
    tenant: { type: 'integer' },
    // A number key: 5 and "5.0" are one key, spelled two ways.
    id: { type: 'number' },
    v: { type: ['null', 'string'] },
    updated_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
    info: { type: ['null', 'object'], properties: { a: { type: 'integer' }, b: { type: 'string' } } },
    items: { type: ['null', 'array'], items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } } } },
    tags: { type: ['null', 'array'], items: { type: 'string' } },
    // Free-form: holding only arrays of objects, it gets a child table whose columns the data decides.
    extra: {},
    _ab_cdc_deleted_at: { type: ['null', 'string'], format: 'date-time' },
  };
  const catalog = dedupCatalog('orders', properties, [['tenant'], ['id']], ['updated_at']);
  const tables = ['orders', 'orders_items', 'orders_tags', 'orders_extra'];

  /** The model: per key, the newest cursor (NULL oldest), ties to the later emission, then the later row; a delete removes the key. */
  const model = new Map<string, { cursor: number; row: Row }>();
  const apply = (batches: Row[][]) => {
    for (const batch of batches) {
      for (const row of batch) {
        // A key that does not cast (NULL) is not modelled: the rebuild keeps one row for all of them.
        if (!Number.isInteger(row.tenant)) continue;
        const key = `${row.tenant}|${Number(row.id)}`;
        const cursor = row.updated_at ? Date.parse(row.updated_at as string) : -Infinity;
        const held = model.get(key);
        // Rows come in load order, so a tie goes to this one.
        if (!held || cursor >= held.cursor) model.set(key, { cursor, row });
      }
    }
  };
  const kept = () => [...model.values()].map((m) => m.row).filter((r) => !r._ab_cdc_deleted_at);
  const byKey = (a: { tenant: string; id: number }, b: { tenant: string; id: number }) => Number(a.tenant) - Number(b.tenant) || a.id - b.id;

  /** The final and child tables hold exactly the model's rows. */
  async function expectModel() {
    const expected = kept().map((r) => ({ tenant: String(r.tenant), id: Number(r.id), v: (r.v as string | null) ?? null }));
    expect(await rows(`SELECT tenant::text, id::float8 AS id, v FROM orders WHERE tenant IS NOT NULL ORDER BY tenant, id`)).toEqual(expected.sort(byKey));
    const children = (field: string, value: (e: any) => Row) =>
      kept()
        .flatMap((r) => (Array.isArray(r[field]) ? (r[field] as unknown[]).map((e) => ({ tenant: String(r.tenant), id: Number(r.id), ...value(e) })) : []))
        .sort((a, b) => byKey(a, b) || JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const childRows = async (table: string, select: string) =>
      (await rows<Row & { tenant: string; id: number }>(`SELECT o.tenant::text, o.id::float8 AS id, ${select} FROM ${table} c JOIN orders o USING (_airbyte_orders_hashid) WHERE o.tenant IS NOT NULL`)).sort(
        (a, b) => byKey(a, b) || JSON.stringify(a).localeCompare(JSON.stringify(b)),
      );
    expect(await childRows('orders_items', 'c.sku, c.qty::text AS qty')).toEqual(children('items', (e) => ({ sku: e.sku, qty: typeof e.qty === 'number' ? String(e.qty) : null })));
    expect(await childRows('orders_tags', 'c.data')).toEqual(children('tags', (e) => ({ data: e })));
    expect(await childRows('orders_extra', 'c.k::text AS k')).toEqual(children('extra', (e) => ({ k: String(e.k) })));
  }

  const step = async (batches: Row[][]) => {
    await sync(catalog, batches);
    apply(batches);
    await expectEqualsRebuild(catalog, tables);
    await expectModel();
  };
  const at = (day: string) => `2025-01-${day}Z`;
  const untouched = Array.from({ length: 50 }, (_, i) => ({ tenant: 9, id: i + 1, v: `u${i + 1}`, updated_at: at('01T00:00:00'), items: [{ sku: `u${i + 1}`, qty: i }], extra: [{ k: i }] }));
  const normalizedAt = () => rows(`SELECT id::text, _airbyte_normalized_at::text AS at FROM orders WHERE tenant = 9 ORDER BY id`);

  it('equal a rebuild and the model after every sync, rewriting only the keys each sync touched', async () => {
    // The first sync has no final table: the rebuild makes it.
    await step([
      [
        { tenant: 1, id: 1, v: 'a1', updated_at: at('01T00:00:00'), info: { a: 1, b: 'x' }, items: [{ sku: 's1', qty: 1 }], tags: ['t1'], extra: [{ k: 1 }] },
        // A value that does not cast: NULL, with the reason in _airbyte_meta.
        { tenant: 1, id: 2, v: 'b1', updated_at: at('05T00:00:00'), items: [{ sku: 's2', qty: 2 }, { sku: 's3', qty: 'many' }], tags: [] },
        { tenant: 2, id: 1, v: 'c1', updated_at: at('01T00:00:00'), items: null },
        { tenant: 2, id: 2, v: 'd1', updated_at: at('01T00:00:00') },
        { tenant: 3, id: 1, v: 'e1', updated_at: at('01T00:00:00'), tags: ['x', 'y'] },
        { tenant: 1, id: 5, v: 'f1', updated_at: at('01T00:00:00') },
        ...untouched,
      ],
    ]);
    const oid = await oidOf('orders');
    const untouchedBefore = await normalizedAt();

    await step([
      [
        { tenant: 1, id: 1, v: 'a2', updated_at: at('02T00:00:00'), info: { a: 2 }, items: [{ sku: 's1b', qty: 3 }], tags: ['t1', 't2'], extra: [{ k: 2 }, { k: 3 }] },
        // Older than what the final table holds: it arrives late and loses.
        { tenant: 1, id: 2, v: 'b-stale', updated_at: at('04T00:00:00'), items: [] },
        { tenant: 2, id: 1, v: null, updated_at: at('03T00:00:00'), _ab_cdc_deleted_at: at('03T00:00:00') },
        // One key twice in a sync, the newer first.
        { tenant: 2, id: 2, v: 'd2', updated_at: at('03T00:00:00'), tags: ['d2'] },
        { tenant: 2, id: 2, v: 'd3', updated_at: at('02T00:00:00') },
        // A NULL cursor is older than any.
        { tenant: 3, id: 1, v: 'e-null', updated_at: null },
        { tenant: 4, id: 1, v: 'g1', updated_at: at('01T00:00:00'), items: [{ sku: 'g', qty: 1 }] },
        // The key (1, 5) spelled "5.0", newer.
        { tenant: 1, id: '5.0', v: 'f2', updated_at: at('02T00:00:00'), tags: ['f2'] },
      ],
      // The same cursor, emitted later: it wins the tie.
      [{ tenant: 2, id: 2, v: 'd4', updated_at: '2025-01-03T01:00:00+01:00', items: [{ sku: 'd4', qty: 4 }] }],
    ]);
    expect(await oidOf('orders')).toBe(oid);
    expect(await normalizedAt()).toEqual(untouchedBefore);

    await step([
      [
        // Re-inserted after its delete.
        { tenant: 2, id: 1, v: 'c2', updated_at: at('04T00:00:00'), extra: [{ k: 21 }] },
        // Deleted, then an older update of it arrives in the same sync: it stays deleted.
        { tenant: 3, id: 1, v: null, updated_at: at('02T00:00:00'), _ab_cdc_deleted_at: at('02T00:00:00') },
        { tenant: 3, id: 1, v: 'e-late', updated_at: at('01T06:00:00') },
        // (1, 5) spelled 5 again, older than the "5.0" row the final table holds: that row stays.
        { tenant: 1, id: 5, v: 'f-stale', updated_at: at('01T12:00:00') },
        // Arrays emptied or gone: their child rows leave.
        { tenant: 1, id: 1, v: 'a3', updated_at: at('03T00:00:00'), items: [], tags: null, extra: [] },
      ],
    ]);
    // An older version of a deleted key in a later sync: the delete still wins.
    await step([[{ tenant: 3, id: 1, v: 'e-later', updated_at: at('01T07:00:00') }, { tenant: 2, id: 1, v: 'c-old', updated_at: at('02T00:00:00') }]]);
    // A sync with nothing new.
    await step([]);
    expect(await oidOf('orders')).toBe(oid);
    expect(await normalizedAt()).toEqual(untouchedBefore);

    // The layout changes (an element key the data adds to the free-form child): rebuilt.
    await step([[{ tenant: 5, id: 1, v: 'h1', updated_at: at('01T00:00:00'), extra: [{ k: 5, more: 'yes' }] }]]);
    const relaid = await oidOf('orders');
    expect(relaid).not.toBe(oid);
    // And the next sync merges again.
    await step([[{ tenant: 5, id: 1, v: 'h2', updated_at: at('02T00:00:00'), extra: [{ k: 6 }] }, { tenant: 9, id: 3, v: 'u3b', updated_at: at('02T00:00:00') }]]);
    expect(await oidOf('orders')).toBe(relaid);

    // A key that is NULL (it does not cast): the rebuild runs, which keeps one row for all such keys.
    await step([[{ tenant: 'none', id: 7, v: 'null key', updated_at: at('01T00:00:00') }, { tenant: 6, id: 1, v: 'i1', updated_at: at('01T00:00:00') }]]);
    expect(await rows(`SELECT id::text, v FROM orders WHERE tenant IS NULL`)).toEqual([{ id: '7', v: 'null key' }]);
    expect(await oidOf('orders')).not.toBe(relaid);
    const last = await oidOf('orders');
    await step([[{ tenant: 6, id: 1, v: 'i2', updated_at: at('02T00:00:00') }, { tenant: 6, id: 2, v: 'j1', updated_at: at('03T00:00:00') }]]);
    expect(await oidOf('orders')).toBe(last);
  }, SLOW);
});

describe('append_dedup merge, schema changes', () => {
  it('a field added rebuilds (older rows get NULL); a dropped field keeps its column and merges', async () => {
    const base: Record<string, JsonSchema> = { id: { type: 'integer' }, n: { type: 'integer' }, phone: { type: ['null', 'string'] } };
    const withEmail = { ...base, email: { type: ['null', 'string'] } } as Record<string, JsonSchema>;
    const catalogOf = (p: Record<string, JsonSchema>) => dedupCatalog('people', p, [['id']], ['n']);
    await sync(catalogOf(base), [[{ id: 1, n: 1, phone: 'p1' }, { id: 2, n: 1, phone: 'p2' }]]);
    await sync(catalogOf(withEmail), [[{ id: 2, n: 2, phone: 'p2b', email: 'e2' }]]);
    await expectEqualsRebuild(catalogOf(withEmail), ['people']);
    expect(await rows(`SELECT id::text, phone, email FROM people ORDER BY id`)).toEqual([{ id: '1', phone: 'p1', email: null }, { id: '2', phone: 'p2b', email: 'e2' }]);
    const oid = await oidOf('people');
    const { phone: _phone, ...dropped } = withEmail;
    await sync(catalogOf(dropped), [[{ id: 1, n: 2, email: 'e1' }, { id: 3, n: 1, email: 'e3' }]]);
    expect(await oidOf('people')).toBe(oid);
    await expectEqualsRebuild(catalogOf(dropped), ['people']);
    expect(await rows(`SELECT id::text, phone, email FROM people ORDER BY id`)).toEqual([
      { id: '1', phone: null, email: 'e1' },
      { id: '2', phone: 'p2b', email: 'e2' },
      { id: '3', phone: null, email: 'e3' },
    ]);
  }, SLOW);
});

describe('append_dedup when most keys changed', () => {
  it('rebuilds (cheaper than deleting and inserting nearly every row), then merges again', async () => {
    const catalog = dedupCatalog('resent', { id: { type: 'integer' }, n: { type: 'integer' } }, [['id']], ['n']);
    const ids = Array.from({ length: 3000 }, (_, i) => i + 1);
    await sync(catalog, [ids.map((id) => ({ id, n: 1 }))]);
    const first = await oidOf('resent');
    // A re-sync: every row again, two thirds of them newer.
    await sync(catalog, [ids.map((id) => ({ id, n: id % 3 === 0 ? 1 : 2 }))]);
    const rebuilt = await oidOf('resent');
    expect(rebuilt).not.toBe(first);
    await expectEqualsRebuild(catalog, ['resent']);
    await sync(catalog, [[{ id: 3, n: 3 }]]);
    expect(await oidOf('resent')).toBe(rebuilt);
    await expectEqualsRebuild(catalog, ['resent']);
    expect(await rows(`SELECT n::text, count(*)::int AS rows FROM resent GROUP BY n ORDER BY n`)).toEqual([
      { n: '1', rows: 999 },
      { n: '2', rows: 2000 },
      { n: '3', rows: 1 },
    ]);
  }, SLOW);
});

describe('append_dedup merge, its writer SIGKILLed mid-merge', () => {
  const properties: Record<string, JsonSchema> = { id: { type: 'integer' }, n: { type: 'integer' }, items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } } };
  const catalog = dedupCatalog('killed_merge', properties, [['id']], ['n']);
  const version = (id: number, n: number) => ({ id, n, items: [{ sku: `${id}-${n}` }] });
  const snapshot = async () => ({
    final: await tableRows('killed_merge'),
    child: await tableRows('killed_merge_items'),
  });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'destination-postgres-merge-kill-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('leaves the previous final and child tables whole, readable throughout; the next sync merges what the killed one loaded', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => i + 1);
    await sync(catalog, [ids.map((id) => version(id, 1))]);
    await sync(catalog, [ids.filter((id) => id % 10 === 0).map((id) => version(id, 2))]);
    const before = await snapshot();

    // The test holds the child table so the writer's merge stops after deleting final rows, inside its transaction.
    const holder = new pg.Client({ connectionString: db.service.connectionUrl('analytics_db') });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE public.killed_merge_items IN SHARE MODE');
    const { child, running, exited } = await spawnCliWriter(dir, config, catalog);
    const lines: AirbyteMessage[] = ids.filter((id) => id <= 800).map((id) => ({ type: 'RECORD', record: { stream: 'killed_merge', namespace: 'public', data: version(id, 3), emitted_at: (clock += 1) } }));
    lines.push(streamStateMessage({ name: 'killed_merge', namespace: 'public' }, { n: 3 }));
    child.stdin.end(lines.map(serializeMessage).join(''));
    try {
      // Waiting on the lock: the writer has deleted final rows in its open transaction.
      for (;;) {
        expect(running(), 'the writer exited before reaching the merge').toBe(true);
        const waiting = await rows(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM "public"."killed_merge_items"%'`);
        if (waiting.length) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await snapshot()).toEqual(before);
      child.kill('SIGKILL');
      await exited;
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // Its server process ends once it finds the client gone, rolling the merge back.
    for (;;) {
      const left = await rows(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%killed_merge%' AND pid <> pg_backend_pid()`);
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await snapshot()).toEqual(before);

    // The killed sync had committed its raw rows and acknowledged its STATE: the next sync merges them too.
    await sync(catalog, [[version(2000, 4)]]);
    await expectEqualsRebuild(catalog, ['killed_merge', 'killed_merge_items']);
    const expected = ids.map((id) => ({ id: String(id), n: String(id === 2000 ? 4 : id <= 800 ? 3 : id % 10 === 0 ? 2 : 1) }));
    expect(await rows(`SELECT id::text, n::text FROM killed_merge ORDER BY killed_merge.id`)).toEqual(expected);
    expect(await rows(`SELECT count(*)::int AS n FROM killed_merge_items`)).toEqual([{ n: 2000 }]);
  }, SLOW);
});
